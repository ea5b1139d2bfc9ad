// Account screens' rules (sign-in, registration, verification, home entries): no I/O, unit-tested.
import { ApiError } from '../api/problem'

export type FieldErrors = Record<string, string>

const PHONE = /^1\d{10}$/
const ID_NUMBER = /^\d{17}[\dX]$/
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

export function phoneError(phone: string): string {
  if (!phone.trim()) return '请输入手机号'
  return PHONE.test(phone.trim()) ? '' : '手机号应为 11 位数字'
}

/** The checks the app can make before asking identity, which makes them again. */
export function loginErrors(mode: 'password' | 'sms', phone: string, secret: string): FieldErrors {
  const errors: FieldErrors = {}
  const p = phoneError(phone)
  if (p) errors.phone = p
  if (mode === 'password' && !secret) errors.password = '请输入密码'
  if (mode === 'sms' && !/^\d{6}$/.test(secret.trim())) errors.code = '请输入 6 位验证码'
  return errors
}

export interface Registration {
  phone: string
  password: string
  name: string
  community_id: string
}

export function registrationErrors(form: Registration): FieldErrors {
  const errors: FieldErrors = {}
  const p = phoneError(form.phone)
  if (p) errors.phone = p
  if (form.password.length < 8) errors.password = '密码至少 8 位'
  else if (form.password.length > 72) errors.password = '密码最多 72 位'
  if (!form.name.trim()) errors.name = '请输入姓名'
  else if (form.name.trim().length > 32) errors.name = '姓名最多 32 个字'
  if (!form.community_id) errors.community_id = '请选择所在社区'
  return errors
}

/** GB 11643: 18 characters, a real birth date, the check character. '' when it looks right. */
export function idNumberError(raw: string, today: Date = new Date()): string {
  const value = raw.trim().toUpperCase()
  if (!ID_NUMBER.test(value)) return '身份证号应为 18 位'
  const [y, m, d] = [value.slice(6, 10), value.slice(10, 12), value.slice(12, 14)].map(Number)
  const born = new Date(Date.UTC(y, m - 1, d))
  const real = born.getUTCFullYear() === y && born.getUTCMonth() === m - 1 && born.getUTCDate() === d
  if (!real || y < 1900 || born.getTime() > today.getTime()) return '身份证号中的出生日期无效'
  const total = ID_WEIGHTS.reduce((sum, w, i) => sum + Number(value[i]) * w, 0)
  return ID_CHECK[total % 11] === value[17] ? '' : '身份证号校验位不正确'
}

export function verificationErrors(realName: string, idNumber: string): FieldErrors {
  const errors: FieldErrors = {}
  if (!realName.trim()) errors.real_name = '请输入真实姓名'
  const id = idNumberError(idNumber)
  if (id) errors.id_number = id
  return errors
}

/** An API error as {field: message}; errors naming no field are left to the page line. */
export function apiFieldErrors(error: unknown): FieldErrors {
  const errors: FieldErrors = {}
  if (error instanceof ApiError) for (const f of error.fields) if (f.field) errors[f.field] = f.message
  return errors
}

export interface VerificationView {
  label: string
  tone: 'ok' | 'warn' | 'muted'
  /** The form is offered: never submitted, or rejected and may be resubmitted. */
  canSubmit: boolean
}

const VERIFICATION: Record<string, VerificationView> = {
  unverified: { label: '未实名认证', tone: 'muted', canSubmit: true },
  pending: { label: '审核中', tone: 'warn', canSubmit: false },
  verified: { label: '已认证', tone: 'ok', canSubmit: false },
  rejected: { label: '未通过', tone: 'warn', canSubmit: true },
}

export function verificationView(status: string | undefined | null): VerificationView {
  return VERIFICATION[status ?? ''] ?? { label: '状态未知', tone: 'muted', canSubmit: false }
}

/** The tab bar's pages (pages.json `tabBar`): reached with switchTab, the rest navigateTo. */
export const TAB_PAGES = [
  'pages/home/index',
  'pages/points/index',
  'pages/petitions/index',
  'pages/mall/index',
  'pages/me/index',
]

export function isTab(url: string): boolean {
  const path = url.replace(/^\//, '').split('?')[0]
  return TAB_PAGES.includes(path)
}

export interface Entry {
  label: string
  url: string
  icon: string
  testid: string
}

/** The home screen's grid of ways into the app's other areas. */
export const HOME_ENTRIES: Entry[] = [
  { label: '我的积分', url: '/pages/points/index', icon: '积', testid: 'entry-points' },
  { label: '红榜', url: '/pages/points/redlist', icon: '榜', testid: 'entry-redlist' },
  { label: '积分清单', url: '/pages/points/rules', icon: '单', testid: 'entry-rules' },
  { label: '积分申报', url: '/pages/points/claims', icon: '报', testid: 'entry-claims' },
  { label: '村务公开', url: '/pages/notices/index', icon: '公', testid: 'entry-notices' },
  { label: '社区活动', url: '/pages/activities/index', icon: '活', testid: 'entry-activities' },
  { label: '消息', url: '/pages/messages/index', icon: '信', testid: 'entry-messages' },
  { label: '会员码', url: '/pages/mall/member-code', icon: '码', testid: 'entry-member-code' },
]

/** Open a page of the app, whether or not it sits on the tab bar. */
export function openPage(url: string): void {
  if (isTab(url)) uni.switchTab({ url: url.split('?')[0] })
  else uni.navigateTo({ url })
}
