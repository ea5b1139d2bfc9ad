import { describe, expect, it, vi } from 'vitest'
import {
  backoff,
  liveMode,
  markAllRead,
  markRead,
  mergeMessages,
  parseSse,
  targetOf,
  unreadIn,
  type Message,
} from '../../src/utils/messages'
import { InboxLive } from '../../src/utils/messages-live'

function message(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    seq,
    kind: 'points.awarded',
    title: '积分到账',
    body: `您获得 ${seq} 积分。`,
    link: '/pages/points/index',
    created_at: '2026-11-29T02:00:00Z',
    read_at: null,
    ...over,
  }
}

describe('reading the event stream', () => {
  it('yields whole events and keeps the unfinished rest', () => {
    const payload = JSON.stringify(message(7))
    const text = `retry: 3000\n: keepalive\n\nid: 7\nevent: message\ndata: ${payload}\n\nid: 8\nevent: mess`
    const { events, rest } = parseSse(text)
    expect(events).toEqual([{ id: '7', event: 'message', data: payload }])
    expect(rest).toBe('id: 8\nevent: mess')
  })

  it('joins multi-line data and reads CRLF line ends', () => {
    expect(parseSse('data: a\r\ndata: b\r\n\r\n').events).toEqual([{ id: undefined, event: 'message', data: 'a\nb' }])
  })
})

describe('the live/polling switch', () => {
  it('streams on H5 where fetch can read a body as it arrives', () => {
    expect(liveMode({ miniProgram: false, fetch: () => 0, readableStream: class {} })).toBe('stream')
  })

  it('polls on the mini-program and where streaming fetch is missing', () => {
    expect(liveMode({ miniProgram: true, fetch: () => 0, readableStream: class {} })).toBe('poll')
    expect(liveMode({ miniProgram: false, fetch: () => 0 })).toBe('poll')
  })

  it('polls every 15 seconds after the first load, until stopped', async () => {
    const timers: Array<[() => void, number]> = []
    const poll = vi.fn(async () => undefined)
    const live = new InboxLive({
      mode: 'poll',
      streamUrl: '',
      token: () => 'T',
      refresh: async () => true,
      poll,
      onMessage: () => undefined,
      setTimer: (fn, ms) => timers.push([fn, ms]),
      clearTimer: () => undefined,
    })
    live.start()
    expect(timers.map(([, ms]) => ms)).toEqual([15000])
    await timers[0][0]()
    await Promise.resolve()
    expect(poll).toHaveBeenCalledTimes(1)
    expect(timers.map(([, ms]) => ms)).toEqual([15000, 15000])
    live.stop()
    await timers[1][0]()
    expect(poll).toHaveBeenCalledTimes(1)
  })

  it('streams with the bearer token after the newest shown, hands on each message, and resumes from the last id', async () => {
    const seen: Message[] = []
    const calls: Array<Record<string, string>> = []
    const chunks = [`: keepalive\n\nid: 5\nevent: message\ndata: ${JSON.stringify(message(5))}\n\n`]
    const body = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks.splice(0)) controller.enqueue(new TextEncoder().encode(c))
          controller.close()
        },
      })
    const timers: Array<() => void> = []
    const fakeFetch = vi.fn(async (_url: string, init: { headers: Record<string, string> }) => {
      calls.push(init.headers)
      return new Response(body(), { status: 200 })
    })
    const live = new InboxLive({
      mode: 'stream',
      streamUrl: '/api/inbox/stream',
      fetch: fakeFetch as unknown as typeof fetch,
      token: () => 'T',
      refresh: async () => true,
      poll: async () => undefined,
      onMessage: (m) => seen.push(m),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    })
    live.start(4)
    expect(timers.length).toBe(1) // opens a moment after the screen's first load
    timers[0]()
    await vi.waitFor(() => expect(timers.length).toBe(2))
    expect(seen.map((m) => m.seq)).toEqual([5])
    expect(calls[0]).toMatchObject({ Accept: 'text/event-stream', Authorization: 'Bearer T', 'Last-Event-ID': '4' })
    timers[1]()
    await vi.waitFor(() => expect(calls.length).toBe(2))
    expect(calls[1]['Last-Event-ID']).toBe('5')
    live.stop()
  })

  it('refreshes the token once on 401 and stops when signed out', async () => {
    const refresh = vi.fn(async () => false)
    const live = new InboxLive({
      mode: 'stream',
      streamUrl: '/api/inbox/stream',
      fetch: (async () => new Response('', { status: 401 })) as unknown as typeof fetch,
      token: () => 'old',
      refresh,
      poll: async () => undefined,
      onMessage: () => undefined,
      setTimer: () => {
        throw new Error('no reconnect after sign-out')
      },
      clearTimer: () => undefined,
    })
    await live.connect()
    expect(refresh).toHaveBeenCalledTimes(1)
  })

  it('backs off 1 s, 2 s, 4 s … up to 30 s between failed connections', () => {
    expect([0, 1, 2, 5, 9].map(backoff)).toEqual([1000, 2000, 4000, 30000, 30000])
  })
})

describe('the inbox list', () => {
  it('is newest first without repeats, a newer copy replacing the old', () => {
    const shown = [message(2), message(1)]
    const merged = mergeMessages(shown, [message(3), message(2, { read_at: '2026-11-29T03:00:00Z' })])
    expect(merged.map((m) => m.seq)).toEqual([3, 2, 1])
    expect(merged[1].read_at).toBe('2026-11-29T03:00:00Z')
  })

  it('marks one or all read and counts what is unread', () => {
    const shown = [message(2), message(1)]
    expect(unreadIn(markRead(shown, 'm1', 'now'))).toBe(1)
    expect(unreadIn(markAllRead(shown, 'now'))).toBe(0)
  })

  it('leads to the page a message names, a tab by switchTab, a missing page to the nearest', () => {
    expect(targetOf('/pages/points/index')).toEqual({ url: '/pages/points/index', tab: true })
    expect(targetOf('/pages/petitions/detail?id=1')).toEqual({ url: '/pages/petitions/detail?id=1', tab: false })
    expect(targetOf('/pages/points/claim?id=9')).toEqual({ url: '/pages/points/claims', tab: false })
    expect(targetOf('https://evil.example/')).toBeNull()
    expect(targetOf('/pages/nowhere/x')).toBeNull()
  })
})
