// The points list (积分清单) as the console edits it: the item shape of services/points/listing
// rules.py, the same checks the API makes, a draft's diff against the version in force, and the
// words staff read for sources, units, caps and posting kinds.

export type TriggerSource = 'volunteer' | 'activity' | 'petition_adopted' | 'registration'
export type ItemUnit = 'per_time' | 'per_hour'

export interface Trigger {
  source: TriggerSource
  activity_type: string | null
}

export interface Caps {
  day: number | null
  month: number | null
  year: number | null
}

export interface ListItem {
  code: string
  name: string
  category: string
  points: number
  unit: ItemUnit
  requires_claim: boolean
  evidence_required: boolean
  caps: Caps
  triggers: Trigger[]
}

export interface RuleVersion {
  id: string
  community_id: string
  version: number
  status: 'draft' | 'published'
  effective_from: string | null
  items: Partial<ListItem>[]
  created_at?: string | null
  published_at?: string | null
}

export const SOURCE_NAMES: Record<TriggerSource, string> = {
  volunteer: '志愿服务平台活动',
  activity: '社区活动签到',
  petition_adopted: '建议被采纳',
  registration: '注册奖励',
}

export const UNIT_NAMES: Record<ItemUnit, string> = { per_time: '按次', per_hour: '按小时' }

export const POSTING_KINDS: Record<string, string> = {
  award: '奖励',
  deduction: '扣分',
  claim: '申报',
  adjustment: '调整',
  hold: '冻结',
  settle: '兑换',
  release: '解冻',
  expiry: '过期',
  reversal: '冲正',
}

/** Postings the API reverses (ledger/rules.py REVERSIBLE). */
export const REVERSIBLE = ['award', 'deduction', 'claim', 'adjustment']

export const CLAIM_STATUS: Record<string, { label: string; type: 'primary' | 'success' | 'warning' | 'danger' | 'info' }> = {
  submitted: { label: '待审核', type: 'warning' },
  publicity: { label: '公示中', type: 'primary' },
  rejected: { label: '已驳回', type: 'danger' },
  vested: { label: '已入账', type: 'success' },
}

export const LIMITS = { points: 10_000, items: 200, triggers: 20, code: 32, name: 64, category: 32, activityType: 64, reason: 200 }
const CODE = /^[A-Za-z0-9_-]{1,32}$/

export function emptyItem(): ListItem {
  return {
    code: '',
    name: '',
    category: '',
    points: 1,
    unit: 'per_time',
    requires_claim: false,
    evidence_required: false,
    caps: { day: null, month: null, year: null },
    triggers: [],
  }
}

/** An item as stored (defaults filled in) or as edited, in one shape. */
export function normalizeItem(raw: Partial<ListItem>): ListItem {
  const base = emptyItem()
  const caps = raw.caps ?? base.caps
  return {
    code: raw.code ?? '',
    name: raw.name ?? '',
    category: raw.category ?? '',
    points: raw.points ?? 0,
    unit: raw.unit ?? 'per_time',
    requires_claim: raw.requires_claim ?? false,
    evidence_required: raw.evidence_required ?? false,
    caps: { day: caps.day ?? null, month: caps.month ?? null, year: caps.year ?? null },
    triggers: (raw.triggers ?? []).map((t) => ({
      source: t.source,
      activity_type: t.activity_type ? t.activity_type : null,
    })),
  }
}

/** What the API receives for an item: trimmed, a blank activity kind as "any kind". */
export function itemPayload(item: ListItem): ListItem {
  const n = normalizeItem(item)
  return {
    ...n,
    code: n.code.trim(),
    name: n.name.trim(),
    category: n.category.trim(),
    requires_claim: n.requires_claim && n.points > 0, // a deduction is never claimed
    evidence_required: n.requires_claim && n.points > 0 && n.evidence_required,
    triggers: n.triggers.map((t) => ({
      source: t.source,
      activity_type: t.activity_type?.trim() ? t.activity_type.trim() : null,
    })),
  }
}

export type ItemErrors = Partial<Record<'code' | 'name' | 'category' | 'points' | 'caps' | 'triggers', string>>

/** The checks listing/rules.py `Item` makes, as messages on the item's fields. */
export function validateItem(item: ListItem): ItemErrors {
  const errors: ItemErrors = {}
  const code = item.code.trim()
  if (!CODE.test(code)) errors.code = '编号为 1–32 位字母、数字、“-”或“_”'
  const name = item.name.trim()
  if (!name) errors.name = '请填写名称'
  else if (name.length > LIMITS.name) errors.name = `名称最多 ${LIMITS.name} 个字`
  const category = item.category.trim()
  if (!category) errors.category = '请填写类别'
  else if (category.length > LIMITS.category) errors.category = `类别最多 ${LIMITS.category} 个字`
  if (!Number.isInteger(item.points)) errors.points = '分值须为整数'
  else if (item.points === 0) errors.points = '分值不能为 0'
  else if (Math.abs(item.points) > LIMITS.points) errors.points = `分值在 -${LIMITS.points} 到 ${LIMITS.points} 之间`
  const caps = [item.caps.day, item.caps.month, item.caps.year]
  if (caps.some((c) => c !== null && (!Number.isInteger(c) || c <= 0))) errors.caps = '上限须为正整数，或留空表示不限'
  if (item.triggers.length > LIMITS.triggers) errors.triggers = `最多 ${LIMITS.triggers} 个触发条件`
  else if (item.triggers.some((t) => (t.activity_type ?? '').trim().length > LIMITS.activityType))
    errors.triggers = `活动类型最多 ${LIMITS.activityType} 个字`
  return errors
}

