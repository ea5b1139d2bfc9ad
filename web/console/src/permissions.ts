// Which screens a person's roles on the chosen unit open. The services enforce every rule; the
// console only refrains from offering what they would refuse. Role sets mirror the services'
// own (identity people/rules.py, points deps, petitions/notices/mall deps).

export type Role =
  | 'district_admin'
  | 'community_admin'
  | 'community_staff'
  | 'grid_worker'
  | 'counter_operator'

export const ROLE_NAMES: Record<Role, string> = {
  district_admin: '区管理员',
  community_admin: '社区管理员',
  community_staff: '社区工作人员',
  grid_worker: '网格员',
  counter_operator: '兑换点操作员',
}

const ADMINS: Role[] = ['district_admin', 'community_admin']
const MANAGERS: Role[] = [...ADMINS, 'community_staff']
const WITH_GRID: Role[] = [...MANAGERS, 'grid_worker']
const COUNTER: Role[] = [...MANAGERS, 'counter_operator']

export interface MenuItem {
  path: string
  title: string
  roles: Role[]
}

export interface MenuGroup {
  key: string
  title: string
  items: MenuItem[]
}

export const MENU: MenuGroup[] = [
  {
    key: 'residents',
    title: '居民管理',
    items: [
      { path: '/residents/verifications', title: '实名审核', roles: MANAGERS },
      { path: '/residents', title: '居民名册', roles: WITH_GRID },
      { path: '/households', title: '家庭户', roles: WITH_GRID },
      { path: '/staff-roles', title: '工作人员', roles: ADMINS },
    ],
  },
  {
    key: 'points',
    title: '积分管理',
    items: [
      { path: '/points/rules', title: '积分清单', roles: MANAGERS },
      { path: '/points/adjustments', title: '积分调整', roles: MANAGERS },
      { path: '/points/claims', title: '积分申报审核', roles: MANAGERS },
      { path: '/points/publicity', title: '公示与异议', roles: MANAGERS },
      { path: '/points/unmatched', title: '未匹配志愿活动', roles: MANAGERS },
      { path: '/points/reversals', title: '积分冲正', roles: MANAGERS },
      { path: '/points/red-lists', title: '红榜', roles: WITH_GRID },
    ],
  },
  {
    key: 'petitions',
    title: '村民说事',
    items: [
      { path: '/petitions', title: '办理工作台', roles: WITH_GRID },
      { path: '/petitions/dashboard', title: '办理统计', roles: MANAGERS },
    ],
  },
  {
    key: 'notices',
    title: '村务公开',
    items: [{ path: '/notices', title: '公告管理', roles: WITH_GRID }],
  },
  {
    key: 'activities',
    title: '活动',
    items: [{ path: '/activities', title: '活动管理', roles: MANAGERS }],
  },
  {
    key: 'mall',
    title: '积分超市',
    items: [
      { path: '/mall/pickup', title: '取货核销', roles: COUNTER },
      { path: '/mall/redeem', title: '柜台兑换', roles: COUNTER },
      { path: '/mall/orders', title: '订单', roles: COUNTER },
      { path: '/mall/items', title: '商品与库存', roles: MANAGERS },
      { path: '/mall/counters', title: '兑换点', roles: MANAGERS },
      { path: '/mall/reconciliation', title: '对账', roles: COUNTER },
    ],
  },
  {
    key: 'partners',
    title: '合作平台',
    items: [{ path: '/partners', title: '志愿平台密钥', roles: ['district_admin'] }],
  },
]

/** The menu a set of roles opens: groups with at least one item, items any role allows. */
export function menusFor(roles: readonly Role[]): MenuGroup[] {
  return MENU.map((group) => ({
    ...group,
    items: group.items.filter((item) => item.roles.some((r) => roles.includes(r))),
  })).filter((group) => group.items.length > 0)
}

/** The roles a screen needs: its own menu entry's, or the longest menu path it sits under. */
export function rolesFor(path: string): Role[] | null {
  let best: MenuItem | null = null
  for (const item of MENU.flatMap((g) => g.items)) {
    const under = path === item.path || path.startsWith(`${item.path}/`)
    if (under && (!best || item.path.length > best.path.length)) best = item
  }
  return best ? best.roles : null
}

/** May these roles open this path? Paths outside the menu (home, sign-in) are open to staff. */
export function canVisit(path: string, roles: readonly Role[]): boolean {
  const needed = rolesFor(path)
  return needed === null || needed.some((r) => roles.includes(r))
}

/** May these roles do this one action (a button on a screen)? */
export function can(roles: readonly Role[], allowed: readonly Role[]): boolean {
  return allowed.some((r) => roles.includes(r))
}

export const ROLE_SETS = { ADMINS, MANAGERS, WITH_GRID, COUNTER }
