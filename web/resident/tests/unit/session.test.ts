import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { answerWith } from './setup'

const me = { id: 'p1', name: '王芳', phone: '138****5678', community_id: 'c1', household_id: null, verification_status: 'verified', roles: [] }

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('signs in with a password, keeps the tokens and loads the profile', async () => {
    const { useSession } = await import('../../src/store/session')
    const { tokenStore } = await import('../../src/api')
    answerWith((r) =>
      r.url.endsWith('/auth/login')
        ? { statusCode: 200, data: { access_token: 'A', refresh_token: 'R', expires_in: 900 } }
        : { statusCode: 200, data: me },
    )
    const session = useSession()
    await session.loginWithPassword('13812345678', 'secret')
    expect(session.signedIn).toBe(true)
    expect(session.verified).toBe(true)
    expect(session.me?.name).toBe('王芳')
    expect(tokenStore.get()).toEqual({ access_token: 'A', refresh_token: 'R', expires_in: 900 })
  })

  it('forgets everything on logout, even when the server cannot be reached', async () => {
    const { useSession } = await import('../../src/store/session')
    const { tokenStore } = await import('../../src/api')
    tokenStore.set({ access_token: 'A', refresh_token: 'R' })
    answerWith(() => ({ statusCode: 503, data: {} }))
    const session = useSession()
    session.$patch({ signedIn: true, me: me as never, unread: 3 })
    await session.logout()
    expect(tokenStore.get()).toBeNull()
    expect(session.$state).toMatchObject({ signedIn: false, me: null, unread: 0 })
  })

  it('remembers the elderly mode across launches', async () => {
    const { useSession } = await import('../../src/store/session')
    useSession().setElderly(true)
    setActivePinia(createPinia())
    expect(useSession().elderly).toBe(true)
    useSession().setUnread(-2)
    expect(useSession().unread).toBe(0)
  })
})
