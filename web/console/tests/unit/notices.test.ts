import { describe, expect, it } from 'vitest'
import {
  checkDraft,
  emptyDraft,
  formatYuan,
  percent,
  receiptState,
  sheetForApi,
  sheetMismatches,
  sheetToDraft,
  sheetTotals,
  toBeijingLocal,
  yuanToFen,
  type Sheet,
} from '@/utils/notices'

const line = (income_fen: number, expense_fen: number) => ({ date: '2026-11-01', item: '摘要', income_fen, expense_fen, voucher_no: '', note: '' })

describe('finance sheet totals', () => {
  it('adds the rows and carries the opening balance to the closing one', () => {
    const totals = sheetTotals(100_000, [line(50_000, 0), line(0, 12_345), line(0, 7_655)])
    expect(totals).toEqual({ total_income_fen: 50_000, total_expense_fen: 20_000, closing_balance_fen: 130_000 })
  })

  it('stays exact in integer fen where floating yuan would drift', () => {
    // 0.1 + 0.2 yuan as floats is 0.30000000000000004; in fen it is 30.
    const lines = [line(10, 0), line(20, 0)]
    expect(sheetTotals(0, lines).total_income_fen).toBe(30)
    const many = Array.from({ length: 1000 }, () => line(1, 0))
    expect(sheetTotals(0, many).total_income_fen).toBe(1000)
    expect(Number.isInteger(sheetTotals(-5, many).closing_balance_fen)).toBe(true)
  })

  it('finds stated totals that do not match the rows', () => {
    const sheet: Sheet = { period: '2026年11月', opening_balance_fen: 1000, lines: [line(500, 0), line(0, 200)] }
    expect(sheetMismatches(sheet)).toEqual([])
    expect(sheetMismatches({ ...sheet, total_income_fen: 500, total_expense_fen: 200, closing_balance_fen: 1300 })).toEqual([])
    expect(sheetMismatches({ ...sheet, total_income_fen: 501 })).toEqual(['total_income_fen'])
    expect(sheetMismatches({ ...sheet, closing_balance_fen: 1200 })).toEqual(['closing_balance_fen'])
  })

  it('sends its own totals to the API, so the service checks them', () => {
    const sheet = sheetForApi({ period: ' 11月 ', opening_balance_fen: 0, lines: [{ ...line(300, 0), item: ' 租金 ' }] })
    expect(sheet).toMatchObject({ period: '11月', total_income_fen: 300, total_expense_fen: 0, closing_balance_fen: 300 })
    expect(sheet.lines[0].item).toBe('租金')
  })
})

describe('amounts typed in yuan', () => {
  it('reads yuan as integer fen, refusing more than two decimals', () => {
    expect(yuanToFen('1234.5')).toBe(123450)
    expect(yuanToFen('1,234.56')).toBe(123456)
    expect(yuanToFen('0.07')).toBe(7)
    expect(yuanToFen('12')).toBe(1200)
    expect(yuanToFen('-3.5')).toBe(-350)
    expect(yuanToFen('1.234')).toBeNull()
    expect(yuanToFen('abc')).toBeNull()
    expect(yuanToFen('')).toBeNull()
  })

  it('shows fen as yuan with two decimals', () => {
    expect(formatYuan(123450)).toBe('1,234.50')
    expect(formatYuan(7)).toBe('0.07')
    expect(formatYuan(-350)).toBe('-3.50')
    expect(formatYuan(0)).toBe('0.00')
  })
})

describe('the sheet as staff type it', () => {
  it('recomputes totals live from the typed rows', () => {
    const draft = emptyDraft()
    draft.period = '2026年第四季度'
    draft.opening = '1000'
    draft.lines = [
      { date: '2026-10-01', item: '集体土地租金', income: '2500.50', expense: '', voucher_no: '001', note: '' },
      { date: '2026-10-09', item: '路灯维修', income: '', expense: '300.25', voucher_no: '002', note: '' },
    ]
    const check = checkDraft(draft)
    expect(check.totals).toEqual({ total_income_fen: 250050, total_expense_fen: 30025, closing_balance_fen: 320025 })
    expect(check.problems).toEqual([])
    expect(check.lineProblems).toEqual(['', ''])
  })

  it('says which totals from the paper ledger disagree with the rows', () => {
    const draft = emptyDraft()
    draft.period = '11月'
    draft.lines = [{ date: '2026-11-01', item: '租金', income: '100', expense: '', voucher_no: '', note: '' }]
    draft.statedIncome = '100.00'
    draft.statedExpense = '5'
    const check = checkDraft(draft)
    expect(check.problems).toHaveLength(1)
    expect(check.problems[0]).toContain('支出合计与明细不符')
    expect(check.sheet.total_income_fen).toBe(10000)
  })

  it('flags a row with both or neither amount, and amounts that are not money', () => {
    const draft = emptyDraft()
    draft.period = '11月'
    draft.lines = [
      { date: '2026-11-01', item: '两项', income: '1', expense: '1', voucher_no: '', note: '' },
      { date: '2026-11-01', item: '都没有', income: '', expense: '', voucher_no: '', note: '' },
      { date: '2026-11-01', item: '三位小数', income: '1.005', expense: '', voucher_no: '', note: '' },
      { date: '', item: '无日期', income: '1', expense: '', voucher_no: '', note: '' },
    ]
    const problems = checkDraft(draft).lineProblems
    expect(problems[0]).toContain('其中一项')
    expect(problems[1]).toContain('其中一项')
    expect(problems[2]).toContain('两位小数')
    expect(problems[3]).toContain('日期')
  })

  it('round-trips a stored sheet into the form', () => {
    const sheet: Sheet = { period: 'P', opening_balance_fen: 123456, lines: [line(1050, 0)] }
    const draft = sheetToDraft(sheet)
    expect(draft.opening).toBe('1234.56')
    expect(draft.lines[0].income).toBe('10.50')
    expect(draft.lines[0].expense).toBe('')
    expect(checkDraft(draft).sheet.lines[0].income_fen).toBe(1050)
  })
})

describe('receipts', () => {
  it('names how a resident stands with a notice', () => {
    expect(receiptState({ read_at: null, acked_at: null }).text).toBe('未读')
    expect(receiptState({ read_at: '2026-11-01T00:00:00Z', acked_at: null }).text).toBe('已读未确认')
    expect(receiptState({ read_at: '2026-11-01T00:00:00Z', acked_at: '2026-11-01T00:01:00Z' }).text).toBe('已确认')
  })

  it('gives whole percentages, 0% of nobody', () => {
    expect(percent(1, 3)).toBe('33%')
    expect(percent(0, 0)).toBe('0%')
  })

  it('shows an instant as the Beijing wall clock of a date picker', () => {
    expect(toBeijingLocal('2026-11-30T16:30:00Z')).toBe('2026-12-01 00:30:00')
    expect(toBeijingLocal(null)).toBe('')
  })
})
