import { describe, expect, it } from 'vitest'
import { unitChoices, within, type OrgUnit } from '@/store/session'
import { beijingToUtcIso, formatDate, formatTime } from '@/utils/format'

const unit = (id: string, path: string, kind: OrgUnit['kind'] = 'community'): OrgUnit => ({
  id, kind, code: id, name: `名${id}`, parent_id: null, path,
})

describe('units a person works on', () => {
  it('groups roles by unit in tree order', () => {
    const units = [unit('d', '/d', 'district'), unit('c1', '/d/t/c1'), unit('c2', '/d/t/c2')]
    const choices = unitChoices(
      [
        { role: 'community_staff', unit_id: 'c2', unit_path: '/d/t/c2' },
        { role: 'district_admin', unit_id: 'd', unit_path: '/d' },
        { role: 'counter_operator', unit_id: 'c2', unit_path: '/d/t/c2' },
      ],
      units,
    )
    expect(choices.map((c) => c.unit.id)).toEqual(['d', 'c2'])
    expect(choices[1].roles).toEqual(['community_staff', 'counter_operator'])
    expect(choices[1].unit.name).toBe('名c2')
  })

  it('knows what lies within a unit without prefix confusion', () => {
    expect(within('/d/t/c1', '/d')).toBe(true)
    expect(within('/d', '/d')).toBe(true)
    expect(within('/d2/t', '/d')).toBe(false)
  })
})

describe('dates in Beijing time', () => {
  it('shows an instant as Beijing wall-clock time', () => {
    expect(formatTime('2026-11-29T16:30:00Z')).toBe('2026-11-30 00:30')
    expect(formatDate('2026-11-29T16:30:00Z')).toBe('2026-11-30')
    expect(formatDate('2026-12-01')).toBe('2026-12-01')
  })

  it('turns a Beijing wall-clock time into UTC', () => {
    expect(beijingToUtcIso('2026-11-30 00:30')).toBe('2026-11-29T16:30:00.000Z')
    expect(beijingToUtcIso('2026-12-01')).toBe('2026-11-30T16:00:00.000Z')
  })
})