/** The checks of a whole list (`PointsList`) and its effective date (today or later). */
export function validateList(items: ListItem[], effectiveFrom: string, today: string): string[] {
  const problems: string[] = []
  if (!items.length) problems.push('清单至少要有一个条目')
  if (items.length > LIMITS.items) problems.push(`清单最多 ${LIMITS.items} 个条目`)
  const seen = new Set<string>()
  for (const item of items) {
    const code = item.code.trim()
    if (seen.has(code)) problems.push(`条目编号“${code}”重复`)
    seen.add(code)
    const errors = Object.values(validateItem(item))
    if (errors.length) problems.push(`条目“${item.name || code || '未命名'}”：${errors.join('；')}`)
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) problems.push('请选择生效日期')
  else if (effectiveFrom < today) problems.push('生效日期不能早于今天')
  return problems
}

export function describeTrigger(t: Trigger): string {
  const source = SOURCE_NAMES[t.source] ?? t.source
  return t.activity_type ? `${source}：${t.activity_type}` : source
}

export function describeTriggers(triggers: Trigger[]): string {
  return triggers.length ? triggers.map(describeTrigger).join('、') : '仅人工（调整或申报）'
}

export function describeCaps(caps: Caps): string {
  const parts = [
    caps.day ? `每日 ${caps.day}` : '',
    caps.month ? `每月 ${caps.month}` : '',
    caps.year ? `每年 ${caps.year}` : '',
  ].filter(Boolean)
  return parts.length ? parts.join('，') : '不限'
}

export function describePoints(item: Pick<ListItem, 'points' | 'unit'>): string {
  const sign = item.points > 0 ? `+${item.points}` : `${item.points}`
  return item.unit === 'per_hour' ? `${sign} 分/小时` : `${sign} 分/次`
}

const FIELDS: Array<[string, string, (i: ListItem) => string]> = [
  ['name', '名称', (i) => i.name.trim()],
  ['category', '类别', (i) => i.category.trim()],
  ['points', '分值', (i) => describePoints(i)],
  ['caps', '上限', (i) => describeCaps(i.caps)],
  ['triggers', '触发条件', (i) => describeTriggers(itemPayload(i).triggers)],
  ['requires_claim', '可申报', (i) => (i.requires_claim ? '是' : '否')],
  ['evidence_required', '需证明材料', (i) => (i.requires_claim && i.evidence_required ? '是' : '否')],
]

export interface FieldChange {
  field: string
  label: string
  before: string
  after: string
}

export interface ListDiff {
  added: ListItem[]
  removed: ListItem[]
  changed: Array<{ code: string; name: string; changes: FieldChange[] }>
  unchanged: number
}

/** A draft against the version in force, item by item (matched on the item code). */
export function diffLists(current: Partial<ListItem>[], draft: Partial<ListItem>[]): ListDiff {
  const before = new Map(current.map((raw) => normalizeItem(raw)).map((i) => [i.code.trim(), i]))
  const after = draft.map((raw) => normalizeItem(raw))
  const diff: ListDiff = { added: [], removed: [], changed: [], unchanged: 0 }
  for (const item of after) {
    const old = before.get(item.code.trim())
    if (!old) {
      diff.added.push(item)
      continue
    }
    const changes = FIELDS.map(([field, label, show]) => ({ field, label, before: show(old), after: show(item) }))
      .filter((c) => c.before !== c.after)
    if (changes.length) diff.changed.push({ code: item.code.trim(), name: item.name.trim(), changes })
    else diff.unchanged += 1
  }
  const kept = new Set(after.map((i) => i.code.trim()))
  diff.removed = [...before.values()].filter((i) => !kept.has(i.code.trim()))
  return diff
}

export function isEmptyDiff(diff: ListDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length
}

/** The Beijing calendar day after `day` (`YYYY-MM-DD`). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

/** A staff reason as the API takes it: trimmed, 1–200 characters; '' when it is fine. */
export function reasonProblem(reason: string): string {
  const text = reason.trim()
  if (!text) return '请填写理由'
  if (text.length > LIMITS.reason) return `理由最多 ${LIMITS.reason} 个字`
  return ''
}

/** An adjustment's points: a whole number 1–10000 in the chosen direction; '' when fine. */
export function amountProblem(amount: number | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isInteger(amount)) return '请填写整数分值'
  if (amount < 1 || amount > LIMITS.points) return `分值在 1 到 ${LIMITS.points} 之间`
  return ''
}
