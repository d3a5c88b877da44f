import { describe, expect, it } from 'vitest'
import { csvFigure, formatFigure, formatMillis, formatPeriod, formatPointLabel, isMoney, toCsv } from './figureFormat'

const people = { measure: 'count' as const, unit: '人' }
const fen = { measure: 'sum' as const, unit: '分' }
const fenEn = { measure: 'sum' as const, unit: 'fen' }

describe('formatFigure', () => {
  it('groups thousands exactly by default', () => {
    expect(formatFigure(123456, people)).toBe('123,456')
    expect(formatFigure(0, people)).toBe('0')
    expect(formatFigure(null, people)).toBe('')
  })

  it('reads large counts in 万 and 亿 when compact (Chinese)', () => {
    expect(formatFigure(123456, people, 'zh-CN', true)).toBe('12.3万')
    expect(formatFigure(9999, people, 'zh-CN', true)).toBe('9,999')
    expect(formatFigure(10000, people, 'zh-CN', true)).toBe('1万')
    expect(formatFigure(620573, people, 'zh-CN', true)).toBe('62.1万')
    expect(formatFigure(98_765_432_1, people, 'zh-CN', true)).toBe('9.9亿')
  })

  it('reads large counts in K and M when compact (English)', () => {
    expect(formatFigure(123456, people, 'en', true)).toBe('123.5K')
    expect(formatFigure(999, people, 'en', true)).toBe('999')
    expect(formatFigure(2_500_000, people, 'en', true)).toBe('2.5M')
  })

  it('shows sums of fen as yuan with two decimals', () => {
    expect(isMoney(fen)).toBe(true)
    expect(isMoney(fenEn)).toBe(true)
    expect(isMoney(people)).toBe(false)
    expect(formatFigure(123456, fen)).toBe('¥1,234.56')
    expect(formatFigure(5, fen)).toBe('¥0.05')
    expect(formatFigure(20000, fenEn, 'en')).toBe('¥200.00')
    expect(formatFigure(123456789, fen, 'zh-CN', true)).toBe('¥123.5万')
    expect(formatFigure(123456, fen, 'zh-CN', true)).toBe('¥1,234.56')
    expect(formatFigure(-150, fen)).toBe('-¥1.50')
  })
})

describe('periods and points', () => {
  it('names periods in both languages', () => {
    expect(formatPeriod({ kind: 'year', year: 2026, quarter: 1, month: 1 })).toBe('2026年')
    expect(formatPeriod({ kind: 'quarter', year: 2026, quarter: 3, month: 7 })).toBe('2026年第3季度')
    expect(formatPeriod({ kind: 'month', year: 2026, quarter: 3, month: 7 })).toBe('2026年7月')
    expect(formatPeriod({ kind: 'all', year: 2026, quarter: 1, month: 1 })).toBe('全部时期')
    expect(formatPeriod({ kind: 'quarter', year: 2026, quarter: 3, month: 7 }, 'en')).toBe('Q3 2026')
    expect(formatPeriod({ kind: 'month', year: 2026, quarter: 3, month: 7 }, 'en')).toBe('Jul 2026')
  })

  it('labels trend points', () => {
    expect(formatPointLabel('2026-07')).toBe('7月')
    expect(formatPointLabel('2026-07', 'en')).toBe('Jul')
    expect(formatPointLabel('2026Q3')).toBe('2026年第3季度')
    expect(formatPointLabel('2025')).toBe('2025年')
  })

  it('shows server time in milliseconds', () => {
    expect(formatMillis(420)).toBe('0.42')
    expect(formatMillis(3)).toBe('0.01')
    expect(formatMillis(12000)).toBe('12')
    expect(formatMillis(1234567)).toBe('1,235')
    expect(formatMillis(0)).toBe('0')
  })
})

describe('CSV', () => {
  it('starts with a BOM, quotes where needed and ends lines with CRLF', () => {
    const csv = toCsv([
      ['单位', '党员'],
      ['扎木镇', 25],
      ['a,"b"', 1],
    ])
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv.slice(1)).toBe('单位,党员\r\n扎木镇,25\r\n"a,""b""",1\r\n')
  })

  it('writes money in yuan without separators', () => {
    expect(csvFigure(123456, fen)).toBe('1234.56')
    expect(csvFigure(123456, people)).toBe('123456')
  })
})
