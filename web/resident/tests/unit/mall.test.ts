import { describe, expect, it } from 'vitest'
import {
  OrderAttempt,
  clampQuantity,
  failureLabel,
  formatCountdown,
  hoursLabel,
  imageUrl,
  limitLabel,
  maxQuantity,
  newIdempotencyKey,
  refreshDelay,
  secondsLeft,
  statusLabel,
  stockedCounters,
  totalStock,
  waitSettled,
  type Order,
} from '../../src/utils/mall'
import { base64, qrDataUri, qrMatrix, qrSvg, utf8 } from '../../src/utils/mall-qr'

const item = {
  per_person_limit: 2,
  limit_period: 'month' as const,
  stock: [
    { counter_id: 'a', counter_name: '村委会', quantity: 3 },
    { counter_id: 'b', counter_name: '小卖部', quantity: 0 },
    { counter_id: 'c', counter_name: '文化站', quantity: 7 },
  ],
}

describe('mall labels', () => {
  it('names every status and failure reason in Chinese', () => {
    expect(statusLabel('pending_points')).toBe('确认中')
    expect(statusLabel('confirmed')).toBe('待取货')
    expect(statusLabel('fulfilled')).toBe('已取货')
    expect(failureLabel('insufficient')).toBe('可用积分不足')
    expect(failureLabel('unverified')).toContain('实名认证')
    expect(failureLabel('something_new')).toBe('兑换未成功，请稍后再试')
    expect(failureLabel(null)).toBe('兑换未成功，请稍后再试')
  })

  it('says the per-person limit with its period, or nothing', () => {
    expect(limitLabel(item)).toBe('每人每月限 2 件')
    expect(limitLabel({ per_person_limit: null, limit_period: null })).toBe('')
  })

  it('writes opening hours, or says to ask at the counter', () => {
    expect(hoursLabel([{ days: '周一至周六', open: '08:30', close: '17:30' }])).toBe('周一至周六 08:30–17:30')
    expect(hoursLabel(null)).toBe('以兑换点公示为准')
  })

  it('builds the picture address from the path the API gives', () => {
    expect(imageUrl('', { image_url: '/api/mall/items/x/image' })).toBe('/api/mall/items/x/image')
    expect(imageUrl('https://gw', { image_url: null })).toBe('')
  })
})

describe('stock and quantity', () => {
  it('counts stock and lists the stocked counters, most first', () => {
    expect(totalStock(item)).toBe(10)
    expect(stockedCounters(item).map((l) => l.counter_id)).toEqual(['c', 'a'])
  })

  it('caps the quantity by the counter stock and the per-person limit', () => {
    expect(maxQuantity(item, 'a')).toBe(2)
    expect(maxQuantity({ ...item, per_person_limit: null }, 'c')).toBe(7)
    expect(maxQuantity(item, 'b')).toBe(0)
    expect(maxQuantity(item, 'nowhere')).toBe(0)
    expect(clampQuantity(5, 2)).toBe(2)
    expect(clampQuantity(0, 2)).toBe(1)
    expect(clampQuantity(Number.NaN, 2)).toBe(1)
    expect(clampQuantity(1, 0)).toBe(0)
  })
})

describe('order attempts', () => {
  it('makes UUID-shaped keys', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey())
  })

  it('keeps the key across a retry of the same order, a new one once answered or changed', () => {
    const attempt = new OrderAttempt()
    const first = attempt.keyFor('i', 'c', 1)
    expect(attempt.keyFor('i', 'c', 1)).toBe(first)
    const changed = attempt.keyFor('i', 'c', 2)
    expect(changed).not.toBe(first)
    attempt.done()
    expect(attempt.keyFor('i', 'c', 2)).not.toBe(changed)
  })

  it('polls until the order leaves pending_points', async () => {
    const states = ['pending_points', 'pending_points', 'confirmed']
    let calls = 0
    const waits: number[] = []
    const order = await waitSettled(async () => ({ status: states[calls++] }) as Order, {
      every: 500,
      wait: async (ms) => {
        waits.push(ms)
      },
    })
    expect(order.status).toBe('confirmed')
    expect(calls).toBe(3)
    expect(waits).toEqual([500, 500])
  })

  it('gives up after a while and returns the order still pending', async () => {
    let calls = 0
    const order = await waitSettled(
      async () => {
        calls++
        return { status: 'pending_points' } as Order
      },
      { within: 1000, every: 500, wait: async () => undefined },
    )
    expect(order.status).toBe('pending_points')
    expect(calls).toBe(3)
  })
})

it('stops polling once the page is gone', async () => {
  let calls = 0
  let gone = false
  const order = await waitSettled(
    async () => {
      calls++
      return { status: 'pending_points' } as Order
    },
    { wait: async () => { gone = true }, stopped: () => gone },
  )
  expect(order.status).toBe('pending_points')
  expect(calls).toBe(2)
})

describe('member code timing', () => {
  it('refreshes when the API says, never more often than every 5 s', () => {
    expect(refreshDelay({ refresh_in_seconds: 50 })).toBe(50)
    expect(refreshDelay({ refresh_in_seconds: 0 })).toBe(5)
  })

  it('counts down to the expiry', () => {
    const now = new Date('2026-11-30T00:00:00Z')
    expect(secondsLeft('2026-11-30T00:01:15Z', now)).toBe(75)
    expect(secondsLeft('2026-11-29T23:59:00Z', now)).toBe(0)
    expect(secondsLeft('not a time', now)).toBe(0)
    expect(formatCountdown(75)).toBe('1:15')
    expect(formatCountdown(9)).toBe('0:09')
  })
})

describe('QR codes', () => {
  it('encodes UTF-8 and base64 without TextEncoder or btoa', () => {
    expect(utf8('A码')).toEqual([0x41, 0xe7, 0xa0, 0x81])
    const text = 'SZM1.order.CODE.sig'
    expect(base64(utf8(text))).toBe(Buffer.from(text).toString('base64'))
    expect(base64([1])).toBe('AQ==')
    expect(base64([1, 2])).toBe('AQI=')
  })

  it('draws the module matrix with finder patterns in three corners', () => {
    const m = qrMatrix('SZM1.0b1c.7KQ3MXNA.abcdef')
    expect(m.size).toBeGreaterThanOrEqual(21)
    for (const [r, c] of [[0, 0], [0, m.size - 1], [m.size - 1, 0]]) expect(m.dark(r, c)).toBe(true)
    expect(m.dark(m.size - 1, m.size - 1)).toBe(m.dark(m.size - 1, m.size - 1))
  })

  it('renders an SVG with a quiet zone and a base64 data URI of it', () => {
    const svg = qrSvg('hello')
    const size = qrMatrix('hello').size + 8
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`)
    expect(svg).toContain('M4 4h7')
    const uri = qrDataUri('hello')
    expect(uri.startsWith('data:image/svg+xml;base64,')).toBe(true)
    expect(Buffer.from(uri.split(',')[1], 'base64').toString()).toBe(svg)
  })
})
