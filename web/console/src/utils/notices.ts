// Notices (村务公开): names of categories and states, and the finance sheet's arithmetic. Money
// is held in fen (分) as integers, as the API keeps it; yuan appear only on screen.
import { formatYuan, type SheetLine } from '@shared/money'

export type Category = 'party_affairs' | 'village_affairs' | 'finance' | 'government' | 'general'
export type NoticeStatus = 'draft' | 'scheduled' | 'published' | 'withdrawn'

export const CATEGORY_NAMES: Record<Category, string> = {
  party_affairs: '党务公开',
  village_affairs: '村务公开',
  finance: '财务公开',
  government: '政务公开',
  general: '通知公告',
}

export const STATUS_NAMES: Record<NoticeStatus, { text: string; type: 'info' | 'warning' | 'success' | 'danger' }> = {
  draft: { text: '草稿', type: 'info' },
  scheduled: { text: '待发布', type: 'warning' },
  published: { text: '已发布', type: 'success' },
  withdrawn: { text: '已撤回', type: 'danger' },
}

/** The most a line's amount may be, as the API allows (one hundred million yuan). */
export const MAX_FEN = 10_000_000_000

export { formatYuan, type SheetLine }

export interface Sheet {
  period: string
  opening_balance_fen: number
  lines: SheetLine[]
  total_income_fen?: number | null
  total_expense_fen?: number | null
  closing_balance_fen?: number | null
}

export interface SheetTotals {
  total_income_fen: number
  total_expense_fen: number
  closing_balance_fen: number
}

/** Totals of the lines and the closing balance, in integer fen (as the service computes). */
export function sheetTotals(opening_balance_fen: number, lines: Pick<SheetLine, 'income_fen' | 'expense_fen'>[]): SheetTotals {
  let income = 0
  let expense = 0
  for (const line of lines) {
    income += Math.trunc(line.income_fen || 0)
    expense += Math.trunc(line.expense_fen || 0)
  }
  return {
    total_income_fen: income,
    total_expense_fen: expense,
    closing_balance_fen: Math.trunc(opening_balance_fen || 0) + income - expense,
  }
}

/** The totals a sheet states that differ from its lines' (empty: the sheet is consistent). */
export function sheetMismatches(sheet: Sheet): (keyof SheetTotals)[] {
  const ours = sheetTotals(sheet.opening_balance_fen, sheet.lines)
  return (Object.keys(ours) as (keyof SheetTotals)[]).filter((name) => {
    const stated = sheet[name]
    return stated !== undefined && stated !== null && stated !== ours[name]
  })
}

/** `1234.5` or `"1,234.50"` yuan as 123450 fen; null for what is not an amount (≤ 2 decimals). */
export function yuanToFen(value: string | number): number | null {
  const text = String(value).replace(/[,，\s]/g, '')
  const m = text.match(/^(-)?(\d+)(?:\.(\d{0,2}))?$/)
  if (!m) return null
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return m[1] ? -fen : fen
}

/** A line's problem as the API would say it, or '' when the line is fine. */
export function lineProblem(line: SheetLine): string {
  if (!line.date) return '请选择日期'
  if (!line.item.trim()) return '请填写摘要'
  if (line.item.trim().length > 100) return '摘要不超过 100 字'
  if ((line.income_fen > 0) === (line.expense_fen > 0)) return '每行须填写收入或支出其中一项'
  if (line.income_fen > MAX_FEN || line.expense_fen > MAX_FEN) return '金额过大'
  return ''
}

/** The sheet as the API takes it: our totals sent along, so the service checks them. */
export function sheetForApi(sheet: Sheet): Sheet & SheetTotals {
  const lines = sheet.lines.map((l) => ({ ...l, item: l.item.trim(), voucher_no: l.voucher_no.trim(), note: l.note.trim() }))
  return { ...sheet, period: sheet.period.trim(), lines, ...sheetTotals(sheet.opening_balance_fen, lines) }
}

export function emptyLine(date = ''): SheetLine {
  return { date, item: '', income_fen: 0, expense_fen: 0, voucher_no: '', note: '' }
}

export type ReceiptState = 'acked' | 'read' | 'unread' | 'not_acked'

export interface ReceiptPerson {
  resident_id: string
  name: string
  household_id: string | null
  grid_id: string | null
  read_at: string | null
  acked_at: string | null
}

