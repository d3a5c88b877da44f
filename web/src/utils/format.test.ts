import { describe, expect, it } from 'vitest'
import {
  formatCompact,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRelative,
  toIsoDay,
  beijingDayStartUtc,
} from './format'

describe('formatDate', () => {
  it('writes Chinese dates with 年月日', () => {
    expect(formatDate('2026-11-23T04:00:00Z')).toBe('2026年11月23日')
  })
  it('uses Beijing time: 23:30 UTC is the next day in China', () => {
    expect(formatDate('2026-11-22T23:30:00Z')).toBe('2026年11月23日')
    expect(toIsoDay('2026-11-22T23:30:00Z')).toBe('2026-11-23')
  })
  it('writes English dates day-month-year', () => {
    expect(formatDate('2026-01-05T04:00:00Z', 'en')).toBe('5 Jan 2026')
  })
  it('returns empty text for missing or invalid dates', () => {
    expect(formatDate(null)).toBe('')
    expect(formatDate('')).toBe('')
    expect(formatDate('not a date')).toBe('')
  })
})

describe('beijingDayStartUtc', () => {
  it('gives the UTC start of a Beijing day, for the API filters', () => {
    expect(beijingDayStartUtc('2026-11-23')).toBe('2026-11-22T16:00:00Z')
    expect(beijingDayStartUtc('2026-11-30', 1)).toBe('2026-11-30T16:00:00Z')
    expect(beijingDayStartUtc('2026-12-31', 1)).toBe('2026-12-31T16:00:00Z')
    expect(beijingDayStartUtc('bad')).toBe('')
  })
})

describe('formatDateTime', () => {
  it('adds the 24-hour Beijing time', () => {
    expect(formatDateTime('2026-11-23T06:05:09Z')).toBe('2026年11月23日 14:05')
    expect(formatDateTime('2026-11-23T16:00:00Z', 'en')).toBe('24 Nov 2026, 00:00')
  })
})

describe('formatRelative', () => {
  const now = new Date('2026-11-23T12:00:00Z')
  it('says 刚刚 for the last few seconds', () => {
    expect(formatRelative('2026-11-23T11:59:40Z', 'zh-CN', now)).toBe('刚刚')
  })
  it('counts minutes, hours and days in Chinese', () => {
    expect(formatRelative('2026-11-23T11:57:00Z', 'zh-CN', now)).toBe('3分钟前')
    expect(formatRelative('2026-11-23T09:00:00Z', 'zh-CN', now)).toBe('3小时前')
    expect(formatRelative('2026-11-20T12:00:00Z', 'zh-CN', now)).toBe('3天前')
  })
  it('counts in English', () => {
    expect(formatRelative('2026-11-23T11:57:00Z', 'en', now)).toBe('3 minutes ago')
  })
  it('falls back to the full date past a week', () => {
    expect(formatRelative('2026-10-01T02:00:00Z', 'zh-CN', now)).toBe('2026年10月1日 10:00')
  })
})

describe('formatNumber', () => {
  it('groups by thousands', () => {
    expect(formatNumber(665276)).toBe('665,276')
    expect(formatNumber(999)).toBe('999')
    expect(formatNumber(0)).toBe('0')
    expect(formatNumber(-1234567)).toBe('-1,234,567')
  })
  it('keeps the requested decimals', () => {
    expect(formatNumber(1234.5, 2)).toBe('1,234.50')
  })
  it('returns empty text for non-numbers', () => {
    expect(formatNumber(null)).toBe('')
    expect(formatNumber(Number.NaN)).toBe('')
  })
})

describe('formatCompact', () => {
  it('uses 万 and 亿 in Chinese', () => {
    expect(formatCompact(9999)).toBe('9,999')
    expect(formatCompact(24700)).toBe('2.47万')
    expect(formatCompact(665276)).toBe('66.53万')
    expect(formatCompact(210000)).toBe('21万')
    expect(formatCompact(20_000_000)).toBe('2,000万')
    expect(formatCompact(140_000_000)).toBe('1.4亿')
  })
  it('uses K/M/B in English', () => {
    expect(formatCompact(24700, 'en')).toBe('24.7K')
    expect(formatCompact(3_755_000, 'en')).toBe('3.76M')
    expect(formatCompact(999, 'en')).toBe('999')
  })
  it('keeps the sign', () => {
    expect(formatCompact(-52500)).toBe('-5.25万')
  })
})

describe('formatMoney', () => {
  it('writes yuan with ¥, thousands and two decimals', () => {
    expect(formatMoney(1234.56)).toBe('¥1,234.56')
    expect(formatMoney(130000)).toBe('¥130,000.00')
    expect(formatMoney(-52.5)).toBe('-¥52.50')
  })
  it('shortens large sums with 万 when asked', () => {
    expect(formatMoney(20_000_000, 'zh-CN', { compact: true })).toBe('¥2,000万')
    expect(formatMoney(14_000_000, 'en', { compact: true })).toBe('¥14M')
    expect(formatMoney(5000, 'zh-CN', { compact: true })).toBe('¥5,000.00')
  })
})

describe('formatPercent', () => {
  it('writes a ratio as a percentage', () => {
    expect(formatPercent(0.8567)).toBe('85.7%')
    expect(formatPercent(1)).toBe('100%')
  })
})
