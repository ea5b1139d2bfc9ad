import { describe, expect, it } from 'vitest'
import {
  canCancel,
  canCheckIn,
  canSignUp,
  myPlaceLabel,
  normaliseCheckinCode,
  placesLeft,
  type Activity,
} from '../../src/utils/activities'

const activity = (over: Partial<Activity> = {}): Activity => ({
  id: 'a',
  title: '河道清理',
  status: 'open',
  capacity: 10,
  confirmed: 3,
  waiting: 0,
  starts_at: '2026-12-01T02:00:00Z',
  ends_at: '2026-12-01T04:00:00Z',
  signup_closes_at: null,
  my_signup: null,
  ...over,
})
const confirmed = { status: 'confirmed', seq: 1, waiting_position: null, checked_in_at: null }

describe('check-in code', () => {
  it('takes six digits, forgiving spaces, dashes and full-width digits', () => {
    expect(normaliseCheckinCode(' 012 345 ')).toEqual({ code: '012345', error: '' })
    expect(normaliseCheckinCode('012-345')).toEqual({ code: '012345', error: '' })
    expect(normaliseCheckinCode('０１２３４５')).toEqual({ code: '012345', error: '' })
  })
  it('refuses what is not six digits, saying so', () => {
    expect(normaliseCheckinCode('')).toEqual({ code: '', error: '请输入签到码' })
    expect(normaliseCheckinCode('12345').error).toBe('签到码是 6 位数字')
    expect(normaliseCheckinCode('12a456').error).toBe('签到码是 6 位数字')
  })
  it('passes a scanned QR payload through untouched', () => {
    const qr = 'SZA1.0b6c.29405.012345.abcDEF_-'
    expect(normaliseCheckinCode(` ${qr} `)).toEqual({ code: qr, error: '' })
  })
})

describe('my place', () => {
  it('reads as the resident would say it', () => {
    expect(myPlaceLabel(null)).toBe('未报名')
    expect(myPlaceLabel({ ...confirmed, status: 'cancelled' })).toBe('未报名')
    expect(myPlaceLabel(confirmed)).toBe('已报名')
    expect(myPlaceLabel({ ...confirmed, status: 'waiting', waiting_position: 2 })).toBe('候补第 2 位')
    expect(myPlaceLabel({ ...confirmed, checked_in_at: '2026-12-01T02:01:00Z' })).toBe('已签到')
  })
})

describe('what may be done when', () => {
  const before = new Date('2026-11-30T00:00:00Z')
  const during = new Date('2026-12-01T02:30:00Z')
  const early = new Date('2026-12-01T01:40:00Z')
  it('signs up while open and before the deadline, once', () => {
    expect(canSignUp(activity(), before)).toBe(true)
    expect(canSignUp(activity({ my_signup: confirmed }), before)).toBe(false)
    expect(canSignUp(activity(), during)).toBe(false)
    expect(canSignUp(activity({ signup_closes_at: '2026-11-29T00:00:00Z' }), before)).toBe(false)
    expect(canSignUp(activity({ status: 'cancelled' }), before)).toBe(false)
  })
  it('cancels a place not yet checked in', () => {
    expect(canCancel(activity({ my_signup: confirmed }))).toBe(true)
    expect(canCancel(activity({ my_signup: { ...confirmed, checked_in_at: 'x' } }))).toBe(false)
    expect(canCancel(activity())).toBe(false)
  })
  it('checks in from half an hour before the start to the end, with a confirmed place', () => {
    const mine = activity({ my_signup: confirmed })
    expect(canCheckIn(mine, before)).toBe(false)
    expect(canCheckIn(mine, early)).toBe(true)
    expect(canCheckIn(mine, during)).toBe(true)
    expect(canCheckIn(mine, new Date('2026-12-01T04:01:00Z'))).toBe(false)
    expect(canCheckIn(activity({ my_signup: { ...confirmed, status: 'waiting' } }), during)).toBe(false)
  })
  it('counts the places left', () => {
    expect(placesLeft(activity())).toBe(7)
    expect(placesLeft(activity({ confirmed: 12 }))).toBe(0)
  })
})
