// Navigation helpers shared by the screens.
import { useSession } from '../store/session'

/** Send a signed-out visitor to sign in; true when signed in. Call from onShow. */
export function requireSignIn(): boolean {
  const session = useSession()
  if (session.signedIn) return true
  uni.reLaunch({ url: '/pages/login/index' })
  return false
}

export function toast(message: string): void {
  uni.showToast({ title: message, icon: 'none', duration: 2500 })
}

/** The message of anything thrown by the API client, for a toast or an inline line. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : '操作失败，请稍后再试'
}
