import { describe, expect, it } from 'vitest'
import { canComplete, checkinOpen, refreshDelay, timesProblem } from '@/utils/activities'

const at = (iso: string) => Date.parse(iso)
const activity = { status: 'open' as const, starts_at: '2026-11-30T02:00:00Z', ends_at: '2026-11-30T04:00:00Z' }

describe('activity windows', () => {
  it('opens check-in half an hour before the start until the end', () => {
    expect(checkinOpen(activity, at('2026-11-30T01:29:59Z'))).toBe(false)
    expect(checkinOpen(activity, at('2026-11-30T01:30:00Z'))).toBe(true)
    expect(checkinOpen(activity, at('2026-11-30T04:00:01Z'))).toBe(false)
    expect(checkinOpen({ ...activity, status: 'cancelled' }, at('2026-11-30T03:00:00Z'))).toBe(false)
  })

  it('lets staff complete only after the end, once', () => {
    expect(canComplete(activity, at('2026-11-30T03:59:59Z'))).toBe(false)
    expect(canComplete({ ...activity, status: 'running' }, at('2026-11-30T04:00:00Z'))).toBe(true)
    expect(canComplete({ ...activity, status: 'completed' }, at('2026-11-30T05:00:00Z'))).toBe(false)
  })
})

describe('the rotating code on the screen', () => {
  it('is fetched again just after it rotates', () => {
    expect(refreshDelay('2026-11-30T02:01:00Z', at('2026-11-30T02:00:30Z'))).toBe(30_500)
  })

  it('is fetched within a window however wrong the desk clock is', () => {
    expect(refreshDelay('2026-11-30T02:01:00Z', at('2026-11-30T01:00:00Z'))).toBe(60_000)
    expect(refreshDelay('2026-11-30T02:01:00Z', at('2026-11-30T03:00:00Z'))).toBe(2_000)
  })
})

describe('the form checks times as the API does', () => {
  it('wants an end after the start and sign-up closing by the end', () => {
    expect(timesProblem('', '', '')?.field).toBe('starts_at')
    expect(timesProblem('2026-12-01 09:00:00', '2026-12-01 09:00:00', '')?.field).toBe('ends_at')
    expect(timesProblem('2026-12-01 09:00:00', '2026-12-01 11:00:00', '2026-12-01 12:00:00')?.field).toBe('signup_closes_at')
    expect(timesProblem('2026-12-01 09:00:00', '2026-12-01 11:00:00', '2026-12-01 08:00:00')).toBeNull()
  })
})
