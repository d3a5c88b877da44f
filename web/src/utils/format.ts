// Formatting of dates, numbers and money in the UI language.
// Chinese formats: 2026年11月23日, 2026年11月23日 14:05, 1,234, ¥1,234.56, 66.53万, 1.2亿.
// Times and calendar days are those of the business time zone whatever the device's: the server's
// --time-zone (Asia/Shanghai, Beijing time, by default: every office that uses Jiceng works on it,
// Tibet included). All the arithmetic goes through Intl's timeZone option, never a fixed offset.

export type FormatLocale = 'zh-CN' | 'en'

/** The server's default business time zone (serve --time-zone). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

let businessZone = DEFAULT_TIME_ZONE

/** The business time zone the client works in (an IANA name). */
export function businessTimeZone(): string {
  return businessZone
}

/**
 * Sets the business time zone (the server's, when a reply says it); empty or unknown to Intl
 * leaves it as it is. Returns whether it was taken.
 */
export function setBusinessTimeZone(zone: string | null | undefined): boolean {
  if (!zone) return false
  try {
    partsFormatter(zone)
  } catch {
    return false
  }
  businessZone = zone
  return true
}

type DateInput = string | number | Date | null | undefined

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') return null
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

interface Parts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone (making one is slow); throws RangeError for a zone Intl does not know. */
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
    formatters.set(zone, f)
  }
  return f
}

/** The calendar fields of `d` in `zone` (the business time zone by default). */
export function businessParts(d: Date, zone: string = businessZone): Parts {
  const out: Record<string, number> = {}
  for (const p of partsFormatter(zone).formatToParts(d)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value)
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour === 24 ? 0 : out.hour,
    minute: out.minute,
    second: out.second,
  }
}

