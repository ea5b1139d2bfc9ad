// 村民说事 in the console: words for states and actions, the queues, overdue-first ordering, and
// the dashboard's figures turned into chart options (pure: no I/O, unit-tested).
import type { CursorPage } from '@/composables/useCursorList'

export type Status =
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'cancelled'
  | 'assigned'
  | 'in_progress'
  | 'resolved'
  | 'reopened'
  | 'closed'

export const STATUS_NAMES: Record<Status, string> = {
  submitted: '待受理',
  accepted: '已受理',
  rejected: '不予受理',
  cancelled: '已撤回',
  assigned: '已指派',
  in_progress: '办理中',
  resolved: '已办结',
  reopened: '重新办理',
  closed: '已结案',
}

export const STATUS_TYPES: Record<Status, 'primary' | 'success' | 'warning' | 'danger' | 'info'> = {
  submitted: 'warning',
  accepted: 'primary',
  rejected: 'info',
  cancelled: 'info',
  assigned: 'primary',
  in_progress: 'primary',
  resolved: 'success',
  reopened: 'danger',
  closed: 'info',
}

/** Actions staff take in the console, in the order their buttons show. */
export const STAFF_ACTIONS = ['accept', 'assign', 'start', 'progress', 'resolve', 'reject', 'adopt', 'note'] as const
export type StaffAction = (typeof STAFF_ACTIONS)[number]

export const ACTION_NAMES: Record<string, string> = {
  accept: '受理',
  reject: '不予受理',
  assign: '指派',
  start: '开始办理',
  progress: '办理进展',
  resolve: '办结答复',
  note: '内部备注',
  adopt: '采纳建议',
  cancel: '撤回',
  rate: '评价',
  reopen: '重新办理',
  close: '结案',
  escalate: '上报督办',
  submit: '提交',
}

export const ROLE_WORDS: Record<string, string> = {
  author: '居民',
  resident: '居民',
  manager: '工作人员',
  assignee: '承办人',
  staff: '工作人员',
  system: '系统',
}

/** The actions of `allowed` a staff member can take here, in button order. */
export function staffActions(allowed: readonly string[]): StaffAction[] {
  return STAFF_ACTIONS.filter((a) => allowed.includes(a))
}

export interface Queue {
  key: string
  label: string
  query: Record<string, string | boolean>
}

export const QUEUES: Queue[] = [
  { key: 'open', label: '全部未结', query: { status: 'open' } },
  { key: 'submitted', label: '待受理', query: { status: 'submitted' } },
  { key: 'accepted', label: '待指派', query: { status: 'accepted' } },
  { key: 'assigned', label: '待办理', query: { status: 'assigned' } },
  { key: 'in_progress', label: '办理中', query: { status: 'in_progress' } },
  { key: 'reopened', label: '重新办理', query: { status: 'reopened' } },
  { key: 'resolved', label: '待评价', query: { status: 'resolved' } },
  { key: 'closed', label: '已结案', query: { status: 'closed' } },
  { key: 'rejected', label: '不予受理', query: { status: 'rejected' } },
  { key: 'escalated', label: '督办件', query: { escalated: true } },
]

export interface QueueCounts {
  by_status: Record<string, number>
  open: number
  escalated: number
  overdue: number
}

/** A tab's label with how many it holds, when the counts are known: `待受理 (3)`. */
export function queueLabel(queue: Queue, counts: QueueCounts | null): string {
  if (!counts) return queue.label
  const n = queue.key === 'open' ? counts.open : queue.key === 'escalated' ? counts.escalated : counts.by_status[queue.key]
  return n === undefined ? queue.label : `${queue.label} (${n})`
}

export interface PetitionRow {
  id: string
  community_id: string
  category_id: string
  title: string
  preview: string
  status: Status
  author_name: string
  assignee_id: string | null
  overdue: boolean
  escalated_to_unit_id: string | null
  supports_count: number
  accept_due_at: string
  resolve_due_at: string | null
  created_at: string
}

/** The deadline the petition's state runs against: acceptance while submitted, resolution
 * while it is being handled; none once it left both. */
export function dueOf(row: Pick<PetitionRow, 'status' | 'accept_due_at' | 'resolve_due_at'>): string | null {
  if (row.status === 'submitted') return row.accept_due_at
  if (['accepted', 'assigned', 'in_progress', 'reopened'].includes(row.status)) return row.resolve_due_at
  return null
}

