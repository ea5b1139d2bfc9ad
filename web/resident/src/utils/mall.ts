// The mall's logic, kept out of the screens so it can be tested: labels, stock, the order's
// idempotency key, waiting for an order to settle, and the member code's refresh timing.

export type OrderStatus =
  | 'pending_points'
  | 'confirmed'
  | 'failed'
  | 'fulfilled'
  | 'cancelled'
  | 'expired'

export interface OpeningHours {
  days: string
  open: string
  close: string
}

export interface Counter {
  id: string
  community_id: string
  name: string
  address: string
  opening_hours: OpeningHours[] | null
  active: boolean
}

export interface StockLine {
  counter_id: string
  counter_name: string
  quantity: number
}

export interface Item {
  id: string
  community_id: string
  name: string
  description: string | null
  image_url: string | null
  category: string
  price: number
  per_person_limit: number | null
  limit_period: 'day' | 'week' | 'month' | 'year' | null
  sponsor: string | null
  on_shelf: boolean
  stock: StockLine[]
}

export interface Order {
  id: string
  status: OrderStatus
  item_id: string
  item_name: string
  counter_id: string
  community_id: string
  quantity: number
  price: number
  total_points: number
  channel: 'app' | 'counter'
  pickup_code: string | null
  pickup_qr: string | null
  pickup_by: string | null
  failure_reason: string | null
  placed_at: string
  confirmed_at: string | null
  closed_at: string | null
  allowed_actions: string[]
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface MemberCode {
  code: string
  expires_at: string
  refresh_in_seconds: number
}

const STATUS: Record<OrderStatus, string> = {
  pending_points: '确认中',
  confirmed: '待取货',
  failed: '兑换失败',
  fulfilled: '已取货',
  cancelled: '已取消',
  expired: '已过期',
}

export function statusLabel(status: string): string {
  return STATUS[status as OrderStatus] ?? status
}

const REASONS: Record<string, string> = {
  insufficient: '可用积分不足',
  unverified: '完成实名认证后才能兑换',
  unknown_resident: '积分账户尚未开通，请稍后再试',
  timeout: '积分确认超时，请稍后再试',
}

/** Why an order failed, in words a resident reads; an unknown code is said plainly. */
export function failureLabel(reason: string | null | undefined): string {
  if (!reason) return '兑换未成功，请稍后再试'
  return REASONS[reason] ?? '兑换未成功，请稍后再试'
}

const PERIODS: Record<string, string> = { day: '每天', week: '每周', month: '每月', year: '每年' }

/** "每人每月限 2 件", or '' without a limit. */
export function limitLabel(item: Pick<Item, 'per_person_limit' | 'limit_period'>): string {
  if (!item.per_person_limit) return ''
  const period = item.limit_period ? PERIODS[item.limit_period] ?? '' : ''
  return `每人${period}限 ${item.per_person_limit} 件`
}

export function totalStock(item: Pick<Item, 'stock'>): number {
  return item.stock.reduce((sum, line) => sum + Math.max(0, line.quantity), 0)
}

/** The counters that hold the item, most stocked first. */
export function stockedCounters(item: Pick<Item, 'stock'>): StockLine[] {
  return item.stock.filter((line) => line.quantity > 0).sort((a, b) => b.quantity - a.quantity)
}

/** The most one order may ask for at a counter: its stock, the per-person limit, and 99. */
export function maxQuantity(item: Pick<Item, 'stock' | 'per_person_limit'>, counterId: string): number {
  const line = item.stock.find((l) => l.counter_id === counterId)
  const stock = line ? Math.max(0, line.quantity) : 0
  return Math.min(stock, item.per_person_limit ?? 99, 99)
}

export function clampQuantity(value: number, max: number): number {
  if (max < 1) return 0
  if (!Number.isFinite(value)) return 1
  return Math.min(Math.max(1, Math.trunc(value)), max)
}

/** A fresh Idempotency-Key for one order attempt (kept across retries of that attempt). Not a
 * secret: Math.random is enough, and the mini-program has no `crypto.randomUUID`. */
export function newIdempotencyKey(random: () => number = Math.random): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('')
  const variant = ((Math.floor(random() * 4) + 8) as number).toString(16)
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`
}

/** An order attempt: the key stays the same until the resident changes what they order, so a
 * retry after a lost answer gets the same order rather than a second one. */
export class OrderAttempt {
  private key = ''
  private what = ''

  keyFor(itemId: string, counterId: string, quantity: number): string {
    const what = `${itemId}|${counterId}|${quantity}`
    if (!this.key || what !== this.what) {
      this.key = newIdempotencyKey()
      this.what = what
    }
    return this.key
  }

  /** After an answer (success or a refusal the server gave): the next tap is a new attempt. */
  done(): void {
    this.key = ''
    this.what = ''
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls the order until it leaves `pending_points`, or gives up after `within` ms and returns
 * it as it is (still pending: the screen says it is being confirmed). */
export async function waitSettled(
  fetch: () => Promise<Order>,
  {
    within = 8000,
    every = 600,
    wait = sleep,
    stopped = () => false,
  }: { within?: number; every?: number; wait?: (ms: number) => Promise<void>; stopped?: () => boolean } = {},
): Promise<Order> {
  let waited = 0
  for (;;) {
    const order = await fetch()
    if (order.status !== 'pending_points' || waited >= within || stopped()) return order
    await wait(every)
    waited += every
  }
}

/** Seconds until the member code should be fetched again: the API's advice, never below 5. */
export function refreshDelay(code: Pick<MemberCode, 'refresh_in_seconds'>): number {
  return Math.max(5, Math.floor(code.refresh_in_seconds))
}

/** Whole seconds left before `expires_at`, 0 once past. */
export function secondsLeft(expiresAt: string, now: Date = new Date()): number {
  const left = Math.ceil((new Date(expiresAt).getTime() - now.getTime()) / 1000)
  return Number.isFinite(left) ? Math.max(0, left) : 0
}

/** 75 → "1:15". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function hoursLabel(hours: OpeningHours[] | null | undefined): string {
  if (!hours?.length) return '以兑换点公示为准'
  return hours.map((h) => `${h.days} ${h.open}–${h.close}`).join('；')
}

/** The public picture of an item (the API gives its path); '' when it has none. */
export function imageUrl(base: string, item: Pick<Item, 'image_url'>): string {
  return item.image_url ? `${base}${item.image_url}` : ''
}
