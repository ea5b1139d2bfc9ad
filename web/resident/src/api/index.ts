// The app's single client instance: tokens in the device's storage, the gateway as the base.
import { ApiClient, uniTransport, type Tokens, type TokenStore } from './client'

const TOKENS_KEY = 'sz.tokens'

/** H5 is served by the gateway, so the API is on the same origin. The mini-program needs the
 * gateway's HTTPS address, set at build time: `VITE_API_BASE=https://… npm run build:mp`. */
export function apiBase(): string {
  // #ifdef MP-WEIXIN
  return (import.meta.env.VITE_API_BASE as string | undefined) ?? 'http://127.0.0.1:8000'
  // #endif
  // #ifndef MP-WEIXIN
  return ''
  // #endif
}

export const tokenStore: TokenStore = {
  get(): Tokens | null {
    const held = uni.getStorageSync(TOKENS_KEY)
    return held && typeof held === 'object' ? (held as Tokens) : null
  },
  set(tokens: Tokens | null): void {
    if (tokens) uni.setStorageSync(TOKENS_KEY, tokens)
    else uni.removeStorageSync(TOKENS_KEY)
  },
}

export const api = new ApiClient(apiBase(), tokenStore, uniTransport(), () => {
  uni.reLaunch({ url: '/pages/login/index' })
})

export { ApiError } from './problem'
