import { describe, expect, it, vi } from 'vitest'
import { ApiClient, type Tokens } from '@shared/api/client'
import { ApiError } from '@shared/api/problem'
import { fetchTransport, storageTokens } from '@/api'

function answer(status: number, body: unknown, type = 'application/json'): Response {
  const text = body === null ? null : typeof body === 'string' ? body : JSON.stringify(body)
  return new Response(text, { status, headers: { 'content-type': type } })
}

function client(fetcher: typeof fetch) {
  const tokens = storageTokens(window.sessionStorage)
  tokens.set({ access_token: 'old', refresh_token: 'r1' })
  const signedOut = vi.fn()
  return { api: new ApiClient('', tokens, fetchTransport(fetcher), signedOut), tokens, signedOut }
}

describe('the console client over fetch', () => {
  it('sends JSON with the bearer token and reads JSON back', async () => {
    const fetcher = vi.fn(async () => answer(200, { ok: true }))
    const { api } = client(fetcher as unknown as typeof fetch)
    expect(await api.post('/api/x', { a: 1 }, { query: { q: '西城', empty: '' } })).toEqual({ ok: true })
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/x?q=%E8%A5%BF%E5%9F%8E')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer old')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(init.body).toBe('{"a":1}')
  })

  it('refreshes once on a 401 and retries with the new token', async () => {
    const seen: string[] = []
    const fetcher = vi.fn(async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? ''
      seen.push(`${url} ${auth}`)
      if (url.endsWith('/auth/refresh')) return answer(200, { access_token: 'new', refresh_token: 'r2' })
      return auth === 'Bearer new' ? answer(200, [1]) : answer(401, { title: '未登录' }, 'application/problem+json')
    })
    const { api, tokens } = client(fetcher as unknown as typeof fetch)
    const [a, b] = await Promise.all([api.get('/api/a'), api.get('/api/b')])
    expect(a).toEqual([1])
    expect(b).toEqual([1])
    expect(seen.filter((s) => s.includes('/auth/refresh'))).toHaveLength(1)
    expect((tokens.get() as Tokens).refresh_token).toBe('r2')
  })

  it('signs out when the refresh is refused', async () => {
    const fetcher = vi.fn(async () => answer(401, { title: '未登录' }, 'application/problem+json'))
    const { api, tokens, signedOut } = client(fetcher as unknown as typeof fetch)
    await expect(api.get('/api/a')).rejects.toBeInstanceOf(ApiError)
    expect(tokens.get()).toBeNull()
    expect(signedOut).toHaveBeenCalledOnce()
  })

  it('turns problem+json field errors into messages on their fields', async () => {
    const problem = {
      title: '填写的内容有误',
      status: 422,
      errors: [{ field: 'body.reason', message: 'String should have at least 2 characters' }],
    }
    const fetcher = vi.fn(async () => answer(422, problem, 'application/problem+json'))
    const { api } = client(fetcher as unknown as typeof fetch)
    const err = (await api.post('/api/x', {}).catch((e) => e)) as ApiError
    expect(err.status).toBe(422)
    expect(err.fieldMessage('reason')).toBe('至少 2 个字')
    expect(err.message).toBe('理由：至少 2 个字')
  })

  it('names staff fields in Chinese', async () => {
    const problem = { status: 422, errors: [{ field: 'body.effective_from', message: 'Field required' }] }
    const fetcher = vi.fn(async () => answer(422, problem, 'application/problem+json'))
    const { api } = client(fetcher as unknown as typeof fetch)
    const err = (await api.post('/api/x', {}).catch((e) => e)) as ApiError
    expect(err.message).toBe('生效日期：必填')
  })

  it('sends a file as multipart without a JSON content type', async () => {
    const fetcher = vi.fn(async () => answer(201, { id: 'f1' }))
    const { api } = client(fetcher as unknown as typeof fetch)
    await api.upload('/api/files', new Blob(['x'], { type: 'image/png' }))
    const init = (fetcher.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(init.body).toBeInstanceOf(FormData)
    expect((init.headers as Record<string, string>)['Content-Type']).toBeUndefined()
  })

  it('reads binary answers and empty 204s', async () => {
    const bytes = new Uint8Array([80, 75, 3, 4])
    const fetcher = vi
      .fn()
      .mockResolvedValueOnce(new Response(bytes, { status: 200 }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
    const { api } = client(fetcher as unknown as typeof fetch)
    const data = await api.get<ArrayBuffer>('/api/x.xlsx', { responseType: 'arraybuffer' })
    expect(new Uint8Array(data)).toEqual(bytes)
    expect(await api.delete('/api/y')).toBeNull()
  })

  it('says the network failed in Chinese', async () => {
    const fetcher = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const { api } = client(fetcher as unknown as typeof fetch)
    await expect(api.get('/api/a')).rejects.toThrow('网络连接失败')
  })
})