/** How far `zone`'s wall clock is ahead of UTC at `instant` (ms since the epoch, whole seconds). */
function zoneOffsetMs(instant: number, zone: string): number {
  const p = businessParts(new Date(instant), zone)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - instant
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad2 = (n: number) => String(n).padStart(2, '0')

/** 2026年11月23日 / 23 Nov 2026; '' for a missing or invalid date. */
export function formatDate(value: DateInput, locale: FormatLocale = 'zh-CN'): string {
  const d = toDate(value)
  if (!d) return ''
  const p = businessParts(d)
  return locale === 'zh-CN' ? `${p.year}年${p.month}月${p.day}日` : `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`
}

/** 2026年11月23日 14:05 / 23 Nov 2026, 14:05 */
export function formatDateTime(value: DateInput, locale: FormatLocale = 'zh-CN'): string {
  const d = toDate(value)
  if (!d) return ''
  const p = businessParts(d)
  const time = `${pad2(p.hour)}:${pad2(p.minute)}`
  return locale === 'zh-CN' ? `${formatDate(d, locale)} ${time}` : `${formatDate(d, locale)}, ${time}`
}

/** 2026-11-23: the form the API's from/to filters take (a calendar day in the business time zone). */
export function toIsoDay(value: DateInput): string {
  const d = toDate(value)
  if (!d) return ''
  const p = businessParts(d)
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`
}

/** "3 分钟前" / "3 minutes ago", relative to `now`; falls back to the date past a week. */
export function formatRelative(value: DateInput, locale: FormatLocale = 'zh-CN', now: Date = new Date()): string {
  const d = toDate(value)
  if (!d) return ''
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 45) return locale === 'zh-CN' ? '刚刚' : 'just now'
  const rtf = new Intl.RelativeTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en', { numeric: 'auto' })
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), 'day')
  return formatDateTime(d, locale)
}

/** Groups thousands: 665,276 (both languages group by three). */
export function formatNumber(value: number | null | undefined, fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  const negative = value < 0
  const fixed = roundTo(Math.abs(value), fractionDigits)
  const [whole, frac] = fixed.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const sign = negative && Number(fixed) !== 0 ? '-' : ''
  return sign + grouped + (frac ? `.${frac}` : '')
}

/** Rounds half away from zero on the decimal value (3.755 -> 3.76, where toFixed gives 3.75). */
function roundTo(value: number, digits: number): string {
  const shifted = Math.round(Number(`${Math.abs(value)}e${digits}`))
  const rounded = Number(`${shifted}e-${digits}`)
  return (value < 0 ? -rounded : rounded).toFixed(digits)
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/**
 * Large counts the way they are read aloud: zh 66.53万, 1.2亿 (below 10,000: 9,999);
 * en 665.3K, 1.2M. At most `digits` decimals, trailing zeros dropped.
 */
export function formatCompact(value: number | null | undefined, locale: FormatLocale = 'zh-CN', digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(value)
  const steps: Array<[number, string]> =
    locale === 'zh-CN'
      ? [
          [1e8, '亿'],
          [1e4, '万'],
        ]
      : [
          [1e9, 'B'],
          [1e6, 'M'],
          [1e3, 'K'],
        ]
  for (const [size, suffix] of steps) {
    if (abs >= size) {
      const scaled = trimZeros(roundTo(abs / size, digits))
      // 12345678 -> 1,234.57万: group the whole part too.
      const [w, f] = scaled.split('.')
      return sign + formatNumber(Number(w)) + (f ? `.${f}` : '') + suffix
    }
  }
  return sign + formatNumber(abs)
}

/** ¥1,234.56; with compact: ¥2,000万 / ¥20M (money reported in 万元 is the norm in reports). */
export function formatMoney(
  yuan: number | null | undefined,
  locale: FormatLocale = 'zh-CN',
  options: { compact?: boolean } = {},
): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return ''
  const sign = yuan < 0 ? '-' : ''
  const abs = Math.abs(yuan)
  if (options.compact && abs >= (locale === 'zh-CN' ? 1e4 : 1e3)) return `${sign}¥${formatCompact(abs, locale)}`
  return `${sign}¥${formatNumber(abs, 2)}`
}

/** A percentage from a ratio: 0.8567 -> 85.7% */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return ''
  return `${trimZeros(roundTo(ratio * 100, digits))}%`
}

/**
 * The UTC instant at which a calendar day starts in the business time zone, as the API's time
 * filters take it: 2026-11-23 in Asia/Shanghai -> 2026-11-22T16:00:00Z. `addDays` shifts the day
 * (an inclusive "to" date becomes the start of the next day). '' when `isoDay` is not a day.
 */
export function businessDayStartUtc(isoDay: string, addDays = 0, zone: string = businessZone): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay)
  if (!m) return ''
  // The day's midnight read as UTC, moved back by the zone's offset; the offset is taken again
  // at the result, which differs only when a daylight-saving change falls in between.
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays)
  let start = wall - zoneOffsetMs(wall, zone)
  const again = wall - zoneOffsetMs(start, zone)
  if (again !== start) start = again
  return new Date(start).toISOString().replace('.000Z', 'Z')
}

/**
 * Money held as integer fen (分), shown in yuan: 123456 -> ¥1,234.56. Exact: the yuan and the
 * fen are split with integer arithmetic, never through a binary fraction.
 */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return ''
  const n = Math.round(fen)
  const abs = Math.abs(n)
  const yuan = Math.floor(abs / 100)
  const cents = abs % 100
  return `${n < 0 ? '-' : ''}¥${formatNumber(yuan)}.${pad2(cents)}`
}

/**
 * A yuan amount typed by a person ("12.5", "1,234.56", "¥20") -> integer fen (1250, 123456,
 * 2000); null when it is not an amount with at most two decimals.
 */
export function yuanToFen(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined) return null
  const s = String(text).trim().replace(/^[¥￥]/, '').replace(/,/g, '')
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/**
 * A calendar day as the API sends it (2026-11-23, no time, no zone) -> 2026年11月23日 /
 * 23 Nov 2026, read as written (no time-zone shift).
 */
export function formatDay(isoDay: string | null | undefined, locale: FormatLocale = 'zh-CN'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay ?? '')
  if (!m) return ''
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return locale === 'zh-CN' ? `${y}年${mo}月${d}日` : `${d} ${EN_MONTHS[mo - 1]} ${y}`
}

/** 2026-11 -> 2026年11月 / Nov 2026 */
export function formatMonth(isoMonth: string | null | undefined, locale: FormatLocale = 'zh-CN'): string {
  const m = /^(\d{4})-(\d{2})$/.exec(isoMonth ?? '')
  if (!m) return ''
  const [y, mo] = [Number(m[1]), Number(m[2])]
  return locale === 'zh-CN' ? `${y}年${mo}月` : `${EN_MONTHS[mo - 1]} ${y}`
}

/** A meeting period: 2026-03 -> 3月 / Mar; 2026-Q2 -> 第二季度 / Q2 (the year is shown elsewhere). */
export function formatPeriod(period: string, locale: FormatLocale = 'zh-CN'): string {
  const q = /^\d{4}-Q([1-4])$/.exec(period)
  if (q) return locale === 'zh-CN' ? `第${'一二三四'[Number(q[1]) - 1]}季度` : `Q${q[1]}`
  const m = /^\d{4}-(\d{2})$/.exec(period)
  if (m) return locale === 'zh-CN' ? `${Number(m[1])}月` : EN_MONTHS[Number(m[1]) - 1]
  return period
}

/** Today in the business time zone as 2026-11-23 (the form the API's dates take). */
export function todayIso(now: Date = new Date()): string {
  return toIsoDay(now)
}

/**
 * The latest day the server accepts as "not in the future": its business date, the day in its
 * --time-zone (Asia/Shanghai by default) — the same as todayIso. Date fields default to it.
 */
export function serverTodayIso(now: Date = new Date()): string {
  return todayIso(now)
}

/** The last day of a term of `years` starting on `start` (2026-01-10, 5 -> 2031-01-09); '' if not a day. */
export function termEnd(start: string, years: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start)
  if (!m) return ''
  const d = new Date(Date.UTC(Number(m[1]) + years, Number(m[2]) - 1, Number(m[3]) - 1))
  return d.toISOString().slice(0, 10)
}
