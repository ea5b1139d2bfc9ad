// A fake `uni` global: storage in a Map, requests answered by the test's own handler.
import { beforeEach, vi } from 'vitest'

export type Handler = (request: {
  url: string
  method: string
  data?: unknown
  header: Record<string, string>
}) => { statusCode: number; data: unknown }

const storage = new Map<string, unknown>()
let handler: Handler = () => ({ statusCode: 404, data: { title: '未找到', status: 404 } })

export function answerWith(next: Handler): void {
  handler = next
}

const fakeUni = {
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => storage.set(key, value),
  removeStorageSync: (key: string) => storage.delete(key),
  request: (options: {
    url: string
    method: string
    data?: unknown
    header: Record<string, string>
    success: (res: { statusCode: number; data: unknown; header: Record<string, string> }) => void
  }) => {
    const answer = handler({
      url: options.url,
      method: options.method,
      data: options.data,
      header: options.header,
    })
    queueMicrotask(() => options.success({ ...answer, header: {} }))
  },
  reLaunch: vi.fn(),
  showToast: vi.fn(),
}

;(globalThis as unknown as { uni: typeof fakeUni }).uni = fakeUni

beforeEach(() => {
  storage.clear()
  fakeUni.reLaunch.mockClear()
})
