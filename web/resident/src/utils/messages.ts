// The inbox's logic: reading the event stream, the live/polling switch, where a message leads.
// The stream needs the bearer token in a header (the gateway checks every non-public route,
// and notices reads CurrentPrincipal from Authorization), which EventSource cannot send; H5
// therefore reads /api/inbox/stream with fetch() and a ReadableStream, and the mini-program
// (no streaming fetch, no EventSource) polls the unread count and the first page.

export interface Message {
  id: string
  seq: number
  kind: string
  title: string
  body: string
  link: string
  created_at: string
  read_at: string | null
}

export interface SseEvent {
  id?: string
  event: string
  data: string
}

/** Split what has arrived into whole events and the unfinished rest (keep it for the next
 * chunk). Comments (": keepalive") and `retry:` lines carry no event. */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const text = buffer.replace(/\r\n?/g, '\n')
  const blocks = text.split('\n\n')
  const rest = blocks.pop() ?? ''
  const events: SseEvent[] = []
  for (const block of blocks) {
    let id: string | undefined
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id') id = value
      else if (field === 'event') event = value
      else if (field === 'data') data.push(value)
    }
    if (data.length) events.push({ id, event, data: data.join('\n') })
  }
  return { events, rest }
}

export type LiveMode = 'stream' | 'poll'

/** Stream where the platform can read a response as it arrives with our own headers (H5 with
 * fetch + ReadableStream); poll everywhere else (the mini-program). */
export function liveMode(env: { miniProgram: boolean; fetch?: unknown; readableStream?: unknown }): LiveMode {
  if (env.miniProgram) return 'poll'
  return typeof env.fetch === 'function' && typeof env.readableStream === 'function' ? 'stream' : 'poll'
}

/** Newest first, one row per id; a newer copy of a message (read now) replaces the old. */
export function mergeMessages(shown: Message[], incoming: Message[]): Message[] {
  const byId = new Map(shown.map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, { ...byId.get(m.id), ...m })
  return Array.from(byId.values()).sort((a, b) => b.seq - a.seq)
}

export function markRead(shown: Message[], id: string, at: string): Message[] {
  return shown.map((m) => (m.id === id && !m.read_at ? { ...m, read_at: at } : m))
}

export function markAllRead(shown: Message[], at: string): Message[] {
  return shown.map((m) => (m.read_at ? m : { ...m, read_at: at }))
}

export function unreadIn(shown: Message[]): number {
  return shown.filter((m) => !m.read_at).length
}

// Pages a message may lead to; a link to a page the app does not have (notices names
// `/pages/points/claim?id=…` for a claim) goes to the nearest screen that shows it.
const PAGES = new Set([
  'pages/home/index',
  'pages/points/index',
  'pages/points/claims',
  'pages/points/redlist',
  'pages/points/rules',
  'pages/petitions/detail',
  'pages/petitions/index',
  'pages/notices/detail',
  'pages/notices/index',
  'pages/activities/detail',
  'pages/activities/index',
  'pages/mall/order',
  'pages/mall/orders',
  'pages/messages/index',
])
const NEAREST: Record<string, string> = { 'pages/points/claim': '/pages/points/claims' }
const TABS = new Set(['pages/home/index', 'pages/points/index', 'pages/petitions/index', 'pages/mall/index', 'pages/me/index'])

/** Where tapping a message goes, and whether that page is a tab (switchTab, no query). */
export function targetOf(link: string | null | undefined): { url: string; tab: boolean } | null {
  if (!link || !link.startsWith('/pages/')) return null
  const [path] = link.slice(1).split('?')
  if (NEAREST[path]) return { url: NEAREST[path], tab: false }
  if (TABS.has(path)) return { url: `/${path}`, tab: true }
  return PAGES.has(path) ? { url: link, tab: false } : null
}

/** Wait before reconnecting the stream: 1 s, 2 s, 4 s … at most 30 s. */
export function backoff(attempt: number): number {
  return Math.min(30000, 1000 * 2 ** Math.max(0, attempt))
}

export const POLL_SECONDS = 15
