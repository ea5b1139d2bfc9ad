// The console's single client: the shared ApiClient over `fetch`, tokens kept for this browser
// tab only (a shared desk computer forgets them when the tab closes).
import { ApiClient, parseBody, type RawRequest, type RawResponse, type TokenStore, type Tokens, type Transport } from '@shared/api/client'
import { ApiError, registerFieldNames } from '@shared/api/problem'
import { STAFF_FIELD_NAMES } from './fields'

const TOKENS_KEY = 'sz.console.tokens'

registerFieldNames(STAFF_FIELD_NAMES)

export function storageTokens(storage: Storage): TokenStore {
  return {
    get(): Tokens | null {
      try {
        const held = JSON.parse(storage.getItem(TOKENS_KEY) ?? 'null')
        return held && typeof held === 'object' ? (held as Tokens) : null
      } catch {
        return null
      }
    },
    set(tokens: Tokens | null): void {
      if (tokens) storage.setItem(TOKENS_KEY, JSON.stringify(tokens))
      else storage.removeItem(TOKENS_KEY)
    },
  }
}

/** `fetch` as the client's transport: JSON bodies, multipart for files, binary when asked. */
export function fetchTransport(fetcher: typeof fetch = (...a) => fetch(...a)): Transport {
  return async (request: RawRequest): Promise<RawResponse> => {
    const headers = { ...request.header }
    let body: BodyInit | undefined
    if (request.file !== undefined) {
      const form = new FormData()
      form.append('file', request.file as Blob)
      body = form
      delete headers['Content-Type']
    } else if (request.data !== undefined && request.method !== 'GET') {
      body = JSON.stringify(request.data)
    }
    let answer: Response
    try {
      answer = await fetcher(request.url, { method: request.method, headers, body })
    } catch (err) {
      throw new ApiError(0, { title: '网络连接失败，请检查网络后重试', cause: String(err) })
    }
    const header: Record<string, string> = {}
    answer.headers.forEach((value, key) => {
      header[key] = value
    })
    const ok = answer.status >= 200 && answer.status < 300
    if (request.responseType === 'arraybuffer' && ok) {
      return { statusCode: answer.status, data: await answer.arrayBuffer(), header }
    }
    const text = answer.status === 204 ? '' : await answer.text()
    return { statusCode: answer.status, data: text ? parseBody(text) : null, header }
  }
}

export const tokenStore = storageTokens(window.sessionStorage)

/** Set by the session store: where a refused refresh sends the person. */
export const signedOut = { handler: () => {} }

export const api = new ApiClient('', tokenStore, fetchTransport(), () => signedOut.handler())

export { ApiError }
export type { Tokens }
