import { describe, expect, it } from 'vitest'
import type { OrgUnit } from '@/store/session'
import {
  grantableRoles,
  headFirst,
  mayRemoveMember,
  mayRevoke,
  reasonError,
  searchTerm,
  unitsForRole,
  verificationLabel,
  verificationTag,
} from '@/utils/residents'

const unit = (id: string, kind: OrgUnit['kind'], path: string): OrgUnit => ({
  id,
  kind,
  code: id,
  name: id,
  parent_id: null,
  path,
})
const district = unit('district', 'district', '/tc')
const town = unit('town', 'town', '/tc/xc')
const community = unit('xbj', 'community', '/tc/xc/xbj')
const grid = unit('grid1', 'grid', '/tc/xc/xbj/g1')
const other = unit('fx', 'community', '/tc/fx/fxsq')
const units = [grid, other, community, town, district]

describe('which roles the caller may grant (roles/rules.py may_grant)', () => {
  it('lets a district admin grant every role, a district admin included', () => {
    expect(grantableRoles(['district_admin'])).toEqual([
      'district_admin',
      'community_admin',
      'community_staff',
      'grid_worker',
      'counter_operator',
    ])
  })

  it('lets a community admin grant the staff roles only', () => {
    expect(grantableRoles(['community_admin', 'community_staff'])).toEqual([
      'community_staff',
      'grid_worker',
      'counter_operator',
    ])
    expect(mayRevoke(['community_admin'], 'community_admin')).toBe(false)
    expect(mayRevoke(['community_admin'], 'grid_worker')).toBe(true)
  })

  it('lets staff, grid workers and counter operators grant nothing', () => {
    expect(grantableRoles(['community_staff', 'grid_worker', 'counter_operator'])).toEqual([])
    expect(mayRevoke(['community_staff'], 'counter_operator')).toBe(false)
  })
})

describe('the units a role may be granted on, within the chosen unit', () => {
  it('offers community roles on communities below the chosen unit, in tree order', () => {
    expect(unitsForRole('community_staff', district, units).map((u) => u.id)).toEqual(['fx', 'xbj'])
    expect(unitsForRole('community_staff', community, units).map((u) => u.id)).toEqual(['xbj'])
  })

  it('offers a grid worker the community and its grids, a district admin the district and towns', () => {
    expect(unitsForRole('grid_worker', community, units).map((u) => u.id)).toEqual(['xbj', 'grid1'])
    expect(unitsForRole('district_admin', district, units).map((u) => u.id)).toEqual(['district', 'town'])
    expect(unitsForRole('district_admin', community, units)).toEqual([])
  })

  it('offers nothing before a unit is chosen', () => {
    expect(unitsForRole('community_staff', null, units)).toEqual([])
  })
})

describe('verification review', () => {
  it('wants a reason of 1–200 characters once trimmed, as the API does', () => {
    expect(reasonError('   ')).toBe('请填写不通过的理由')
    expect(reasonError('x'.repeat(201))).toBe('理由最多 200 个字')
    expect(reasonError(` ${'x'.repeat(200)} `)).toBe('')
  })

  it('names each status in Chinese with its colour', () => {
    expect(verificationLabel('pending')).toBe('待审核')
    expect(verificationTag('rejected')).toBe('danger')
    expect(verificationLabel('odd')).toBe('odd')
  })

  it('sends a search trimmed to the 32 characters the API takes, or none', () => {
    expect(searchTerm('  ')).toBeUndefined()
    expect(searchTerm(' 1234 ')).toBe('1234')
    expect(searchTerm('x'.repeat(40))).toHaveLength(32)
  })
})

describe('households', () => {
  const members = [
    { id: 'a', name: '周*' },
    { id: 'h', name: '周*富' },
  ]

  it('lets the head leave last', () => {
    expect(mayRemoveMember('h', members, 'a')).toBe(true)
    expect(mayRemoveMember('h', members, 'h')).toBe(false)
    expect(mayRemoveMember('h', [members[1]], 'h')).toBe(true)
  })

  it('lists the head first', () => {
    expect(headFirst('h', members).map((m) => m.id)).toEqual(['h', 'a'])
  })
})
