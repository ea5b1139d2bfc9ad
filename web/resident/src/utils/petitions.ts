// 村民说事: the words residents read for a petition's states and timeline, which actions the
// resident may take (the service's `allowed_actions`, never guessed), and the body of a new one.
// Mirrors services/petitions/cases/rules.py; pure, unit-tested.

export const MAX_PHOTOS = 9
export const HAPPY_RATING = 3 // 3–5 closes; 1–2 reopens while reopens remain
export const MAX_REOPENS = 2

export type PetitionStatus =
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'cancelled'
  | 'assigned'
  | 'in_progress'
  | 'resolved'
  | 'reopened'
  | 'closed'

export const STATUS_LABELS: Record<PetitionStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  rejected: '不予受理',
  cancelled: '已撤回',
  assigned: '已指派',
  in_progress: '办理中',
  resolved: '已办结待评价',
  reopened: '重新办理',
  closed: '已关闭',
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as PetitionStatus] ?? status
}

/** Finished one way or another: nothing more will happen. */
export function isFinished(status: string): boolean {
  return status === 'closed' || status === 'rejected' || status === 'cancelled'
}

export interface TimelineEntry {
  id: string
  at: string
  kind: string
  public: boolean
  actor_role: string
  action: string | null
  from_status: string | null
  to_status: string | null
  text: string | null
  progress: number | null
  attachment_ids: string[]
}

const ACTION_LABELS: Record<string, string> = {
  submit: '提出诉求',
  accept: '已受理',
  reject: '不予受理',
  cancel: '提出人撤回',
  assign: '已指派承办',
  start: '开始办理',
  resolve: '已办结',
  reopen: '重新办理',
  close: '提出人确认办结',
  rate: '评价后办结',
}

const KIND_LABELS: Record<string, string> = {
  progress: '办理进展',
  reply: '办结答复',
  rating: '居民评价',
  adoption: '建议被采纳',
  note: '内部备注',
}

const ROLE_LABELS: Record<string, string> = {
  author: '提出人',
  staff: '工作人员',
  manager: '工作人员',
  assignee: '承办人',
  system: '系统',
  partner: '外部渠道',
}

/** The headline of one timeline entry, e.g. "已受理", "办理进展 60%", "提出诉求". */
export function timelineLabel(entry: TimelineEntry): string {
  if (entry.kind === 'status') {
    if (entry.action && ACTION_LABELS[entry.action]) return ACTION_LABELS[entry.action]
    if (entry.to_status) return statusLabel(entry.to_status)
    return '状态变更'
  }
  if (entry.kind === 'progress' && entry.progress !== null && entry.progress !== undefined) {
    return `${KIND_LABELS.progress} ${entry.progress}%`
  }
  return KIND_LABELS[entry.kind] ?? entry.kind
}

export function actorLabel(role: string): string {
  return ROLE_LABELS[role] ?? ''
}

/** What the resident can do on their own petition, in the order the screen shows it. */
export type ResidentAction = 'rate' | 'close' | 'reopen' | 'cancel'
const RESIDENT_ACTIONS: ResidentAction[] = ['rate', 'close', 'reopen', 'cancel']

export function residentActions(allowed: readonly string[] | null | undefined): ResidentAction[] {
  const given = new Set(allowed ?? [])
  return RESIDENT_ACTIONS.filter((a) => given.has(a))
}

/** What a rating will do: 3–5 closes; 1–2 reopens while the author has reopens left. */
export function ratingOutcome(rating: number, reopenCount: number): 'close' | 'reopen' {
  return rating < HAPPY_RATING && reopenCount < MAX_REOPENS ? 'reopen' : 'close'
}

export function ratingHint(rating: number, reopenCount: number): string {
  if (!rating) return '请选择 1–5 分'
  return ratingOutcome(rating, reopenCount) === 'reopen'
    ? `${rating} 分：不满意，将重新办理`
    : `${rating} 分：满意，事项将关闭`
}

/** Support (附议) is open to neighbours from acceptance until the matter is closed. */
export const SUPPORTABLE = ['accepted', 'assigned', 'in_progress', 'resolved', 'reopened']

export function canSupport(status: string): boolean {
  return SUPPORTABLE.includes(status)
}

export interface PetitionForm {
  categoryId: string
  title: string
  content: string
  address: string
  lat: number | null
  long: number | null
  visibility: 'public' | 'private'
  anonymousOnBoard: boolean
}

export interface PetitionBody {
  community_id: string
  category_id: string
  title: string
  content: string
  location: { lat?: number; long?: number; address?: string }
  visibility: 'public' | 'private'
  anonymous_on_board: boolean
}

/** Six decimal places, as the service stores them. */
const six = (n: number) => Math.round(n * 1e6) / 1e6

/** The body of POST /api/petitions, or the first problem per field (Chinese, as shown). */
export function petitionBody(
  form: PetitionForm,
  communityId: string | null | undefined,
): { body: PetitionBody | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const title = form.title.trim()
  const content = form.content.trim()
  const address = form.address.trim()
  const located = form.lat !== null && form.long !== null
  if (!communityId) errors.community_id = '请先选择所在社区'
  if (!form.categoryId) errors.category_id = '请选择事项类别'
  if (!title) errors.title = '请填写标题'
  else if (title.length > 100) errors.title = '标题不超过 100 字'
  if (!content) errors.content = '请描述您要反映的事'
  else if (content.length > 4000) errors.content = '内容不超过 4000 字'
  if (!located && !address) errors.location = '请获取定位或填写地址'
  else if (address.length > 200) errors.location = '地址不超过 200 字'
  if (Object.keys(errors).length) return { body: null, errors }
  const location: PetitionBody['location'] = {}
  if (located) {
    location.lat = six(form.lat as number)
    location.long = six(form.long as number)
  }
  if (address) location.address = address
  return {
    body: {
      community_id: communityId as string,
      category_id: form.categoryId,
      title,
      content,
      location,
      visibility: form.visibility,
      anonymous_on_board: form.visibility === 'public' && form.anonymousOnBoard,
    },
    errors,
  }
}

/** How many more photos may be picked. */
export function photosLeft(picked: number): number {
  return Math.max(0, MAX_PHOTOS - picked)
}

export interface AttachmentRef {
  id: string
  content_type: string
  url: string
}

/** The petition's own photos: those no timeline entry shows (entries carry their own). */
export function ownPhotos(attachments: AttachmentRef[], timeline: TimelineEntry[]): AttachmentRef[] {
  const inEntries = new Set(timeline.flatMap((e) => e.attachment_ids))
  return attachments.filter((a) => !inEntries.has(a.id))
}
