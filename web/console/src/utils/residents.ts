// Pure rules of the residents' and partners' screens, mirroring identity's own (people/rules.py,
// roles/rules.py, households/rules.py): the API is the guard, these keep the console from
// offering what it would refuse.
import type { Role } from '@/permissions'
import type { OrgUnit } from '@/store/session'
import { within } from '@/store/session'

export type VerificationStatus = 'unverified' | 'pending' | 'verified' | 'rejected'

export const VERIFICATION_LABELS: Record<VerificationStatus, string> = {
  unverified: '未认证',
  pending: '待审核',
  verified: '已认证',
  rejected: '未通过',
}

type TagType = 'info' | 'warning' | 'success' | 'danger'
const VERIFICATION_TAGS: Record<VerificationStatus, TagType> = {
  unverified: 'info',
  pending: 'warning',
  verified: 'success',
  rejected: 'danger',
}

export function verificationLabel(status: string): string {
  return VERIFICATION_LABELS[status as VerificationStatus] ?? status
}

export function verificationTag(status: string): TagType {
  return VERIFICATION_TAGS[status as VerificationStatus] ?? 'info'
}

/** A rejection reason as the API takes it (1–200 characters once trimmed): '' when fine. */
export const REASON_MAX = 200
export function reasonError(reason: string): string {
  const trimmed = reason.trim()
  if (!trimmed) return '请填写不通过的理由'
  if (trimmed.length > REASON_MAX) return `理由最多 ${REASON_MAX} 个字`
  return ''
}

/** A search as the residents list takes it: a name's start or a phone's last digits, ≤ 32. */
export const SEARCH_MAX = 32
export function searchTerm(raw: string): string | undefined {
  const trimmed = raw.trim().slice(0, SEARCH_MAX)
  return trimmed || undefined
}

// role → unit kinds it may be held on (roles/rules.py ROLE_UNIT_KINDS)
export const ROLE_UNIT_KINDS: Record<Role, OrgUnit['kind'][]> = {
  district_admin: ['district', 'town'],
  community_admin: ['community'],
  community_staff: ['community'],
  grid_worker: ['community', 'grid'],
  counter_operator: ['community'],
}

const ALL_ROLES: Role[] = [
  'district_admin',
  'community_admin',
  'community_staff',
  'grid_worker',
  'counter_operator',
]
export const COMMUNITY_ADMIN_GRANTS: Role[] = ['community_staff', 'grid_worker', 'counter_operator']

/** The roles a caller with `roles` on the chosen unit may grant there and below it:
 *  a district admin any, a community admin the staff roles, anyone else none. */
export function grantableRoles(roles: readonly Role[]): Role[] {
  if (roles.includes('district_admin')) return [...ALL_ROLES]
  if (roles.includes('community_admin')) return [...COMMUNITY_ADMIN_GRANTS]
  return []
}

/** May a caller with `roles` on the chosen unit revoke a grant of `role` within it? */
export function mayRevoke(roles: readonly Role[], role: Role): boolean {
  return grantableRoles(roles).includes(role)
}

/** The units a role may be granted on: the chosen unit and those below it, of the kinds the
 *  role is held on, in tree order. */
export function unitsForRole(role: Role, chosen: OrgUnit | null, units: OrgUnit[]): OrgUnit[] {
  if (!chosen) return []
  const kinds = ROLE_UNIT_KINDS[role]
  return units
    .filter((u) => within(u.path, chosen.path) && kinds.includes(u.kind))
    .sort((a, b) => a.path.localeCompare(b.path))
}

export interface HouseholdMember {
  id: string
  name: string
}

/** The head leaves last (households/rules.py head_may_leave): anyone else may be removed. */
export function mayRemoveMember(headId: string, members: HouseholdMember[], memberId: string): boolean {
  return memberId !== headId || members.length <= 1
}

/** Members with the head first, as staff read a household. */
export function headFirst(headId: string, members: HouseholdMember[]): HouseholdMember[] {
  return [...members].sort((a, b) => Number(b.id === headId) - Number(a.id === headId))
}
