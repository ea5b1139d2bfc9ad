// The points screens' logic: the points list grouped by category, what a posting was for,
// a claim's state in words, expiry warnings. Pure functions, unit-tested.
import { formatDate, formatDelta, formatTime } from './format'

export interface RuleItem {
  code: string
  name: string
  category: string
  points: number
  unit?: 'per_time' | 'per_hour' | string
  requires_claim?: boolean
  evidence_required?: boolean
  caps?: { day?: number | null; month?: number | null; year?: number | null }
}

export interface RuleLine {
  code: string
  name: string
  points: string
  deduction: boolean
  caps: string
  claimable: boolean
  evidenceRequired: boolean
}

export interface RuleGroup {
  category: string
  lines: RuleLine[]
}

/** "+5 分/次", "+2 分/小时"; a negative item reads as a deduction: "扣 10 分/次". */
export function rulePoints(item: RuleItem): string {
  const per = item.unit === 'per_hour' ? '小时' : '次'
  return item.points < 0 ? `扣 ${Math.abs(item.points)} 分/${per}` : `${formatDelta(item.points)} 分/${per}`
}

/** "每日最多 10 分，每月最多 30 分", or "" without caps. */
export function ruleCaps(item: RuleItem): string {
  const caps = item.caps ?? {}
  const parts: string[] = []
  if (caps.day) parts.push(`每日最多 ${caps.day} 分`)
  if (caps.month) parts.push(`每月最多 ${caps.month} 分`)
  if (caps.year) parts.push(`每年最多 ${caps.year} 分`)
  return parts.join('，')
}

/** Categories in the order the list first names them; within one, the list's order, with
 * deductions after the items that earn. */
export function groupRules(items: RuleItem[]): RuleGroup[] {
  const groups = new Map<string, RuleLine[]>()
  for (const item of items) {
    const category = item.category?.trim() || '其他'
    if (!groups.has(category)) groups.set(category, [])
    groups.get(category)!.push({
      code: item.code,
      name: item.name,
      points: rulePoints(item),
      deduction: item.points < 0,
      caps: ruleCaps(item),
      claimable: Boolean(item.requires_claim) && item.points > 0,
      evidenceRequired: Boolean(item.evidence_required),
    })
  }
  return Array.from(groups, ([category, lines]) => ({
    category,
    lines: [...lines.filter((l) => !l.deduction), ...lines.filter((l) => l.deduction)],
  }))
}

/** The items a resident may claim (申报): positive and marked `requires_claim`. */
export function claimableItems(items: RuleItem[]): RuleItem[] {
  return items.filter((i) => i.requires_claim && i.points > 0)
}

export interface Posting {
  id: string
  kind: string
  item_code: string | null
  reason: string
  score_delta: number
  amount?: number
  capped: number
  occurred_at: string
  created_at: string
}

const KIND_LABELS: Record<string, string> = {
  award: '获得积分',
  deduction: '扣分',
  claim: '申报积分',
  adjustment: '工作人员调整',
  hold: '兑换冻结',
  settle: '积分兑换',
  release: '兑换取消，解冻',
  expiry: '积分到期',
  reversal: '记录更正',
}

/** What moved the wallet: `amount` when the API gives it, else the score change. */
export function postingDelta(posting: Posting): number {
  return posting.amount ?? posting.score_delta
}

/** What a posting was for: the points-list item's name when known, then the reason given. */
export function postingPurpose(posting: Posting, itemNames: Record<string, string> = {}): string {
  const item = posting.item_code ? itemNames[posting.item_code] : undefined
  const kind = KIND_LABELS[posting.kind] ?? '积分变动'
  if (item && posting.reason && posting.reason !== item) return `${item}（${posting.reason}）`
  return item ?? (posting.reason || kind)
}

export function postingKind(posting: Posting): string {
  return KIND_LABELS[posting.kind] ?? '积分变动'
}

export interface Objection {
  id: string
  reason: string
  status: 'open' | 'upheld' | 'dismissed' | string
  created_at: string
}

export interface Claim {
  id: string
  item_code: string
  occurred_on: string
  description: string
  evidence: string[]
  status: 'submitted' | 'publicity' | 'rejected' | 'vested' | string
  review_reason: string | null
  publicity_ends_at: string | null
  created_at: string
  objections: Objection[]
}

export type Tone = 'pending' | 'good' | 'bad'

export interface ClaimState {
  label: string
  tone: Tone
  detail: string
}

/** A claim's state in words: 审核中, 公示中（至 …）, 未通过（原因）, 已入账; open objections
 * are said while it is on notice. */
export function claimState(claim: Claim): ClaimState {
  const open = claim.objections.filter((o) => o.status === 'open').length
  switch (claim.status) {
    case 'submitted':
      return { label: '审核中', tone: 'pending', detail: '社区工作人员审核后进入公示' }
    case 'publicity': {
      const until = claim.publicity_ends_at ? `公示至 ${formatTime(claim.publicity_ends_at)}` : '公示中'
      const objections = open ? `，有 ${open} 条异议待处理` : ''
      return { label: '公示中', tone: 'pending', detail: `${until}${objections}，期满无异议后入账` }
    }
    case 'rejected': {
      const upheld = claim.objections.some((o) => o.status === 'upheld')
      const why = claim.review_reason || (upheld ? '公示期间异议成立' : '')
      return { label: '未通过', tone: 'bad', detail: why ? `原因：${why}` : '' }
    }
    case 'vested':
      return { label: '已入账', tone: 'good', detail: '积分已计入您的账户' }
    default:
      return { label: '处理中', tone: 'pending', detail: '' }
  }
}

export function objectionLabel(status: string): string {
  return { open: '待处理', upheld: '异议成立', dismissed: '异议不成立' }[status] ?? status
}

export interface Expiring {
  expires_on: string
  points: number
}

/** A warning for each deadline: urgent when it falls within the warning window. */
export function expiryWarnings(
  items: Expiring[],
  today: string,
  warningDays = 30,
): Array<{ text: string; urgent: boolean }> {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86400000
  return items
    .filter((i) => i.points > 0)
    .map((i) => {
      const left = day(i.expires_on) - day(today)
      return {
        text: `${i.points} 积分将于 ${formatDate(i.expires_on)} 后过期`,
        urgent: left >= 0 && left <= warningDays,
      }
    })
}

/** Today's date in Beijing, "2026-11-30". */
export function beijingToday(now: Date = new Date()): string {
  return formatDate(now)
}

/** Rows of a keyset page appended to what is shown, without repeats. */
export function appendPage<T extends { id: string }>(shown: T[], page: T[]): T[] {
  const seen = new Set(shown.map((r) => r.id))
  return [...shown, ...page.filter((r) => !seen.has(r.id))]
}
