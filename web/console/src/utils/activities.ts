// Activities: names of their states, when a staff action is possible, when the check-in code
// on the projector is fetched again.

export type ActivityStatus = 'open' | 'running' | 'completed' | 'cancelled'
export type ParticipantStatus = 'confirmed' | 'waiting' | 'cancelled' | 'walk_in'
type TagType = 'info' | 'warning' | 'success' | 'danger' | 'primary'

export const ACTIVITY_STATUS: Record<ActivityStatus, { text: string; type: TagType }> = {
  open: { text: '报名中', type: 'primary' },
  running: { text: '进行中', type: 'warning' },
  completed: { text: '已完成', type: 'success' },
  cancelled: { text: '已取消', type: 'info' },
}

export const PARTICIPANT_STATUS: Record<ParticipantStatus, { text: string; type: TagType }> = {
  confirmed: { text: '已报名', type: 'success' },
  waiting: { text: '候补', type: 'warning' },
  cancelled: { text: '已取消', type: 'info' },
  walk_in: { text: '现场登记', type: 'primary' },
}

/** Residents may check in from half an hour before the start (as the service allows). */
export const EARLY_CHECKIN_MS = 30 * 60 * 1000

export interface ActivityTimes {
  status: ActivityStatus
  starts_at: string
  ends_at: string
}

/** The check-in screen and manual attendance work from 30 minutes before the start to the end. */
export function checkinOpen(a: ActivityTimes, now: number): boolean {
  const start = Date.parse(a.starts_at) - EARLY_CHECKIN_MS
  return (a.status === 'open' || a.status === 'running') && now >= start && now <= Date.parse(a.ends_at)
}

/** Staff complete an activity once it has ended. */
export function canComplete(a: ActivityTimes, now: number): boolean {
  return (a.status === 'open' || a.status === 'running') && now >= Date.parse(a.ends_at)
}

export function canCancel(a: ActivityTimes): boolean {
  return a.status === 'open' || a.status === 'running'
}

/** Milliseconds until the code is fetched again: just after it rotates, never later than a
 * window (the old code stays valid a further window, so a slow clock still shows a good code),
 * never sooner than 2 s. */
export function refreshDelay(rotatesAt: string, now: number, windowMs = 60_000): number {
  const until = Date.parse(rotatesAt) - now + 500
  return Math.min(Math.max(until, 2_000), windowMs)
}

/** A Beijing wall-clock form value is valid and the times are in order; '' when fine. */
export function timesProblem(starts: string, ends: string, closes: string): { field: string; message: string } | null {
  if (!starts) return { field: 'starts_at', message: '请选择开始时间' }
  if (!ends) return { field: 'ends_at', message: '请选择结束时间' }
  if (ends <= starts) return { field: 'ends_at', message: '结束时间必须晚于开始时间' }
  if (closes && closes > ends) return { field: 'signup_closes_at', message: '报名截止时间不能晚于活动结束' }
  return null
}
