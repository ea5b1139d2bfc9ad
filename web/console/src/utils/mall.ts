// The points mall's pure helpers: what a USB scanner typed into the pickup field, the words for
// order states and stock moves, and the reconciliation's totals as the API adds them.

/** A pickup QR as the mall signs it: `SZM1.<order>.<code>.<signature>` (case kept). */
export const QR_PREFIX = 'SZM1.'
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY'
export const CODE_LENGTH = 8

/** Full-width letters, digits and punctuation (a scanner typing through a Chinese IME) as
 * half-width; the ideographic space as a plain one. */
export function halfWidth(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
}

export interface Scanned {
  kind: 'code' | 'qr' | 'empty'
  /** What to send as `code`: the QR payload as scanned, or the code upper-cased without
   * spaces and dashes (as the mall stores it). */
  value: string
}

/** What the operator typed or the scanner sent (with its Enter, tabs, stray spaces). */
export function normaliseScan(raw: string): Scanned {
  const text = halfWidth(raw).replace(/[\r\n\t\u200b\ufeff]/g, '').trim()
  if (!text) return { kind: 'empty', value: '' }
  if (text.toUpperCase().startsWith(QR_PREFIX)) {
    return { kind: 'qr', value: QR_PREFIX + text.slice(QR_PREFIX.length).replace(/\s/g, '') }
  }
  return { kind: 'code', value: text.toUpperCase().replace(/[\s-]/g, '') }
}

/** An 8-character pickup code of the mall's alphabet (no 0/O, 1/I, 2/Z, 5/S, 8/B). */
export function looksLikeCode(code: string): boolean {
  return code.length === CODE_LENGTH && [...code].every((ch) => CODE_ALPHABET.includes(ch))
}

/** Why a scan is not sent at all, or '' when it may go to the API. */
export function scanProblem(scan: Scanned): string {
  if (scan.kind === 'empty') return '请输入或扫描取货码'
  if (scan.kind === 'code' && !looksLikeCode(scan.value)) return '取货码格式不正确（8 位字母数字）'
  return ''
}

/** The last four characters of an ID number as a resident reads them out (x → X). */
export function normaliseLast4(raw: string): string {
  return halfWidth(raw).replace(/\s/g, '').toUpperCase()
}

export function validLast4(value: string): boolean {
  return /^\d{3}[\dX]$/.test(value)
}

export function validPhone(value: string): boolean {
  return /^1\d{10}$/.test(value)
}

export const ORDER_STATUS: Record<string, { label: string; type: 'success' | 'warning' | 'info' | 'danger' | 'primary' }> = {
  pending_points: { label: '待积分确认', type: 'warning' },
  confirmed: { label: '待取货', type: 'primary' },
  fulfilled: { label: '已取货', type: 'success' },
  failed: { label: '失败', type: 'danger' },
  cancelled: { label: '已取消', type: 'info' },
  expired: { label: '已过期', type: 'info' },
}

export const FAILURE_REASONS: Record<string, string> = {
  insufficient: '积分不足',
  unverified: '居民未实名认证',
  unknown_resident: '未找到居民积分账户',
  out_of_stock: '库存不足',
}

export const CHANNELS: Record<string, string> = { app: '居民下单', counter: '柜台兑换' }

export const MOVE_REASONS: Record<string, string> = {
  restock: '补货',
  adjustment: '盘点调整',
  order: '下单出库',
  return: '退回入库',
}

export const LIMIT_PERIODS: Record<string, string> = { day: '每天', week: '每周', month: '每月', year: '每年' }

/** A reconciliation item line (GET /api/mall/reports/reconciliation `items[]`). */
export interface ReconLine {
  item_id: string
  item_name: string
  price: number
  orders_placed: number
  fulfilled_quantity: number
  points_settled: number
  restocked: number
  adjusted: number
  ordered_out: number
  returned: number
  stock_now: number
}

export const RECON_COLUMNS = [
  'orders_placed',
  'fulfilled_quantity',
  'points_settled',
  'restocked',
  'adjusted',
  'ordered_out',
  'returned',
  'stock_now',
] as const

export type ReconColumn = (typeof RECON_COLUMNS)[number]

/** The totals row: each numeric column summed over the item lines (as the API's `totals`). */
export function reconTotals(lines: readonly ReconLine[]): Record<ReconColumn, number> {
  const totals = Object.fromEntries(RECON_COLUMNS.map((c) => [c, 0])) as Record<ReconColumn, number>
  for (const line of lines) for (const c of RECON_COLUMNS) totals[c] += line[c] ?? 0
  return totals
}

/** Columns where the lines do not add up to the API's totals (a report to distrust). */
export function totalsDisagree(lines: readonly ReconLine[], api: Record<string, number>): ReconColumn[] {
  const ours = reconTotals(lines)
  return RECON_COLUMNS.filter((c) => c in api && api[c] !== ours[c])
}

/** Days from `from` to `to` inclusive (YYYY-MM-DD); the report allows at most 366. */
export function spanDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/** The first day of the month of a Beijing date (the report's default start). */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`
}

export interface OpeningHours {
  days: string
  open: string
  close: string
}

export function hoursText(hours: readonly OpeningHours[] | null | undefined): string {
  return hours?.length ? hours.map((h) => `${h.days} ${h.open}–${h.close}`).join('；') : '未填写'
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/

/** Why one opening-hours line is refused, or ''. */
export function hoursProblem(line: OpeningHours): string {
  if (!line.days.trim()) return '请填写开放日'
  if (!HHMM.test(line.open) || !HHMM.test(line.close)) return '时间格式为 HH:MM'
  if (line.close <= line.open) return '关门时间须晚于开门时间'
  return ''
}

/** A key for one attempt (Idempotency-Key): a retry of the same attempt reuses it. */
export function attemptKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `k-${Date.now()}-${Math.random().toString(36).slice(2)}`
}
