// Keeping the inbox live: a fetch-read event stream on H5, polling on the mini-program.
// Dependencies are passed in so the switch and the reconnects are unit-tested without a browser.
import { backoff, liveMode, parseSse, POLL_SECONDS, type LiveMode, type Message } from './messages'

export interface LiveDeps {
  mode: LiveMode
  /** H5: the stream's URL (same origin as the gateway). */
  streamUrl: string
  fetch?: typeof fetch
  token: () => string | null
  /** Refresh the access token after a 401 (the API client's single refresh); false: signed out. */
  refresh: () => Promise<boolean>
  /** Poll: read the unread count and the newest page. */
  poll: () => Promise<void>
  onMessage: (message: Message) => void
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

const STREAM_DELAY_MS = 1000

export class InboxLive {
  private stopped = true
  private lastId: string | null = null
  private attempt = 0
  private timer: unknown = null
  private abort: AbortController | null = null

  constructor(private readonly deps: LiveDeps) {}

  get mode(): LiveMode {
    return this.deps.mode
  }

  /** Go live after the screen has loaded its first page. The stream resumes after the newest
   * message shown (`Last-Event-ID`), so nothing that came in between is missed, and opens a
   * moment later so it does not compete with the screen's first requests. */
  start(shownUpTo?: number): void {
    if (!this.stopped) return
    this.stopped = false
    if (shownUpTo !== undefined && shownUpTo > 0) this.lastId = String(shownUpTo)
    if (this.deps.mode === 'stream') this.later(() => void this.connect(), STREAM_DELAY_MS)
    else this.schedulePoll(POLL_SECONDS * 1000)
  }

  stop(): void {
    this.stopped = true
    this.abort?.abort()
    this.abort = null
    if (this.timer !== null) (this.deps.clearTimer ?? clearTimeout)(this.timer as number)
    this.timer = null
  }

  private later(fn: () => void, ms: number): void {
    this.timer = (this.deps.setTimer ?? setTimeout)(fn, ms)
  }

  private schedulePoll(ms: number): void {
    this.later(async () => {
      if (this.stopped) return
      await this.deps.poll().catch(() => undefined)
      if (!this.stopped) this.schedulePoll(POLL_SECONDS * 1000)
    }, ms)
  }

  /** One stream connection; when it ends (server lifetime, network, 401) reconnect. */
  async connect(): Promise<void> {
    const doFetch = this.deps.fetch ?? fetch
    this.abort = new AbortController()
    let answered = false
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' }
      const token = this.deps.token()
      if (token) headers.Authorization = `Bearer ${token}`
      if (this.lastId) headers['Last-Event-ID'] = this.lastId
      const response = await doFetch(this.deps.streamUrl, { headers, signal: this.abort.signal })
      if (response.status === 401) {
        if (!(await this.deps.refresh())) return this.stop()
      } else if (response.ok && response.body) {
        answered = true
        this.attempt = 0
        await this.read(response.body)
      }
    } catch {
      // Aborted by stop() or the network went: either way, fall through to reconnect or not.
    }
    if (this.stopped) return
    const wait = answered ? 0 : backoff(this.attempt++)
    this.later(() => void this.connect(), wait)
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    while (!this.stopped) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      const { events, rest } = parseSse(buffer)
      buffer = rest
      for (const event of events) {
        if (event.id) this.lastId = event.id
        if (event.event !== 'message') continue
        try {
          this.deps.onMessage(JSON.parse(event.data) as Message)
        } catch {
          // A line we cannot read is skipped; the list is re-read on the next show.
        }
      }
    }
  }
}

/** The mode this build and browser can do. */
export function currentMode(): LiveMode {
  let miniProgram = false
  // #ifdef MP-WEIXIN
  miniProgram = true
  // #endif
  const g = globalThis as { fetch?: unknown; ReadableStream?: unknown }
  return liveMode({ miniProgram, fetch: g.fetch, readableStream: g.ReadableStream })
}
