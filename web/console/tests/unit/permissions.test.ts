import { describe, expect, it } from 'vitest'
import { can, canVisit, MENU, menusFor, rolesFor } from '@/permissions'

const paths = (roles: Parameters<typeof menusFor>[0]) =>
  menusFor(roles).flatMap((g) => g.items.map((i) => i.path))

describe('menus follow roles', () => {
  it('gives a counter operator only the counter screens', () => {
    expect(menusFor(['counter_operator']).map((g) => g.key)).toEqual(['mall'])
    expect(paths(['counter_operator'])).toEqual(['/mall/pickup', '/mall/redeem', '/mall/orders', '/mall/reconciliation'])
  })

  it('keeps staff roles for administrators; the points list for managers, not grid workers', () => {
    expect(paths(['community_staff'])).not.toContain('/staff-roles')
    expect(paths(['community_admin'])).toContain('/staff-roles')
    expect(paths(['community_staff'])).toContain('/points/rules')
    expect(paths(['grid_worker'])).not.toContain('/points/rules')
  })

  it('opens the partners screen to district administrators alone', () => {
    expect(paths(['community_admin'])).not.toContain('/partners')
    expect(paths(['district_admin'])).toContain('/partners')
  })

  it('gives a grid worker the petitions workbench but not the dashboard or adjustments', () => {
    const grid = paths(['grid_worker'])
    expect(grid).toContain('/petitions')
    expect(grid).not.toContain('/petitions/dashboard')
    expect(grid).not.toContain('/points/adjustments')
  })

  it('drops empty groups and gives nothing to no roles', () => {
    expect(menusFor([])).toEqual([])
    for (const group of menusFor(['grid_worker'])) expect(group.items.length).toBeGreaterThan(0)
  })

  it('offers every menu path to a district administrator', () => {
    expect(paths(['district_admin'])).toEqual(MENU.flatMap((g) => g.items.map((i) => i.path)))
  })
})

describe('guarding screens', () => {
  it('matches the longest menu path a screen sits under', () => {
    expect(rolesFor('/residents/verifications')).toEqual(['district_admin', 'community_admin', 'community_staff'])
    expect(rolesFor('/residents/abc')).toContain('grid_worker')
    expect(rolesFor('/petitions/dashboard')).not.toContain('grid_worker')
    expect(rolesFor('/petitions/123')).toContain('grid_worker')
    expect(rolesFor('/')).toBeNull()
  })

  it('refuses a screen the roles do not open and allows open ones', () => {
    expect(canVisit('/points/rules', ['grid_worker'])).toBe(false)
    expect(canVisit('/points/rules/new', ['community_admin'])).toBe(true)
    expect(canVisit('/', ['counter_operator'])).toBe(true)
    expect(canVisit('/mall/pickup', ['grid_worker'])).toBe(false)
    expect(canVisit('/pointsx', ['grid_worker'])).toBe(true) // not under /points: no menu entry
  })

  it('checks one action against its roles', () => {
    expect(can(['community_staff'], ['community_admin'])).toBe(false)
    expect(can(['community_staff', 'grid_worker'], ['grid_worker'])).toBe(true)
  })
})
