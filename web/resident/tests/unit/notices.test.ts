import { describe, expect, it } from 'vitest'
import { categoryLabel, formatYuan, noticeTags, sheetView, type Sheet } from '../../src/utils/notices'

const sheet: Sheet = {
  period: '2026 年 10 月',
  opening_balance_fen: 100000,
  lines: [
    { date: '2026-10-03', item: '上级补助', income_fen: 5000000, expense_fen: 0, voucher_no: '01', note: '' },
    { date: '2026-10-12', item: '道路修补', income_fen: 0, expense_fen: 1234567, voucher_no: '02', note: '材料' },
  ],
  total_income_fen: 5000000,
  total_expense_fen: 1234567,
  closing_balance_fen: 3865433,
}

describe('finance sheet', () => {
  it('formats fen as yuan with thousands', () => {
    expect(formatYuan(0)).toBe('0.00')
    expect(formatYuan(5)).toBe('0.05')
    expect(formatYuan(123456789)).toBe('1,234,567.89')
    expect(formatYuan(-150)).toBe('-1.50')
    expect(formatYuan(null)).toBe('—')
  })
  it('keeps a running balance and totals the lines', () => {
    const view = sheetView(sheet)
    expect(view.opening).toBe('1,000.00')
    expect(view.rows.map((r) => r.balance)).toEqual(['51,000.00', '38,654.33'])
    expect(view.rows[0].expense).toBe('')
    expect(view.rows[1].expense).toBe('12,345.67')
    expect(view.totalIncome).toBe('50,000.00')
    expect(view.totalExpense).toBe('12,345.67')
    expect(view.closing).toBe('38,654.33')
    expect(view.consistent).toBe(true)
  })
  it('notices totals that disagree with the lines', () => {
    expect(sheetView({ ...sheet, closing_balance_fen: 1 }).consistent).toBe(false)
  })
})

describe('notice list', () => {
  it('names categories and tags pinned, unread and acknowledgement', () => {
    expect(categoryLabel('finance')).toBe('财务')
    expect(categoryLabel('other')).toBe('other')
    const item = { id: '1', category: 'finance', title: 't', published_at: null }
    expect(noticeTags({ ...item, pinned: true, unread: true, require_ack: true, acked: false })).toEqual(['置顶', '未读', '待确认'])
    expect(noticeTags({ ...item, pinned: false, unread: false, require_ack: true, acked: true })).toEqual(['已确认'])
    expect(noticeTags({ ...item, pinned: false, unread: false, require_ack: false, acked: false })).toEqual([])
  })
})
