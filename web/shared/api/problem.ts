// problem+json (RFC 9457) as the platform answers it, turned into a message a person reads.
// Shared by the residents' app and the staff console.

export interface FieldError {
  field: string
  message: string
}

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  field?: string
  errors?: Array<{ field?: string; message?: string }>
  [key: string]: unknown
}

// Field names as residents know them. Unknown fields fall back to the name the API uses.
const FIELD_NAMES: Record<string, string> = {
  phone: '手机号',
  password: '密码',
  name: '姓名',
  code: '验证码',
  id_number: '身份证号',
  community_id: '所在社区',
  text: '内容',
  title: '标题',
  category_id: '类别',
  quantity: '数量',
  counter_id: '兑换点',
  item_id: '商品',
  address: '地址',
  rating: '评价',
  reason: '理由',
}

const STATUS_MESSAGES: Record<number, string> = {
  400: '请求有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限进行此操作',
  404: '内容不存在或已删除',
  409: '操作与当前状态冲突，请刷新后重试',
  413: '文件太大',
  422: '填写的内容有误',
  429: '操作太频繁，请稍后再试',
  500: '服务暂时不可用，请稍后再试',
  502: '服务暂时不可用，请稍后再试',
  503: '服务繁忙，请稍后再试',
  504: '服务响应超时，请稍后再试',
}

/** An app adds the names its own forms use (the console's staff fields, say). */
export function registerFieldNames(names: Record<string, string>): void {
  Object.assign(FIELD_NAMES, names)
}

export function fieldLabel(field: string): string {
  return FIELD_NAMES[field] ?? field
}

// The validator's English messages, as a resident would read them.
const MESSAGES: Array<[RegExp, string]> = [
  [/^Field required/i, '必填'],
  [/at least (\d+) characters?/i, '至少 $1 个字'],
  [/at most (\d+) characters?/i, '最多 $1 个字'],
  [/should match pattern|not a valid|invalid/i, '格式不正确'],
  [/greater than or equal to (\S+)/i, '不能小于 $1'],
  [/less than or equal to (\S+)/i, '不能大于 $1'],
  [/valid integer|valid number/i, '请填写数字'],
  [/valid UUID/i, '请重新选择'],
]

export function translate(message: string): string {
  for (const [pattern, text] of MESSAGES) {
    const m = message.match(pattern)
    if (m) return text.replace('$1', m[1] ?? '')
  }
  return message
}

/** The field errors of a problem: `[{field, message}]`, nested fields named by their last part
 * that is not an index (`photos.0` → `photos`). A domain error names one `field`. */
export function fieldErrors(problem: Problem | undefined): FieldError[] {
  if (!problem) return []
  const named = (field: string) =>
    field.split('.').filter((part) => !/^\d+$/.test(part)).slice(-1)[0] ?? ''
  if (Array.isArray(problem.errors) && problem.errors.length) {
    return problem.errors.map((e) => ({
      field: named(e.field ?? ''),
      message: translate(e.message ?? ''),
    }))
  }
  if (problem.field) {
    return [{ field: named(problem.field), message: problem.detail ?? problem.title ?? '' }]
  }
  return []
}

/** One line for a toast: the first field error with its label, else the detail or title. */
export function friendlyMessage(status: number, problem?: Problem): string {
  const errors = Array.isArray(problem?.errors) ? fieldErrors(problem) : []
  if (errors.length) {
    const first = errors[0]
    const label = first.field ? fieldLabel(first.field) : ''
    return label ? `${label}：${first.message || '填写有误'}` : first.message || '填写的内容有误'
  }
  if (problem?.detail && typeof problem.detail === 'string') return problem.detail
  if (problem?.title && status < 500) return problem.title
  return STATUS_MESSAGES[status] ?? (status >= 500 ? STATUS_MESSAGES[500] : '请求失败')
}

export class ApiError extends Error {
  readonly status: number
  readonly problem?: Problem
  readonly fields: FieldError[]

  constructor(status: number, problem?: Problem) {
    super(friendlyMessage(status, problem))
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.fields = fieldErrors(problem)
  }

  /** The message for one form field, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message
  }
}
