import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  currentPeriod,
  downloadBreakdown,
  figureQuery,
  getBreakdown,
  getFigures,
  getTrend,
  parsePeriod,
  periodParam,
  pointInPeriod,
  trendRange,
  type Period,
} from './figures'
import { configureClient, fileNameOf } from './client'
import { mockFetch } from '@/test/fetchMock'
import { DEFAULT_TIME_ZONE, setBusinessTimeZone } from '@/utils/format'

const y2026: Period = { kind: 'year', year: 2026, quarter: 1, month: 1 }

describe('periods → query strings', () => {
  it('writes all, years, quarters and months', () => {
    expect(periodParam({ ...y2026, kind: 'all' })).toBe('all')
    expect(periodParam(y2026)).toBe('2026')
    expect(periodParam({ kind: 'quarter', year: 2026, quarter: 3, month: 7 })).toBe('2026Q3')
    expect(periodParam({ kind: 'month', year: 2026, quarter: 1, month: 2 })).toBe('2026-02')
  })

  it('reads them back, and falls back on anything else', () => {
    for (const text of ['all', '2026', '2026Q3', '2026-02', '2025-11']) {
      expect(periodParam(parsePeriod(text, y2026))).toBe(text)
    }
    expect(parsePeriod('2026q2', y2026)).toEqual({ kind: 'quarter', year: 2026, quarter: 2, month: 4 })
    expect(parsePeriod('2026-13', y2026)).toBe(y2026)
    expect(parsePeriod('yesterday', y2026)).toBe(y2026)
    expect(parsePeriod(undefined, y2026)).toBe(y2026)
    expect(parsePeriod(['2025'], y2026)).toBe(y2026)
  })

  it('takes the current year in Beijing time', () => {
    // 2026-12-31 20:00 UTC is already 2027 in Beijing.
    expect(currentPeriod(new Date('2026-12-31T20:00:00Z'))).toMatchObject({ kind: 'year', year: 2027, month: 1 })
    expect(currentPeriod(new Date('2026-11-23T08:00:00Z'))).toMatchObject({ year: 2026, quarter: 4, month: 11 })
  })

  it('takes the year of the Beijing day at 00:30 and at 23:30 Beijing time', () => {
    // 2027-01-01 00:30 Beijing time is still 2026 in UTC; 2026-12-31 23:30 is still 2026.
    expect(currentPeriod(new Date('2026-12-31T16:30:00Z'))).toMatchObject({ year: 2027, quarter: 1, month: 1 })
    expect(currentPeriod(new Date('2026-12-31T15:30:00Z'))).toMatchObject({ year: 2026, quarter: 4, month: 12 })
  })

  it('takes the year in the zone the server names', () => {
    try {
      expect(setBusinessTimeZone('Asia/Urumqi')).toBe(true)
      // 2027-01-01 00:30 in Beijing is 2026-12-31 22:30 in Urumqi.
      expect(currentPeriod(new Date('2026-12-31T16:30:00Z'))).toMatchObject({ year: 2026, month: 12 })
    } finally {
      setBusinessTimeZone(DEFAULT_TIME_ZONE)
    }
  })

  it('shows the months of the year beside a period, and five years beside all time', () => {
    const now = new Date('2026-11-23T08:00:00Z')
    expect(trendRange(y2026, now)).toEqual({ from: '2026-01', to: '2026-12', step: 'month' })
    expect(trendRange({ kind: 'quarter', year: 2025, quarter: 2, month: 4 }, now)).toEqual({
      from: '2025-01',
      to: '2025-12',
      step: 'month',
    })
    expect(trendRange({ ...y2026, kind: 'all' }, now)).toEqual({ from: '2022', to: '2026', step: 'year' })
  })

  it('knows which trend points fall in a period', () => {
    const q3: Period = { kind: 'quarter', year: 2026, quarter: 3, month: 7 }
    expect(pointInPeriod('2026-08', q3)).toBe(true)
    expect(pointInPeriod('2026-10', q3)).toBe(false)
    expect(pointInPeriod('2025-08', q3)).toBe(false)
    expect(pointInPeriod('2026-05', y2026)).toBe(true)
    expect(pointInPeriod('2026-05', { kind: 'month', year: 2026, quarter: 2, month: 5 })).toBe(true)
    expect(pointInPeriod('2024', { ...y2026, kind: 'all' })).toBe(true)
  })

  it('builds the figures query: nation as no unit, where as dim:value', () => {
    expect(figureQuery({ unit: '0', period: y2026 })).toEqual({ period: '2026' })
    expect(figureQuery({ unit: '540424', by: 'stage', where: { situation: 'migrant', gender: 'female' } })).toEqual({
      unit: '540424',
      by: 'stage',
      where: 'situation:migrant,gender:female',
    })
    expect(figureQuery({ unit: '540424', level: 'township', limit: 10, skip: undefined })).toEqual({
      unit: '540424',
      level: 'township',
      limit: 10,
    })
  })
})

