// Money as the platform keeps it: integer fen (分); yuan appear only on screen. Shared by the
// residents' app and the staff console (finance sheets of 村务公开).

/** One line of a finance sheet, as the notices service stores it. */
export interface SheetLine {
  date: string
  item: string
  income_fen: number
  expense_fen: number
  voucher_no: string
  note: string
}

/** 123456 fen → "1,234.56" (integer arithmetic: no floating-point cents); negative amounts keep
 * their sign; nothing → "—". */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`
}
