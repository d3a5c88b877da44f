// Money in fen and calendar days as the party pages show them.
import { describe, expect, it } from 'vitest'
import { formatDay, formatFen, formatMonth, formatPeriod, yuanToFen } from './format'

describe('formatFen: integer fen -> ¥ with two decimals, exact', () => {
  it('formats with thousands separators', () => {
    expect(formatFen(123456)).toBe('¥1,234.56')
    expect(formatFen(200)).toBe('¥2.00')
    expect(formatFen(5)).toBe('¥0.05')
    expect(formatFen(0)).toBe('¥0.00')
    expect(formatFen(100000000)).toBe('¥1,000,000.00')
  })
  it('keeps the sign and never goes through binary fractions', () => {
    expect(formatFen(-1050)).toBe('-¥10.50')
    // 0.1 + 0.2 in yuan would be 0.30000000000000004; in fen it is 30.
    expect(formatFen(10 + 20)).toBe('¥0.30')
    expect(formatFen(900719925474099)).toBe('¥9,007,199,254,740.99')
  })
  it('is empty for missing values', () => {
    expect(formatFen(null)).toBe('')
    expect(formatFen(undefined)).toBe('')
    expect(formatFen(Number.NaN)).toBe('')
  })
})

describe('yuanToFen: what a person types -> integer fen', () => {
  it('reads yuan with up to two decimals', () => {
    expect(yuanToFen('12.5')).toBe(1250)
    expect(yuanToFen('12.50')).toBe(1250)
    expect(yuanToFen('1,234.56')).toBe(123456)
    expect(yuanToFen('¥20')).toBe(2000)
    expect(yuanToFen('￥0.01')).toBe(1)
    expect(yuanToFen(' 3 ')).toBe(300)
    expect(yuanToFen(0.29)).toBe(29)
  })
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '12.345', '-5', '1e3', '.5', null, undefined]) expect(yuanToFen(bad as string)).toBeNull()
  })
  it('round-trips with formatFen', () => {
    for (const fen of [0, 1, 99, 100, 123456, 987654321]) expect(yuanToFen(formatFen(fen))).toBe(fen)
  })
})

describe('calendar days, months and meeting periods', () => {
  it('shows API days as written, without a time-zone shift', () => {
    expect(formatDay('2026-11-23')).toBe('2026年11月23日')
    expect(formatDay('2026-01-01')).toBe('2026年1月1日')
    expect(formatDay('2026-11-23', 'en')).toBe('23 Nov 2026')
    expect(formatDay('')).toBe('')
    expect(formatDay(null)).toBe('')
    expect(formatDay('23/11/2026')).toBe('')
  })
  it('shows months and periods', () => {
    expect(formatMonth('2026-11')).toBe('2026年11月')
    expect(formatMonth('2026-03', 'en')).toBe('Mar 2026')
    expect(formatPeriod('2026-03')).toBe('3月')
    expect(formatPeriod('2026-Q2')).toBe('第二季度')
    expect(formatPeriod('2026-Q4', 'en')).toBe('Q4')
    expect(formatPeriod('2026-11', 'en')).toBe('Nov')
  })
})
