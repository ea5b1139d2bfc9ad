import { describe, expect, it } from 'vitest'
import {
  addDays,
  colleagueOptions,
  dueText,
  orderQueue,
  overdueFirst,
  periodErrors,
  QUEUES,
  queueLabel,
  satisfactionChart,
  speedChart,
  staffActions,
  statusChart,
  type Dashboard,
  type PetitionRow,
} from '@/utils/petitions'

function row(id: string, over: Partial<PetitionRow> = {}): PetitionRow {
  return {
    id,
    community_id: 'c1',
    category_id: 'k1',
    title: id,
    preview: '',
    status: 'submitted',
    author_name: '张*',
    assignee_id: null,
    overdue: false,
    escalated_to_unit_id: null,
    supports_count: 0,
    accept_due_at: '2026-11-30T00:00:00Z',
    resolve_due_at: null,
    created_at: '2026-11-29T00:00:00Z',
    ...over,
  }
}

describe('the queue', () => {
  it('puts overdue first, the longest overdue at the top, and keeps the rest in server order', () => {
    const rows = [
      row('new'),
      row('late-a-little', { overdue: true, accept_due_at: '2026-11-29T10:00:00Z' }),
      row('old'),
      row('late-long', { overdue: true, status: 'in_progress', resolve_due_at: '2026-11-20T00:00:00Z' }),
    ]
    expect(orderQueue(rows).map((r) => r.id)).toEqual(['late-long', 'late-a-little', 'new', 'old'])
  })

  it('says how the deadline of the current state stands', () => {
    const now = new Date('2026-11-29T00:00:00Z')
    expect(dueText(row('a', { accept_due_at: '2026-11-29T05:30:00Z' }), now)).toBe('剩 5 小时')
    expect(dueText(row('b', { status: 'assigned', resolve_due_at: '2026-11-26T00:00:00Z' }), now)).toBe('超时 3 天')
    expect(dueText(row('c', { status: 'resolved' }), now)).toBe('')
  })

  it('reads the overdue list to its end, then the rest, behind one cursor', async () => {
    const pages: Record<string, { items: string[]; next_cursor: string | null }> = {
      'true:': { items: ['o1'], next_cursor: 'x' },
      'true:x': { items: ['o2'], next_cursor: null },
      'false:': { items: ['n1'], next_cursor: 'y' },
      'false:y': { items: ['n2'], next_cursor: null },
    }
    const asked: string[] = []
    const fetch = async (late: boolean, cursor: string | null) => {
      asked.push(`${late}:${cursor ?? ''}`)
      return pages[`${late}:${cursor ?? ''}`]
    }
    const first = await overdueFirst(fetch, null)
    expect(first).toEqual({ items: ['o1'], next_cursor: 'o:x' })
    const second = await overdueFirst(fetch, first.next_cursor)
    expect(second).toEqual({ items: ['o2', 'n1'], next_cursor: 'n:y' })
    const third = await overdueFirst(fetch, second.next_cursor)
    expect(third).toEqual({ items: ['n2'], next_cursor: null })
    expect(asked).toEqual(['true:', 'true:x', 'false:', 'false:y'])
  })

  it('labels each tab with its count once the counts are known', () => {
    const counts = { by_status: { submitted: 3, resolved: 0 }, open: 5, escalated: 1, overdue: 2 }
    const label = (key: string) => queueLabel(QUEUES.find((q) => q.key === key)!, counts)
    expect([label('open'), label('submitted'), label('resolved'), label('escalated')]).toEqual([
      '全部未结 (5)',
      '待受理 (3)',
      '待评价 (0)',
      '督办件 (1)',
    ])
    expect(queueLabel(QUEUES[1], null)).toBe('待受理')
  })

  it('offers staff only the actions the petition allows them, in button order', () => {
    expect(staffActions(['note', 'reject', 'accept', 'rate'])).toEqual(['accept', 'reject', 'note'])
  })
})

const dashboard: Dashboard = {
  unit_id: 'town',
  from: '2026-11-01T00:00:00+08:00',
  to: '2026-12-01T00:00:00+08:00',
  communities: [
    {
      community_id: 'c1',
      total: 3,
      by_status: { submitted: 1, resolved: 2, closed: 0 },
      overdue_now: 1,
      median_hours_to_accept: 2.5,
      median_hours_to_resolve: 30,
      ratings: 2,
      satisfaction: 0.5,
      average_rating: 3.5,
      reopen_rate: 0,
    },
    {
      community_id: 'c2',
      total: 0,
      by_status: { submitted: 0, resolved: 0, closed: 0 },
      overdue_now: 0,
      median_hours_to_accept: null,
      median_hours_to_resolve: null,
      ratings: 0,
      satisfaction: null,
      average_rating: null,
      reopen_rate: null,
    },
  ],
  totals: {
    total: 3,
    by_status: { submitted: 1, resolved: 2 },
    overdue_now: 1,
    median_hours_to_accept: 2.5,
    median_hours_to_resolve: 30,
    ratings: 2,
    satisfaction: 0.5,
    average_rating: 3.5,
    reopen_rate: 0,
  },
}
const names: Record<string, string> = { c1: '小北街社区', c2: '复兴社区' }
const name = (id: string) => names[id]

describe('the dashboard charts', () => {
  it('stacks only the statuses that occur, one bar per community, and says so in words', () => {
    const { option, summary } = statusChart(dashboard, name)
    const series = option.series as Array<{ name: string; data: number[]; stack: string }>
    expect(series.map((s) => s.name)).toEqual(['待受理', '已办结'])
    expect(series[1].data).toEqual([2, 0])
    expect((option.xAxis as { data: string[] }).data).toEqual(['小北街社区', '复兴社区'])
    expect(summary).toBe('各社区诉求按状态：小北街社区 共 3 件（待受理 1、已办结 2）；复兴社区 共 0 件')
  })

  it('draws medians in hours and leaves a gap where there is none', () => {
    const { option, summary } = speedChart(dashboard, name)
    const series = option.series as Array<{ data: Array<number | null> }>
    expect(series[0].data).toEqual([2.5, null])
    expect(summary).toContain('复兴社区 受理 —、办结 —')
  })

  it('shows satisfaction as a percentage', () => {
    const { option, summary } = satisfactionChart(dashboard, name)
    expect((option.series as Array<{ data: Array<number | null> }>)[0].data).toEqual([50, null])
    expect(summary).toContain('小北街社区 50%（2 条评价）')
  })
})

describe('the period', () => {
  it('moves Beijing dates by whole days across months', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })

  it('refuses what the API refuses: from after to, more than a year', () => {
    expect(periodErrors('2026-11-01', '2026-11-30')).toEqual({})
    expect(periodErrors('2026-12-01', '2026-11-30')).toHaveProperty('from')
    expect(periodErrors('2024-01-01', '2024-12-31')).toEqual({}) // a leap year: 366 days
    expect(periodErrors('2025-01-01', '2026-01-02')).toHaveProperty('to')
  })
})

describe('colleagues to assign a case to', () => {
  it('offers each handler once with their roles, never oneself or a counter operator', () => {
    const grants = [
      { person_id: 'me', person_name: '李秀英', role: 'community_staff' },
      { person_id: 'a', person_name: '王建国', role: 'community_admin' },
      { person_id: 'a', person_name: '王建国', role: 'grid_worker' },
      { person_id: 'c', person_name: '张丽', role: 'counter_operator' },
    ]
    expect(colleagueOptions(grants, 'me')).toEqual([
      { value: 'person:a', label: '王建国（社区管理员、网格员）' },
    ])
  })
})
