// The one API client of both front ends (the residents' app and the staff console): every call
// goes through the gateway, a 401 refreshes the token once, a problem+json answer becomes an
// ApiError with a message a person can read. How a request leaves is the app's Transport.
import { ApiError, type Problem } from './problem'

export interface Tokens {
  access_token: string
  refresh_token: string
}

export interface TokenStore {
  get(): Tokens | null
  set(tokens: Tokens | null): void
}

export interface RawResponse {
  statusCode: number
  data: unknown
  header?: Record<string, string>
}

export interface RawRequest {
  url: string
  method: string
  data?: unknown
  header: Record<string, string>
  /** A file to send as multipart `file`: a local path picked on the phone (uni-app), or a
   * Blob picked in the browser (console). */
  file?: string | Blob
  /** 'arraybuffer' for binary answers (an image read with the bearer token). */
  responseType?: 'arraybuffer'
}

/** How a request leaves the app: `uni.request` in the residents' app, `fetch` in the console,
 * a fake in unit tests. */
export type Transport = (request: RawRequest) => Promise<RawResponse>

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  headers?: Record<string, string>
  /** Sign-in and registration calls: no token, and a 401 is the answer, not a refresh. */
  anonymous?: boolean
  /** Upload this file as the multipart field `file`. */
  file?: string | Blob
  /** 'arraybuffer' for binary answers (an image that needs the bearer token). */
  responseType?: 'arraybuffer'
}

export function queryString(query?: RequestOptions['query']): string {
  if (!query) return ''
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

export class ApiClient {
  private refreshing: Promise<boolean> | null = null

  constructor(
    private readonly base: string,
    private readonly tokens: TokenStore,
    private readonly transport: Transport,
    private readonly onSignedOut: () => void = () => {},
  ) {}

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options)
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body: body ?? {} })
  }

  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body: body ?? {} })
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options)
  }

  upload<T>(path: string, file: string | Blob, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, file })
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let answer = await this.send(method, path, options)
    if (answer.statusCode === 401 && !options.anonymous && this.tokens.get()) {
      if (await this.refresh()) answer = await this.send(method, path, options)
      if (answer.statusCode === 401) {
        this.tokens.set(null)
        this.onSignedOut()
      }
    }
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.data as T
    throw new ApiError(answer.statusCode, asProblem(answer.data))
  }

  /** One refresh at a time: concurrent 401s wait for the same one. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null
      })
    }
    return this.refreshing
  }

  private async doRefresh(): Promise<boolean> {
    const held = this.tokens.get()
    if (!held?.refresh_token) return false
    const answer = await this.send(
      'POST',
      '/api/identity/auth/refresh',
      { body: { refresh_token: held.refresh_token }, anonymous: true },
    )
    if (answer.statusCode !== 200) return false
    this.tokens.set(answer.data as Tokens)
    return true
  }

  private send(method: string, path: string, options: RequestOptions): Promise<RawResponse> {
    const header: Record<string, string> = { Accept: 'application/json', ...options.headers }
    const held = this.tokens.get()
    if (held && !options.anonymous) header.Authorization = `Bearer ${held.access_token}`
    if (options.body !== undefined && !options.file) header['Content-Type'] ??= 'application/json'
    return this.transport({
      url: `${this.base}${path}${queryString(options.query)}`,
      method,
      data: options.body,
      header,
      file: options.file,
      ...(options.responseType ? { responseType: options.responseType } : {}),
    })
  }
}

export function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

function asProblem(data: unknown): Problem | undefined {
  const parsed = parseBody(data)
  return parsed && typeof parsed === 'object' ? (parsed as Problem) : undefined
}
