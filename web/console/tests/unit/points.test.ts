import { describe, expect, it } from 'vitest'
import {
  amountProblem,
  describeCaps,
  describeTriggers,
  diffLists,
  emptyItem,
  isEmptyDiff,
  itemPayload,
  nextDay,
  normalizeItem,
  reasonProblem,
  validateItem,
  validateList,
  type ListItem,
} from '@/utils/points'

// Items as the API stores them (model_dump: every field present).
const STORED = [
  {
    code: 'VOL-ENV',
    name: '环境整治志愿服务',
    category: '志愿服务',
    points: 5,
    unit: 'per_time',
    requires_claim: false,
    evidence_required: false,
    caps: { day: 10, month: null, year: null },
    triggers: [{ source: 'volunteer', activity_type: '环境整治' }],
  },
  {
    code: 'BAD',
    name: '违反村规民约',
    category: '扣分',
    points: -10,
    unit: 'per_time',
    requires_claim: false,
    evidence_required: false,
    caps: { day: null, month: null, year: null },
    triggers: [],
  },
] as Partial<ListItem>[]

const item = (over: Partial<ListItem> = {}): ListItem => ({ ...emptyItem(), code: 'A', name: '名', category: '类', ...over })

describe('item validation mirrors listing/rules.py', () => {
  it('accepts a plain positive or negative item', () => {
    expect(validateItem(item())).toEqual({})
    expect(validateItem(item({ points: -10 }))).toEqual({})
  })

  it('refuses a bad code, blank name or category, zero or out-of-range points', () => {
    expect(validateItem(item({ code: '环境' })).code).toBeTruthy()
    expect(validateItem(item({ code: 'x'.repeat(33) })).code).toBeTruthy()
    expect(validateItem(item({ name: '   ' })).name).toBe('请填写名称')
    expect(validateItem(item({ category: 'x'.repeat(33) })).category).toContain('32')
    expect(validateItem(item({ points: 0 })).points).toBe('分值不能为 0')
    expect(validateItem(item({ points: 10_001 })).points).toBeTruthy()
    expect(validateItem(item({ points: 1.5 })).points).toBe('分值须为整数')
  })

  it('takes caps as positive whole numbers or none', () => {
    expect(validateItem(item({ caps: { day: 0, month: null, year: null } })).caps).toBeTruthy()
    expect(validateItem(item({ caps: { day: null, month: 30, year: 200 } })).caps).toBeUndefined()
  })

  it('limits triggers to 20 and activity kinds to 64 characters', () => {
    const many = Array.from({ length: 21 }, () => ({ source: 'volunteer' as const, activity_type: null }))
    expect(validateItem(item({ triggers: many })).triggers).toBeTruthy()
    const long = [{ source: 'activity' as const, activity_type: 'x'.repeat(65) }]
    expect(validateItem(item({ triggers: long })).triggers).toBeTruthy()
  })
})

describe('list validation', () => {
  const today = '2026-11-30'

  it('needs an item, unique codes and an effective date not before today', () => {
    expect(validateList([], today, today)).toContain('清单至少要有一个条目')
    expect(validateList([item(), item()], today, today)).toContain('条目编号“A”重复')
    expect(validateList([item()], '2026-11-29', today)).toContain('生效日期不能早于今天')
    expect(validateList([item()], '', today)).toContain('请选择生效日期')
    expect(validateList([item(), item({ code: 'B' })], nextDay(today), today)).toEqual([])
  })

  it('names the item whose fields are wrong', () => {
    const [problem] = validateList([item({ name: '助老', points: 0 })], today, today)
    expect(problem).toContain('助老')
    expect(problem).toContain('分值不能为 0')
  })
})

describe('payload and descriptions', () => {
  it('trims, sends a blank activity kind as any kind, never a claimable deduction', () => {
    const sent = itemPayload(
      item({
        code: ' A ',
        points: -3,
        requires_claim: true,
        evidence_required: true,
        triggers: [{ source: 'volunteer', activity_type: '  ' }],
      }),
    )
    expect(sent.code).toBe('A')
    expect(sent.triggers).toEqual([{ source: 'volunteer', activity_type: null }])
    expect([sent.requires_claim, sent.evidence_required]).toEqual([false, false])
  })

  it('says caps and triggers in words', () => {
    expect(describeCaps({ day: 10, month: null, year: 100 })).toBe('每日 10，每年 100')
    expect(describeCaps({ day: null, month: null, year: null })).toBe('不限')
    expect(describeTriggers([{ source: 'volunteer', activity_type: '助老服务' }])).toBe('志愿服务平台活动：助老服务')
    expect(describeTriggers([])).toBe('仅人工（调整或申报）')
  })

  it('counts Beijing days across a month end', () => {
    expect(nextDay('2026-11-30')).toBe('2026-12-01')
    expect(nextDay('2026-12-31')).toBe('2027-01-01')
  })
})

describe('diff of a draft against the version in force', () => {
  it('is empty for the same list, whether stored or edited', () => {
    const draft = STORED.map((i) => normalizeItem(i))
    const diff = diffLists(STORED, draft)
    expect(isEmptyDiff(diff)).toBe(true)
    expect(diff.unchanged).toBe(2)
  })

  it('finds added, removed and changed items, field by field', () => {
    const draft = [
      { ...normalizeItem(STORED[0]), points: 8, caps: { day: null, month: 50, year: null } },
      item({ code: 'ELDER', name: '助老服务', unit: 'per_hour', triggers: [{ source: 'volunteer', activity_type: '助老服务' }] }),
    ]
    const diff = diffLists(STORED, draft)
    expect(diff.added.map((i) => i.code)).toEqual(['ELDER'])
    expect(diff.removed.map((i) => i.code)).toEqual(['BAD'])
    expect(diff.changed).toHaveLength(1)
    const changes = diff.changed[0].changes
    expect(diff.changed[0].code).toBe('VOL-ENV')
    expect(changes.map((c) => c.label)).toEqual(['分值', '上限'])
    expect(changes[0]).toMatchObject({ before: '+5 分/次', after: '+8 分/次' })
    expect(changes[1]).toMatchObject({ before: '每日 10', after: '每月 50' })
  })

  it('sees a trigger kind or the claimable flag change', () => {
    const draft = [
      { ...normalizeItem(STORED[0]), triggers: [{ source: 'volunteer' as const, activity_type: '河道清理' }], requires_claim: true },
      normalizeItem(STORED[1]),
    ]
    const labels = diffLists(STORED, draft).changed[0].changes.map((c) => c.label)
    expect(labels).toEqual(['触发条件', '可申报'])
  })
})

describe('staff form checks', () => {
  it('needs a reason of at most 200 characters', () => {
    expect(reasonProblem('  ')).toBe('请填写理由')
    expect(reasonProblem('x'.repeat(201))).toContain('200')
    expect(reasonProblem('补记志愿服务')).toBe('')
  })

  it('needs a whole amount from 1 to 10000', () => {
    expect(amountProblem(null)).toBeTruthy()
    expect(amountProblem(0)).toBeTruthy()
    expect(amountProblem(2.5)).toBeTruthy()
    expect(amountProblem(10_001)).toBeTruthy()
    expect(amountProblem(5)).toBe('')
  })
})
