// What identity answers on the residents' screens (services/identity/*/schemas.py).
import type { Role } from '@/permissions'

export interface ReviewItem {
  id: string
  name: string
  phone: string
  community_id: string | null
  grid_id: string | null
  household_id: string | null
  verification_status: string
  rejection_reason: string | null
  id_number: string | null
  real_name: string | null
  id_number_conflict: boolean
  disabled: boolean
}

export interface StaffGrant {
  id: string
  person_id: string
  role: Role
  unit_id: string
  person_name: string
  phone: string
  unit_name: string
  unit_path: string
  granted_at: string
  person_disabled: boolean
}

export interface HouseholdSummary {
  id: string
  community_id: string
  head_id: string
  head_name: string
  address: string | null
  member_count: number
  created_at: string
}

export interface Household {
  id: string
  community_id: string
  head_id: string
  address: string | null
  members: Array<{ id: string; name: string }>
}
