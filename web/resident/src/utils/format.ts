// Formatting for residents: points as integers, times in Beijing time, personal data masked.
// Plain arithmetic rather than Intl time zones: the mini-program's JS engines differ in Intl
// support, and China keeps UTC+8 all year.

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** 12345 → "12,345". Points are whole numbers; anything else is shown as given. */
export function formatPoints(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  const sign = value < 0 ? '-' : ''
  const digits = String(Math.trunc(Math.abs(value)))
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** A change of balance: "+5", "-3", "0". */
export function formatDelta(value: number): string {
  return value > 0 ? `+${formatPoints(value)}` : formatPoints(value)
}

function parts(iso: string | Date): number[] | null {
  const at = iso instanceof Date ? iso : new Date(iso)
  if (Number.isNaN(at.getTime())) return null
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS)
  return [
    local.getUTCFullYear(),
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
  ]
}

const two = (n: number) => String(n).padStart(2, '0')

/** "2026-11-30 07:31" in Beijing time, whatever the device's zone. */
export function formatTime(iso: string | Date | null | undefined): string {
  if (!iso) return ''
  const p = parts(iso)
  if (!p) return ''
  return `${p[0]}-${two(p[1])}-${two(p[2])} ${two(p[3])}:${two(p[4])}`
}

/** "2026-11-30" in Beijing time (a date-only string is returned as is). */
export function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return ''
  if (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  const p = parts(iso)
  return p ? `${p[0]}-${two(p[1])}-${two(p[2])}` : ''
}

/** "刚刚", "5 分钟前", "3 小时前", else the date and time. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return ''
  const at = new Date(iso)
  const seconds = Math.floor((now.getTime() - at.getTime()) / 1000)
  if (Number.isNaN(seconds)) return ''
  if (seconds < 60 && seconds > -60) return '刚刚'
  if (seconds > 0 && seconds < 3600) return `${Math.floor(seconds / 60)} 分钟前`
  if (seconds > 0 && seconds < 86400) return `${Math.floor(seconds / 3600)} 小时前`
  return formatTime(at)
}

/** 13812345678 → "138****5678". */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return ''
  const digits = phone.replace(/\s/g, '')
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****'
}

/** An ID number keeps its first and last characters only: "5****************X". */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return ''
  const value = id.trim()
  if (value.length < 8) return '*'.repeat(value.length)
  return `${value[0]}${'*'.repeat(value.length - 2)}${value[value.length - 1]}`
}

/** 张三 → "张*", 欧阳娜娜 → "欧**娜". */
export function maskName(name: string | null | undefined): string {
  if (!name) return ''
  const chars = Array.from(name.trim())
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}