/** `剩 5 小时` / `超时 2 天`: how the deadline stands at `now`; '' without one. */
export function dueText(row: Pick<PetitionRow, 'status' | 'accept_due_at' | 'resolve_due_at'>, now: Date): string {
  const due = dueOf(row)
  if (!due) return ''
  const hours = (new Date(due).getTime() - now.getTime()) / 3_600_000
  const span = (h: number) => (h >= 48 ? `${Math.floor(h / 24)} 天` : `${Math.max(1, Math.floor(h))} 小时`)
  return hours >= 0 ? `剩 ${span(hours)}` : `超时 ${span(-hours)}`
}

/** Overdue first, the longest overdue at the top; the rest keep the server's order (newest
 * first). Stable, so loading more never reshuffles rows within a group. */
export function orderQueue<T extends PetitionRow>(rows: readonly T[]): T[] {
  const due = (r: T) => new Date(dueOf(r) ?? r.created_at).getTime()
  const overdue = rows.filter((r) => r.overdue).sort((a, b) => due(a) - due(b))
  return [...overdue, ...rows.filter((r) => !r.overdue)]
}

/** One cursor over two server lists: the overdue ones, then the rest. The cursor says which
 * list it continues (`o:` / `n:`); when the overdue list ends, the first page of the rest
 * comes in the same answer. */
export async function overdueFirst<T>(
  fetchPage: (overdue: boolean, cursor: string | null) => Promise<CursorPage<T>>,
  cursor: string | null,
): Promise<CursorPage<T>> {
  const phase = cursor ? cursor.slice(0, 2) : 'o:'
  const inner = cursor ? cursor.slice(2) || null : null
  if (phase === 'o:') {
    const late = await fetchPage(true, inner)
    if (late.next_cursor) return { items: late.items, next_cursor: `o:${late.next_cursor}` }
    const rest = await fetchPage(false, null)
    return { items: [...late.items, ...rest.items], next_cursor: rest.next_cursor ? `n:${rest.next_cursor}` : null }
  }
  const rest = await fetchPage(false, inner)
  return { items: rest.items, next_cursor: rest.next_cursor ? `n:${rest.next_cursor}` : null }
}

// --- the dashboard --------------------------------------------------------------------------

export interface Figures {
  total: number
  by_status: Record<string, number>
  overdue_now: number
  median_hours_to_accept: number | null
  median_hours_to_resolve: number | null
  ratings: number
  satisfaction: number | null
  average_rating: number | null
  reopen_rate: number | null
}

export interface CommunityFigures extends Figures {
  community_id: string
}

export interface Dashboard {
  unit_id: string
  from: string
  to: string
  communities: CommunityFigures[]
  totals: Figures
}

/** Statuses drawn in the chart, in the order of a petition's life. */
export const CHART_STATUSES: Status[] = ['submitted', 'accepted', 'assigned', 'in_progress', 'reopened', 'resolved', 'closed', 'rejected', 'cancelled']

export const HANDLING: Status[] = ['accepted', 'assigned', 'in_progress', 'reopened']