describe('requests', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('asks the three endpoints with the right query strings', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/figures': () => ({ status: 200, body: { figures: [] } }),
      'GET /api/v1/figures/breakdown': () => ({ status: 200, body: { rows: [] } }),
      'GET /api/v1/figures/trend': () => ({ status: 200, body: { points: [] } }),
    })
    await getFigures({ unit: '540424', indicators: ['members', 'pipeline'], by: 'stage', period: y2026 })
    await getBreakdown({ unit: '540424', indicator: 'members', period: { ...y2026, kind: 'all' } })
    await getBreakdown({ unit: '0', indicator: 'orgs', level: 'county', limit: 5000 })
    await getTrend({ unit: '540424', indicator: 'dues.paid', from: '2026-01', to: '2026-12', step: 'month' })
    expect(calls.map((c) => decodeURIComponent(c.url))).toEqual([
      '/api/v1/figures?unit=540424&period=2026&by=stage&indicator=members,pipeline',
      '/api/v1/figures/breakdown?unit=540424&period=all&level=children&indicator=members',
      '/api/v1/figures/breakdown?level=county&indicator=orgs&limit=5000',
      '/api/v1/figures/trend?unit=540424&indicator=dues.paid&from=2026-01&to=2026-12&step=month',
    ])
  })

  it('downloads a breakdown as .xlsx with the name the server gives, in the UI language', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/figures/breakdown': () => ({
        status: 200,
        body: 'PK',
        headers: {
          'Content-Disposition':
            "attachment; filename=\"figures-table-breakdown-2026-11-23.xlsx\"; filename*=UTF-8''%E6%B3%A2%E5%AF%86%E5%8E%BF.xlsx",
        },
      }),
    })
    configureClient({ language: () => 'en' })
    const file = await downloadBreakdown(
      { unit: '540424', period: y2026, level: 'village', indicators: ['members', 'pipeline'] },
      'fallback.xlsx',
    )
    expect(file.filename).toBe('波密县.xlsx')
    expect(calls[0].headers['Accept-Language']).toBe('en')
    expect(decodeURIComponent(calls[0].url)).toBe(
      '/api/v1/figures/breakdown?unit=540424&period=2026&level=village&indicator=members,pipeline&format=xlsx',
    )
    configureClient({ language: () => 'zh-CN' })
  })

  it('turns a refused download into an ApiError with the server message', async () => {
    mockFetch({
      'GET /api/v1/figures/breakdown': () => ({
        status: 403,
        body: { error: { code: 'permission_denied', message: '只能查看本辖区内各级及县级以上单位的统计数字。', field: 'unit' } },
      }),
    })
    await expect(downloadBreakdown({ unit: '540424100', indicators: ['members'] }, 'x.xlsx')).rejects.toMatchObject({
      status: 403,
      code: 'permission_denied',
      field: 'unit',
    })
  })

  it('reads the file name from Content-Disposition, falling back when there is none', () => {
    expect(fileNameOf("attachment; filename=\"a.xlsx\"; filename*=UTF-8''%E5%85%9A%E5%91%98.xlsx", 'f')).toBe('党员.xlsx')
    expect(fileNameOf('attachment; filename="a.xlsx"', 'f')).toBe('a.xlsx')
    expect(fileNameOf(null, 'f.xlsx')).toBe('f.xlsx')
  })
})
