// Dates as staff in Dazhou read them (Asia/Shanghai, whatever the desk computer's zone), points
// as integers.
const ZONE = 'Asia/Shanghai'

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
const dateOnly = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

function parts(format: Intl.DateTimeFormat, value: Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(value).map((p) => [p.type, p.value]))
}

/** `2026-11-30 10:05` in Beijing time; '' for nothing. */
export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return ''
  const p = parts(dateTime, new Date(value))
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}

/** `2026-11-30`: a calendar date as given (`YYYY-MM-DD`), or an instant's Beijing date. */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return ''
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const p = parts(dateOnly, new Date(value))
  return `${p.year}-${p.month}-${p.day}`
}

/** Today's date in Beijing, `YYYY-MM-DD` (the day a points list takes effect, a report's end). */
export function todayInBeijing(now: Date = new Date()): string {
  return formatDate(now)
}

/** A Beijing wall-clock time (`YYYY-MM-DD HH:mm[:ss]`, as a date picker gives it) as UTC ISO. */
export function beijingToUtcIso(local: string): string {
  const m = local.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/)
  if (!m) throw new Error(`not a date: ${local}`)
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m
  const utc = Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s)
  return new Date(utc).toISOString()
}

export function formatPoints(points: number): string {
  return points.toLocaleString('zh-CN')
}

export function formatDelta(points: number): string {
  return points > 0 ? `+${formatPoints(points)}` : formatPoints(points)
}