export function handling(f: Figures): number {
  return HANDLING.reduce((sum, s) => sum + (f.by_status[s] ?? 0), 0)
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10}%`
}

export function hoursText(h: number | null): string {
  return h === null ? '—' : `${h} 小时`
}

type Name = (communityId: string) => string

/** What each chart shows, as options and as a sentence for a screen reader. */
export interface ChartSpec {
  option: Record<string, unknown>
  summary: string
}

const GRID = { left: 48, right: 16, top: 40, bottom: 40, containLabel: true }

function categoryAxis(names: string[]) {
  return { type: 'category', data: names, axisLabel: { interval: 0 } }
}

export function statusChart(d: Dashboard, name: Name): ChartSpec {
  const names = d.communities.map((c) => name(c.community_id))
  const used = CHART_STATUSES.filter((s) => d.communities.some((c) => (c.by_status[s] ?? 0) > 0))
  const series = used.map((s) => ({
    name: STATUS_NAMES[s],
    type: 'bar',
    stack: 'status',
    data: d.communities.map((c) => c.by_status[s] ?? 0),
  }))
  const parts = d.communities.map((c, i) => {
    const detail = used.filter((s) => c.by_status[s]).map((s) => `${STATUS_NAMES[s]} ${c.by_status[s]}`)
    return `${names[i]} 共 ${c.total} 件${detail.length ? `（${detail.join('、')}）` : ''}`
  })
  return {
    option: { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: GRID, xAxis: categoryAxis(names), yAxis: { type: 'value', minInterval: 1 }, series },
    summary: `各社区诉求按状态：${parts.join('；') || '无数据'}`,
  }
}

export function overdueChart(d: Dashboard, name: Name): ChartSpec {
  const names = d.communities.map((c) => name(c.community_id))
  const data = d.communities.map((c) => c.overdue_now)
  return {
    option: { tooltip: { trigger: 'axis' }, grid: GRID, xAxis: categoryAxis(names), yAxis: { type: 'value', minInterval: 1 }, series: [{ name: '当前逾期', type: 'bar', data, itemStyle: { color: '#c0262d' } }] },
    summary: `当前逾期：${names.map((n, i) => `${n} ${data[i]} 件`).join('；') || '无数据'}`,
  }
}

export function speedChart(d: Dashboard, name: Name): ChartSpec {
  const names = d.communities.map((c) => name(c.community_id))
  const accept = d.communities.map((c) => c.median_hours_to_accept)
  const resolve = d.communities.map((c) => c.median_hours_to_resolve)
  return {
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: GRID,
      xAxis: categoryAxis(names),
      yAxis: { type: 'value', name: '小时' },
      series: [
        { name: '受理用时中位数', type: 'bar', data: accept },
        { name: '办结用时中位数', type: 'bar', data: resolve },
      ],
    },
    summary: `办理用时中位数：${names.map((n, i) => `${n} 受理 ${hoursText(accept[i])}、办结 ${hoursText(resolve[i])}`).join('；') || '无数据'}`,
  }
}

export function satisfactionChart(d: Dashboard, name: Name): ChartSpec {
  const names = d.communities.map((c) => name(c.community_id))
  const data = d.communities.map((c) => (c.satisfaction === null ? null : Math.round(c.satisfaction * 1000) / 10))
  return {
    option: {
      tooltip: { trigger: 'axis' },
      grid: GRID,
      xAxis: categoryAxis(names),
      yAxis: { type: 'value', max: 100, name: '%' },
      series: [{ name: '满意率', type: 'bar', data, itemStyle: { color: '#1e7b34' } }],
    },
    summary: `满意率（4–5 星占比）：${d.communities.map((c, i) => `${names[i]} ${percent(c.satisfaction)}（${c.ratings} 条评价）`).join('；') || '无数据'}`,
  }
}

// --- dates ----------------------------------------------------------------------------------

/** A `YYYY-MM-DD` calendar date moved by whole days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

export const MAX_PERIOD_DAYS = 366

/** What is wrong with a period as the API would refuse it, by field; {} when it is fine. */
export function periodErrors(from: string, to: string): Record<string, string> {
  if (!from) return { from: '请选择开始日期' }
  if (!to) return { to: '请选择结束日期' }
  if (from > to) return { from: '开始日期不能晚于结束日期' }
  if (addDays(from, MAX_PERIOD_DAYS) < addDays(to, 1)) return { to: '统计区间最长为一年' }
  return {}
}

/** A staff grant as identity lists it: who holds which role where. */
export interface Colleague {
  person_id: string
  person_name: string
  role: string
}

const HANDLER_ROLES: Record<string, string> = {
  community_admin: '社区管理员',
  community_staff: '社区工作人员',
  grid_worker: '网格员',
}

/** The people a case can be assigned to, besides oneself: one option per person who handles
 * cases (not counter operators), named with their roles. */
export function colleagueOptions(grants: Colleague[], me: string): Array<{ value: string; label: string }> {
  const roles = new Map<string, { name: string; roles: string[] }>()
  for (const g of grants) {
    if (g.person_id === me || !(g.role in HANDLER_ROLES)) continue
    const held = roles.get(g.person_id) ?? { name: g.person_name, roles: [] }
    if (!held.roles.includes(HANDLER_ROLES[g.role])) held.roles.push(HANDLER_ROLES[g.role])
    roles.set(g.person_id, held)
  }
  return [...roles].map(([id, p]) => ({ value: `person:${id}`, label: `${p.name}（${p.roles.join('、')}）` }))
}
