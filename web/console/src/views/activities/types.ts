// What the activities API answers, as the screens of this area read it.
import type { ActivityStatus, ParticipantStatus } from '@/utils/activities'

export interface Activity {
  id: string
  community_id: string
  title: string
  description: string
  place: string
  activity_type: string
  item_code: string | null
  capacity: number
  starts_at: string
  ends_at: string
  signup_closes_at: string | null
  status: ActivityStatus
  confirmed: number
  waiting: number
  checked_in: number
  completed_at: string | null
}

export interface Participant {
  resident_id: string
  name: string | null
  status: ParticipantStatus
  seq: number
  checked_in_at: string | null
  checked_out_at: string | null
  hours: number | null
}
