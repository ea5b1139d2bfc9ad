// Activities: the words for a resident's place, what they may do now, and the check-in code as
// typed (six digits; full-width digits and spaces forgiven) or the QR payload the staff screen
// shows (`SZA1.<activity>.<window>.<code>.<signature>`, see services/notices/activities/rules.py).

export const CODE_DIGITS = 6
export const QR_PREFIX = 'SZA1.'
const EARLY_CHECKIN_MS = 30 * 60 * 1000

export interface MySignup {
  status: string
  seq: number
  waiting_position: number | null
  checked_in_at: string | null
}

export interface Activity {
  id: string
  title: string
  status: string
  capacity: number
  confirmed: number
  waiting: number
  starts_at: string
  ends_at: string
  signup_closes_at: string | null
  my_signup: MySignup | null
}

const ACTIVITY_STATUS: Record<string, string> = {
  open: '报名中',
  running: '进行中',
  completed: '已结束',
  cancelled: '已取消',
}

export function activityStatusLabel(status: string): string {
  return ACTIVITY_STATUS[status] ?? status
}

/** "已报名", "候补第 2 位", "已签到", "未报名". */
export function myPlaceLabel(mine: MySignup | null | undefined): string {
  if (!mine || mine.status === 'cancelled') return '未报名'
  if (mine.checked_in_at) return '已签到'
  if (mine.status === 'waiting') {
    return mine.waiting_position ? `候补第 ${mine.waiting_position} 位` : '候补中'
  }
  if (mine.status === 'confirmed' || mine.status === 'walk_in') return '已报名'
  return mine.status
}

const at = (iso: string | null) => (iso ? new Date(iso).getTime() : NaN)

export function signupOpen(activity: Activity, now: Date = new Date()): boolean {
  const closes = at(activity.signup_closes_at ?? activity.starts_at)
  return activity.status === 'open' && now.getTime() < closes
}

export function hasPlace(mine: MySignup | null | undefined): boolean {
  return !!mine && (mine.status === 'confirmed' || mine.status === 'waiting')
}

export function canSignUp(activity: Activity, now: Date = new Date()): boolean {
  return signupOpen(activity, now) && !hasPlace(activity.my_signup)
}

export function canCancel(activity: Activity): boolean {
  const mine = activity.my_signup
  return (
    hasPlace(mine) &&
    !mine?.checked_in_at &&
    (activity.status === 'open' || activity.status === 'running')
  )
}

/** From half an hour before the start to the end, with a confirmed place, not yet in. */
export function canCheckIn(activity: Activity, now: Date = new Date()): boolean {
  const mine = activity.my_signup
  if (!mine || mine.status !== 'confirmed' || mine.checked_in_at) return false
  if (activity.status !== 'open' && activity.status !== 'running') return false
  const t = now.getTime()
  return at(activity.starts_at) - EARLY_CHECKIN_MS <= t && t <= at(activity.ends_at)
}

export function placesLeft(activity: Activity): number {
  return Math.max(0, activity.capacity - activity.confirmed)
}

/** Typed or scanned text → what POST /checkin takes, or a message saying what is wrong. */
export function normaliseCheckinCode(raw: string | number): { code: string; error: string } {
  const text = String(raw ?? '').trim()
  if (text.startsWith(QR_PREFIX)) return { code: text, error: '' }
  const digits = text
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-\u3000]/g, '')
  if (!digits) return { code: '', error: '请输入签到码' }
  if (!/^\d+$/.test(digits)) return { code: '', error: '签到码是 6 位数字' }
  if (digits.length !== CODE_DIGITS) return { code: '', error: '签到码是 6 位数字' }
  return { code: digits, error: '' }
}
