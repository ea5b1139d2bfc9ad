import { describe, expect, it } from 'vitest'
import { ApiClient, queryString, type RawRequest, type Tokens } from '../../src/api/client'
import { ApiError, friendlyMessage } from '../../src/api/problem'

function memoryTokens(initial: Tokens | null = null) {
  let held = initial
  return { get: () => held, set: (t: Tokens | null) => (held = t) }
}

function scripted(answers: Array<(r: RawRequest) => { statusCode: number; data: unknown }>) {
  const seen: RawRequest[] = []
  const transport = async (request: RawRequest) => {
    seen.push(request)
    const next = answers.shift()
    if (!next) throw new Error(`unexpected request ${request.method} ${request.url}`)
    return next(request)
  }
  return { seen, transport }
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON, and builds the query', async () => {
    const { seen, transport } = scripted([() => ({ statusCode: 200, data: { ok: true } })])
    const client = new ApiClient('https://gw', memoryTokens({ access_token: 'A', refresh_token: 'R' }), transport)
    const body = await client.post('/api/x', { a: 1 }, { query: { limit: 20, cursor: undefined, q: '社区' } })
    expect(body).toEqual({ ok: true })
    expect(seen[0].url).toBe('https://gw/api/x?limit=20&q=%E7%A4%BE%E5%8C%BA')
    expect(seen[0].header.Authorization).toBe('Bearer A')
    expect(seen[0].header['Content-Type']).toBe('application/json')
  })

  it('refreshes once on 401 and repeats the request with the new token', async () => {
    const tokens = memoryTokens({ access_token: 'old', refresh_token: 'R1' })
    const { seen, transport } = scripted([
      () => ({ statusCode: 401, data: { status: 401 } }),
      (r) => {
        expect(r.data).toEqual({ refresh_token: 'R1' })
        expect(r.header.Authorization).toBeUndefined()
        return { statusCode: 200, data: { access_token: 'new', refresh_token: 'R2' } }
      },
      () => ({ statusCode: 200, data: { balance: 5 } }),
    ])
    const client = new ApiClient('', tokens, transport)
    expect(await client.get('/api/points/accounts/me')).toEqual({ balance: 5 })
    expect(seen.map((r) => r.url)).toEqual([
      '/api/points/accounts/me',
      '/api/identity/auth/refresh',
      '/api/points/accounts/me',
    ])
    expect(seen[2].header.Authorization).toBe('Bearer new')
    expect(tokens.get()).toEqual({ access_token: 'new', refresh_token: 'R2' })
  })

  it('signs out when the refresh is refused, without a second refresh', async () => {
    const tokens = memoryTokens({ access_token: 'old', refresh_token: 'R1' })
    let signedOut = 0
    const { seen, transport } = scripted([
      () => ({ statusCode: 401, data: {} }),
      () => ({ statusCode: 401, data: { title: '未登录或登录已过期', status: 401 } }),
    ])
    const client = new ApiClient('', tokens, transport, () => (signedOut += 1))
    await expect(client.get('/api/identity/me')).rejects.toBeInstanceOf(ApiError)
    expect(seen).toHaveLength(2)
    expect(tokens.get()).toBeNull()
    expect(signedOut).toBe(1)
  })

  it('shares one refresh between concurrent 401s', async () => {
    const tokens = memoryTokens({ access_token: 'old', refresh_token: 'R1' })
    let refreshes = 0
    const transport = async (r: RawRequest) => {
      if (r.url.endsWith('/refresh')) {
        refreshes += 1
        await new Promise((resolve) => setTimeout(resolve, 5))
        return { statusCode: 200, data: { access_token: 'new', refresh_token: 'R2' } }
      }
      return r.header.Authorization === 'Bearer new'
        ? { statusCode: 200, data: r.url }
        : { statusCode: 401, data: {} }
    }
    const client = new ApiClient('', tokens, transport)
    const answers = await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')])
    expect(answers).toEqual(['/a', '/b', '/c'])
    expect(refreshes).toBe(1)
  })

  it('does not refresh for anonymous calls: a wrong password is the answer', async () => {
    const tokens = memoryTokens({ access_token: 'A', refresh_token: 'R' })
    const { seen, transport } = scripted([
      () => ({ statusCode: 401, data: { title: '未登录或登录已过期', detail: '手机号或密码错误', status: 401 } }),
    ])
    const client = new ApiClient('', tokens, transport)
    const error = await client.post('/api/identity/auth/login', {}, { anonymous: true }).catch((e) => e)
    expect(error.message).toBe('手机号或密码错误')
    expect(seen).toHaveLength(1)
    expect(seen[0].header.Authorization).toBeUndefined()
  })

  it('turns problem+json field errors into a message naming the field', async () => {
    const problem = {
      title: '提交的内容有误',
      status: 422,
      detail: 'phone: String should match pattern',
      field: 'phone',
      errors: [{ field: 'phone', message: "String should match pattern '^1\\d{10}$'" }],
    }
    const { transport } = scripted([() => ({ statusCode: 422, data: JSON.stringify(problem) })])
    const client = new ApiClient('', memoryTokens(), transport)
    const error: ApiError = await client.post('/api/identity/residents', {}).catch((e) => e)
    expect(error.status).toBe(422)
    expect(error.message).toBe('手机号：格式不正确')
    expect(error.fieldMessage('phone')).toBe('格式不正确')
  })
})

describe('friendly messages', () => {
  it('prefers a domain detail, then a status line', () => {
    expect(friendlyMessage(409, { title: '状态冲突', detail: '库存不足', field: 'quantity' })).toBe('库存不足')
    expect(friendlyMessage(503)).toBe('服务繁忙，请稍后再试')
    expect(friendlyMessage(500, { title: 'Internal' })).toBe('服务暂时不可用，请稍后再试')
    expect(friendlyMessage(422, { errors: [{ field: 'items.0.name', message: 'Field required' }] })).toBe('姓名：必填')
  })
  it('builds query strings without empty values', () => {
    expect(queryString({ a: 1, b: '', c: null, d: false })).toBe('?a=1&d=false')
    expect(queryString()).toBe('')
  })
})
