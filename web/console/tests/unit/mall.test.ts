import { describe, expect, it } from 'vitest'
import {
  halfWidth,
  hoursProblem,
  looksLikeCode,
  monthStart,
  normaliseLast4,
  normaliseScan,
  reconTotals,
  scanProblem,
  spanDays,
  totalsDisagree,
  validLast4,
  type ReconLine,
} from '@/utils/mall'

describe('what a scanner or a person typed into the pickup field', () => {
  it('keeps a typed code as the mall stores it: upper case, no spaces or dashes', () => {
    expect(normaliseScan(' 7kq4-mxat ')).toEqual({ kind: 'code', value: '7KQ4MXAT' })
    expect(normaliseScan('7KQ4 MXAT')).toEqual({ kind: 'code', value: '7KQ4MXAT' })
  })

  it("drops the scanner's Enter, tab and invisible characters", () => {
    expect(normaliseScan('7KQ4MXAT\r\n')).toEqual({ kind: 'code', value: '7KQ4MXAT' })
    expect(normaliseScan('\t\ufeff7KQ4MXAT\u200b')).toEqual({ kind: 'code', value: '7KQ4MXAT' })
  })

  it('turns full-width characters from a Chinese input method into half-width', () => {
    expect(halfWidth('７ＫＱ４\u3000ＭＸＡＴ')).toBe('7KQ4 MXAT')
    expect(normaliseScan('７ｋｑ４ＭＸＡＴ')).toEqual({ kind: 'code', value: '7KQ4MXAT' })
  })

  it('sends a scanned pickup QR as scanned (its signature is case-sensitive)', () => {
    const qr = 'SZM1.3f2a9c1e-0000-4000-8000-000000000001.7KQ4MXAT.aBc_-9Xy'
    expect(normaliseScan(`${qr}\n`)).toEqual({ kind: 'qr', value: qr })
    expect(normaliseScan(qr.replace('SZM1', 'szm1')).value).toBe(qr)
  })

  it('refuses before sending what cannot be a code', () => {
    expect(scanProblem(normaliseScan('   '))).toBe('请输入或扫描取货码')
    expect(scanProblem(normaliseScan('7KQ4MXA'))).toContain('格式不正确')
    expect(scanProblem(normaliseScan('7KQ4MXA0'))).toContain('格式不正确') // 0 is not in the alphabet
    expect(scanProblem(normaliseScan('7kq4mxat'))).toBe('')
    expect(looksLikeCode('34679ACD')).toBe(true)
    expect(looksLikeCode('12345678')).toBe(false)
  })
})

describe('identifying a resident at the counter', () => {
  it('reads the last four of an ID number with a lower-case or full-width x', () => {
    expect(normaliseLast4(' 123x ')).toBe('123X')
    expect(normaliseLast4('１２３４')).toBe('1234')
    expect(validLast4('123X')).toBe(true)
    expect(validLast4('12X3')).toBe(false)
    expect(validLast4('123')).toBe(false)
  })
})

const line = (over: Partial<ReconLine>): ReconLine => ({
  item_id: 'i',
  item_name: '老陈醋',
  price: 10,
  orders_placed: 0,
  fulfilled_quantity: 0,
  points_settled: 0,
  restocked: 0,
  adjusted: 0,
  ordered_out: 0,
  returned: 0,
  stock_now: 0,
  ...over,
})

describe('reconciliation totals', () => {
  const lines = [
    line({ orders_placed: 3, fulfilled_quantity: 2, points_settled: 20, restocked: 20, ordered_out: 3, returned: 1, stock_now: 18 }),
    line({ item_name: '洗衣液', price: 30, orders_placed: 1, fulfilled_quantity: 1, points_settled: 30, adjusted: -2, ordered_out: 1, stock_now: 7 }),
  ]

  it('sums every numeric column over the item lines', () => {
    expect(reconTotals(lines)).toEqual({
      orders_placed: 4,
      fulfilled_quantity: 3,
      points_settled: 50,
      restocked: 20,
      adjusted: -2,
      ordered_out: 4,
      returned: 1,
      stock_now: 25,
    })
    expect(reconTotals([]).points_settled).toBe(0)
  })

  it("names the columns where the API's totals do not match the lines", () => {
    const api = { ...reconTotals(lines) }
    expect(totalsDisagree(lines, api)).toEqual([])
    expect(totalsDisagree(lines, { ...api, points_settled: 49 })).toEqual(['points_settled'])
  })

  it('counts report days inclusively and starts the default at the first of the month', () => {
    expect(spanDays('2026-11-01', '2026-11-30')).toBe(30)
    expect(spanDays('2026-11-30', '2026-11-30')).toBe(1)
    expect(spanDays('2024-01-01', '2024-12-31')).toBe(366)
    expect(monthStart('2026-11-30')).toBe('2026-11-01')
  })
})

describe('opening hours', () => {
  it('wants a day label and a close after the open', () => {
    expect(hoursProblem({ days: '周一至周五', open: '09:00', close: '17:00' })).toBe('')
    expect(hoursProblem({ days: ' ', open: '09:00', close: '17:00' })).toBe('请填写开放日')
    expect(hoursProblem({ days: '周六', open: '17:00', close: '09:00' })).toContain('晚于')
    expect(hoursProblem({ days: '周六', open: '9:00', close: '17:00' })).toContain('HH:MM')
  })
})