/** How a resident stands with a notice: acknowledged, read only, or not yet opened. */
export function receiptState(person: Pick<ReceiptPerson, 'read_at' | 'acked_at'>): { text: string; type: 'success' | 'warning' | 'info' } {
  if (person.acked_at) return { text: '已确认', type: 'success' }
  if (person.read_at) return { text: '已读未确认', type: 'warning' }
  return { text: '未读', type: 'info' }
}

/** A share as a whole percent ("0%" of nobody). */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 100) / whole)}%` : '0%'
}

/** The short form of an id staff can read out (the first 8 characters). */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : ''
}

/** The sheet as staff type it: amounts in yuan as text, totals from the paper ledger if any. */
export interface SheetDraft {
  period: string
  opening: string
  lines: { date: string; item: string; income: string; expense: string; voucher_no: string; note: string }[]
  statedIncome: string
  statedExpense: string
}

export function emptyDraft(): SheetDraft {
  return { period: '', opening: '0', lines: [{ date: '', item: '', income: '', expense: '', voucher_no: '', note: '' }], statedIncome: '', statedExpense: '' }
}

export function sheetToDraft(sheet: Sheet): SheetDraft {
  const money = (fen: number) => (fen ? formatYuan(fen).replace(/,/g, '') : '')
  return {
    period: sheet.period,
    opening: formatYuan(sheet.opening_balance_fen).replace(/,/g, ''),
    lines: sheet.lines.map((l) => ({ ...l, income: money(l.income_fen), expense: money(l.expense_fen) })),
    statedIncome: '',
    statedExpense: '',
  }
}

export interface DraftCheck {
  sheet: Sheet
  totals: SheetTotals
  /** Per line, what is wrong ('' when fine). */
  lineProblems: string[]
  /** Sheet-wide problems: period, opening balance, totals against the lines. */
  problems: string[]
}

/** The draft read as the API's sheet (fen), its live totals and everything that would be refused. */
export function checkDraft(draft: SheetDraft): DraftCheck {
  const amount = (text: string) => (text.trim() === '' ? 0 : yuanToFen(text))
  const lineProblems: string[] = []
  const lines: SheetLine[] = draft.lines.map((l) => {
    const income = amount(l.income)
    const expense = amount(l.expense)
    const line = { date: l.date, item: l.item, income_fen: income ?? 0, expense_fen: expense ?? 0, voucher_no: l.voucher_no, note: l.note }
    const bad = income === null || expense === null || (income ?? 0) < 0 || (expense ?? 0) < 0
    lineProblems.push(bad ? '金额须为不小于 0 的数，最多两位小数' : lineProblem(line))
    return line
  })
  const opening = yuanToFen(draft.opening || '0')
  const problems: string[] = []
  if (!draft.period.trim()) problems.push('请填写期间')
  if (opening === null) problems.push('期初余额须为数字，最多两位小数')
  if (!lines.length) problems.push('至少填写一行收支')
  const sheet: Sheet = { period: draft.period, opening_balance_fen: opening ?? 0, lines }
  const stated = { statedIncome: 'total_income_fen', statedExpense: 'total_expense_fen' } as const
  for (const [field, name] of Object.entries(stated) as [keyof typeof stated, keyof SheetTotals][]) {
    const text = draft[field].trim()
    if (!text) continue
    const fen = yuanToFen(text)
    if (fen === null) problems.push('核对合计须为数字')
    else sheet[name] = fen
  }
  const totals = sheetTotals(sheet.opening_balance_fen, lines)
  for (const name of sheetMismatches(sheet)) {
    const label = name === 'total_income_fen' ? '收入合计' : name === 'total_expense_fen' ? '支出合计' : '期末余额'
    problems.push(`${label}与明细不符：明细合计为 ${formatYuan(totals[name])} 元`)
  }
  return { sheet, totals, lineProblems, problems }
}

/** A UTC instant as the Beijing wall clock a date picker shows (`YYYY-MM-DD HH:mm:ss`). */
export function toBeijingLocal(iso: string | null | undefined): string {
  if (!iso) return ''
  const at = new Date(new Date(iso).getTime() + 8 * 3600 * 1000)
  return at.toISOString().slice(0, 19).replace('T', ' ')
}
