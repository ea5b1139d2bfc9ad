import { describe, expect, it } from 'vitest'
import {
  appendPage,
  claimableItems,
  claimState,
  expiryWarnings,
  groupRules,
  postingDelta,
  postingPurpose,
  ruleCaps,
  rulePoints,
  type Claim,
  type Posting,
  type RuleItem,
} from '../../src/utils/points'

const LIST: RuleItem[] = [
  { code: 'VOL', name: '志愿服务', category: '志愿服务', points: 2, unit: 'per_hour', caps: { day: 10 } },
  { code: 'BAD', name: '违反村规民约', category: '村规民约', points: -10 },
  { code: 'CLEAN', name: '环境整治', category: '志愿服务', points: 5, requires_claim: true, evidence_required: true },
  { code: 'LITTER', name: '乱扔垃圾', category: '志愿服务', points: -3, caps: { month: 9, year: 30 } },
  { code: 'KEEP', name: '遵守公约', category: '村规民约', points: 1 },
]

describe('the points list by category', () => {
  it('keeps the categories in the order the list first names them', () => {
    expect(groupRules(LIST).map((g) => g.category)).toEqual(['志愿服务', '村规民约'])
  })

  it('lists the items that earn before the deductions within a category', () => {
    const [volunteering, code] = groupRules(LIST)
    expect(volunteering.lines.map((l) => l.code)).toEqual(['VOL', 'CLEAN', 'LITTER'])
    expect(code.lines.map((l) => l.code)).toEqual(['KEEP', 'BAD'])
  })

  it('says points per time or per hour, a deduction as such, and the caps', () => {
    expect(rulePoints(LIST[0])).toBe('+2 分/小时')
    expect(rulePoints(LIST[2])).toBe('+5 分/次')
    expect(rulePoints(LIST[1])).toBe('扣 10 分/次')
    expect(ruleCaps(LIST[0])).toBe('每日最多 10 分')
    expect(ruleCaps(LIST[3])).toBe('每月最多 9 分，每年最多 30 分')
    expect(ruleCaps(LIST[1])).toBe('')
  })

  it('marks claimable items and only positive ones can be claimed', () => {
    const line = groupRules(LIST)[0].lines.find((l) => l.code === 'CLEAN')!
    expect(line.claimable && line.evidenceRequired).toBe(true)
    expect(claimableItems([...LIST, { ...LIST[1], requires_claim: true }]).map((i) => i.code)).toEqual(['CLEAN'])
  })

  it('puts an item without a category under 其他', () => {
    expect(groupRules([{ code: 'X', name: 'x', category: ' ', points: 1 }])[0].category).toBe('其他')
  })
})

function claim(over: Partial<Claim>): Claim {
  return {
    id: 'c1',
    item_code: 'CLEAN',
    occurred_on: '2026-11-28',
    description: '清理垃圾',
    evidence: [],
    status: 'submitted',
    review_reason: null,
    publicity_ends_at: null,
    created_at: '2026-11-29T02:00:00Z',
    objections: [],
    ...over,
  }
}

describe('a claim in words', () => {
  it('is under review when submitted', () => {
    expect(claimState(claim({})).label).toBe('审核中')
  })

  it('is on public notice until a Beijing time, with open objections counted', () => {
    const state = claimState(
      claim({
        status: 'publicity',
        publicity_ends_at: '2026-12-02T04:30:00Z',
        objections: [
          { id: 'o1', reason: '不实', status: 'open', created_at: '2026-11-30T00:00:00Z' },
          { id: 'o2', reason: '重复', status: 'dismissed', created_at: '2026-11-30T00:00:00Z' },
        ],
      }),
    )
    expect(state.label).toBe('公示中')
    expect(state.detail).toContain('公示至 2026-12-02 12:30')
    expect(state.detail).toContain('有 1 条异议待处理')
  })

  it('is rejected with the reviewer’s reason, or the upheld objection', () => {
    expect(claimState(claim({ status: 'rejected', review_reason: '照片不清楚' })).detail).toBe('原因：照片不清楚')
    const upheld = claim({
      status: 'rejected',
      objections: [{ id: 'o', reason: '不实', status: 'upheld', created_at: '2026-11-30T00:00:00Z' }],
    })
    expect(claimState(upheld).detail).toBe('原因：公示期间异议成立')
  })

  it('is credited once vested', () => {
    expect(claimState(claim({ status: 'vested' }))).toMatchObject({ label: '已入账', tone: 'good' })
  })
})

describe('postings', () => {
  const posting: Posting = {
    id: 'p1',
    kind: 'award',
    item_code: 'VOL',
    reason: '参加社区活动',
    score_delta: 4,
    capped: 0,
    occurred_at: '2026-11-29T02:00:00Z',
    created_at: '2026-11-29T02:00:00Z',
  }

  it('say what they were for: the item’s name, then the reason', () => {
    expect(postingPurpose(posting, { VOL: '志愿服务' })).toBe('志愿服务（参加社区活动）')
    expect(postingPurpose(posting)).toBe('参加社区活动')
    expect(postingPurpose({ ...posting, reason: '', item_code: null })).toBe('获得积分')
  })

  it('show what moved in the wallet when the API says it', () => {
    expect(postingDelta({ ...posting, kind: 'deduction', score_delta: -10, amount: -4 })).toBe(-4)
    expect(postingDelta(posting)).toBe(4)
  })

  it('append a page without repeating a row', () => {
    expect(appendPage([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]).map((r) => r.id)).toEqual(['a', 'b', 'c'])
  })
})

describe('expiry warnings', () => {
  it('say how many points go on which day, urgent within the warning window', () => {
    const warnings = expiryWarnings(
      [
        { expires_on: '2026-12-31', points: 12 },
        { expires_on: '2027-12-31', points: 5 },
      ],
      '2026-12-05',
      30,
    )
    expect(warnings).toEqual([
      { text: '12 积分将于 2026-12-31 后过期', urgent: true },
      { text: '5 积分将于 2027-12-31 后过期', urgent: false },
    ])
  })
})
