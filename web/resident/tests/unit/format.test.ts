import { describe, expect, it } from 'vitest'
import {
  formatDate,
  formatDelta,
  formatPoints,
  formatRelative,
  formatTime,
  maskIdNumber,
  maskName,
  maskPhone,
} from '../../src/utils/format'

describe('points', () => {
  it('groups thousands and keeps whole numbers', () => {
    expect(formatPoints(0)).toBe('0')
    expect(formatPoints(1234567)).toBe('1,234,567')
    expect(formatPoints(-1500)).toBe('-1,500')
    expect(formatPoints(null)).toBe('—')
  })
  it('signs a change', () => {
    expect(formatDelta(5)).toBe('+5')
    expect(formatDelta(-3)).toBe('-3')
    expect(formatDelta(0)).toBe('0')
  })
})

describe('times are Beijing time whatever the device zone', () => {
  it('moves a UTC evening into the next Shanghai day', () => {
    expect(formatTime('2026-11-29T23:31:00Z')).toBe('2026-11-30 07:31')
    expect(formatDate('2026-11-29T16:00:00Z')).toBe('2026-11-30')
    expect(formatDate('2026-11-29T15:59:59Z')).toBe('2026-11-29')
  })
  it('keeps a date-only string and ignores garbage', () => {
    expect(formatDate('2026-01-02')).toBe('2026-01-02')
    expect(formatTime('not a date')).toBe('')
    expect(formatTime(null)).toBe('')
  })
  it('says how long ago', () => {
    const now = new Date('2026-11-29T12:00:00Z')
    expect(formatRelative('2026-11-29T11:59:30Z', now)).toBe('刚刚')
    expect(formatRelative('2026-11-29T11:55:00Z', now)).toBe('5 分钟前')
    expect(formatRelative('2026-11-29T09:00:00Z', now)).toBe('3 小时前')
    expect(formatRelative('2026-11-27T09:00:00Z', now)).toBe('2026-11-27 17:00')
  })
})

describe('masking', () => {
  it('masks phones, ID numbers and names', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('123')).toBe('****')
    expect(maskIdNumber('51172319800101123X')).toBe('5****************X')
    expect(maskIdNumber('123')).toBe('***')
    expect(maskName('张三')).toBe('张*')
    expect(maskName('欧阳娜娜')).toBe('欧**娜')
    expect(maskName('李')).toBe('李')
  })
})
