// The one store: who is signed in, their profile, unread messages and the elderly mode.
import { defineStore } from 'pinia'
import { api, tokenStore } from '../api'
import type { Tokens } from '../api/client'

const ELDERLY_KEY = 'sz.elderly'

export interface Role {
  role: string
  unit_id: string
}

export interface Me {
  id: string
  name: string
  phone: string
  community_id: string | null
  grid_id?: string | null
  household_id: string | null
  verification_status: 'unverified' | 'pending' | 'verified' | 'rejected' | string
  rejection_reason?: string | null
  id_number?: string | null
  roles: Role[]
}

export const useSession = defineStore('session', {
  state: () => ({
    signedIn: tokenStore.get() !== null,
    me: null as Me | null,
    unread: 0,
    elderly: uni.getStorageSync(ELDERLY_KEY) === true,
  }),
  getters: {
    verified: (state) => state.me?.verification_status === 'verified',
  },
  actions: {
    async signIn(tokens: Tokens) {
      tokenStore.set(tokens)
      this.signedIn = true
      await this.loadMe()
    },
    async loginWithPassword(phone: string, password: string) {
      const tokens = await api.post<Tokens>(
        '/api/identity/auth/login',
        { phone, password },
        { anonymous: true },
      )
      await this.signIn(tokens)
    },
    async loginWithSms(phone: string, code: string) {
      const tokens = await api.post<Tokens>(
        '/api/identity/auth/sms-login',
        { phone, code },
        { anonymous: true },
      )
      await this.signIn(tokens)
    },
    async loginWithWechat(code: string) {
      const tokens = await api.post<Tokens>('/api/identity/auth/wechat', { code }, { anonymous: true })
      await this.signIn(tokens)
    },
    async loadMe() {
      this.me = await api.get<Me>('/api/identity/me')
      return this.me
    },
    async logout() {
      const held = tokenStore.get()
      tokenStore.set(null)
      this.$patch({ signedIn: false, me: null, unread: 0 })
      if (held?.refresh_token) {
        await api
          .post('/api/identity/auth/logout', { refresh_token: held.refresh_token }, { anonymous: true })
          .catch(() => undefined)
      }
    },
    setElderly(on: boolean) {
      this.elderly = on
      uni.setStorageSync(ELDERLY_KEY, on)
    },
    setUnread(count: number) {
      this.unread = Math.max(0, count)
    },
  },
})
