// 村务公开: category names, and the finance sheet as rows a resident can read, with totals
// recomputed here and checked against the service's (they must agree). Amounts are in fen.
import { formatYuan, type SheetLine } from '../../../shared/money'

export const NOTICE_CATEGORIES: Array<{ value: string; label: string }> = [
  { value: 'village_affairs', label: '村务' },
  { value: 'party_affairs', label: '党务' },
  { value: 'finance', label: '财务' },
  { value: 'government', label: '政务' },
  { value: 'general', label: '其他' },
]

export function categoryLabel(value: string): string {
  return NOTICE_CATEGORIES.find((c) => c.value === value)?.label ?? value
}

export { formatYuan, type SheetLine }

export interface Sheet {
  period: string
  opening_balance_fen: number
  lines: SheetLine[]
  total_income_fen: number
  total_expense_fen: number
  closing_balance_fen: number
}

export interface SheetRow {
  date: string
  item: string
  income: string
  expense: string
  balance: string
  voucher: string
  note: string
}

export interface SheetView {
  period: string
  opening: string
  rows: SheetRow[]
  totalIncome: string
  totalExpense: string
  closing: string
  /** False when the service's totals disagree with the lines (never expected; shown if so). */
  consistent: boolean
}

/** The sheet with a running balance per line and totals summed from the lines. */
export function sheetView(sheet: Sheet): SheetView {
  let balance = sheet.opening_balance_fen
  let income = 0
  let expense = 0
  const rows = sheet.lines.map((line) => {
    income += line.income_fen
    expense += line.expense_fen
    balance += line.income_fen - line.expense_fen
    return {
      date: line.date,
      item: line.item,
      income: line.income_fen ? formatYuan(line.income_fen) : '',
      expense: line.expense_fen ? formatYuan(line.expense_fen) : '',
      balance: formatYuan(balance),
      voucher: line.voucher_no,
      note: line.note,
    }
  })
  return {
    period: sheet.period,
    opening: formatYuan(sheet.opening_balance_fen),
    rows,
    totalIncome: formatYuan(income),
    totalExpense: formatYuan(expense),
    closing: formatYuan(balance),
    consistent:
      income === sheet.total_income_fen &&
      expense === sheet.total_expense_fen &&
      balance === sheet.closing_balance_fen,
  }
}

export interface NoticeItem {
  id: string
  category: string
  title: string
  require_ack: boolean
  pinned: boolean
  published_at: string | null
  unread: boolean
  acked: boolean
}

/** The little words after a notice's title in the list. */
export function noticeTags(item: NoticeItem): string[] {
  const tags: string[] = []
  if (item.pinned) tags.push('置顶')
  if (item.unread) tags.push('未读')
  if (item.require_ack) tags.push(item.acked ? '已确认' : '待确认')
  return tags
}
