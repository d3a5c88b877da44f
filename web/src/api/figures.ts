// The figures endpoints (统计数字): indicators, a unit's figures, the breakdown by units below
// it, and the trend of a flow over periods. The server's roll-up engine answers every one of
// them from memory, as of the last committed write (src/api/handlers/figures_handler.cc).
import { api, download, type DownloadedFile } from './client'
import type { UnitLevel } from './types'
import { businessParts } from '@/utils/format'

export type Measure = 'count' | 'sum'
export type Kind = 'stock' | 'flow'

export interface DimensionValue {
  value: string
  label: string
}

export interface Dimension {
  id: string
  title: string
  values: DimensionValue[]
}

export interface Indicator {
  id: string
  title: string
  /** members, orgs, ... (later: households, funds, training) */
  domain: string
  measure: Measure
  /** 人, 个, 分 (fen: sums of money) ... in the request language */
  unit: string
  kind: Kind
  /** Computed for today's date (dues in arrears, meetings due): moves when the date does. */
  calendar?: boolean
  /** The indicator this one is usually shown as a share of (meetings held of due). */
  ratio_of?: string | null
  dimensions: Dimension[]
}

export interface Part {
  value: string
  label: string
  figure: number
}

export interface Figure {
  indicator: string
  title: string
  unit: string
  measure: Measure
  kind: Kind
  /** the period asked for (flows) or "current" (stocks) */
  period: string
  total: number
  by?: Part[]
}

export interface AsOf {
  /** the last change applied to the figures */
  change: number
  applied_at: string
}

export interface Computed {
  method: string
  method_zh: string
  units: number
  micros: number
}

/** The unit a figure is about; code "0" is the nation. */
export interface Place {
  code: string
  name: string
  display_name: string
  level: UnitLevel | 'nation'
  level_zh: string
  parent_code?: string | null
  child_count?: number
}

export interface FiguresAnswer {
  place: Place
  figures: Figure[]
  as_of: AsOf
  computed: Computed
}

export interface BreakdownRow {
  code: string
  name: string
  level: UnitLevel
  child_count: number
  total: number
  by?: Part[]
}

export interface BreakdownAnswer {
  place: Place
  indicator: string
  title: string
  unit: string
  period: string
  level: UnitLevel
  whole: { total: number; by?: Part[] }
  rows: BreakdownRow[]
  total_rows: number
  hidden_rows: number
  as_of: AsOf
  computed: Computed
}

export interface TrendPoint {
  period: string
  total: number
  by?: Part[]
}

export interface TrendAnswer {
  place: Place
  indicator: string
  title: string
  unit: string
  step: Step
  points: TrendPoint[]
  as_of: AsOf
  computed: Computed
}

export type Step = 'month' | 'quarter' | 'year'
export type BreakdownLevel = 'children' | UnitLevel

/** The most rows one breakdown answer holds (all 2,978 counties fit). */
export const BREAKDOWN_MAX_ROWS = 5000
export const NATION = '0'

// ---------------------------------------------------------------------------
// Periods: all time, a year (2026), a quarter (2026Q3) or a month (2026-07).

export type PeriodKind = 'all' | 'year' | 'quarter' | 'month'

export interface Period {
  kind: PeriodKind
  year: number
  /** 1–4, for quarters */
  quarter: number
  /** 1–12, for months */
  month: number
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** The `period` query value: all, 2026, 2026Q3, 2026-07. */
export function periodParam(p: Period): string {
  switch (p.kind) {
    case 'year':
      return String(p.year)
    case 'quarter':
      return `${p.year}Q${p.quarter}`
    case 'month':
      return `${p.year}-${pad2(p.month)}`
    default:
      return 'all'
  }
}

/** Reads a `period` value (from a URL); anything unreadable is `fallback`. */
export function parsePeriod(text: unknown, fallback: Period): Period {
  if (typeof text !== 'string') return fallback
  if (text === 'all') return { ...fallback, kind: 'all' }
  let m = /^(\d{4})$/.exec(text)
  if (m) return { kind: 'year', year: Number(m[1]), quarter: 1, month: 1 }
  m = /^(\d{4})[Qq]([1-4])$/.exec(text)
  if (m) return { kind: 'quarter', year: Number(m[1]), quarter: Number(m[2]), month: (Number(m[2]) - 1) * 3 + 1 }
  m = /^(\d{4})-(\d{2})$/.exec(text)
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const month = Number(m[2])
    return { kind: 'month', year: Number(m[1]), quarter: Math.floor((month - 1) / 3) + 1, month }
  }
  return fallback
}

/** This year in the business time zone (the default period). */
export function currentPeriod(now: Date = new Date()): Period {
  const { year, month } = businessParts(now)
  return { kind: 'year', year, quarter: Math.floor((month - 1) / 3) + 1, month }
}

/**
 * The trend shown beside a period: all time → the last five years by year; a year, quarter or
 * month → the months of its year (the period's own months are highlighted).
 */
export function trendRange(p: Period, now: Date = new Date()): { from: string; to: string; step: Step } {
  if (p.kind === 'all') {
    const year = currentPeriod(now).year
    return { from: String(year - 4), to: String(year), step: 'year' }
  }
  return { from: `${p.year}-01`, to: `${p.year}-12`, step: 'month' }
}

/** Whether a trend point (2026-07, 2026Q3, 2026) falls inside the period. */
export function pointInPeriod(point: string, p: Period): boolean {
  if (p.kind === 'all') return true
  const q = parsePeriod(point, { kind: 'all', year: 0, quarter: 1, month: 1 })
  if (q.kind === 'all' || q.year !== p.year) return false
  if (p.kind === 'year') return true
  if (p.kind === 'quarter') return q.kind === 'year' ? false : q.quarter === p.quarter
  return q.kind === 'month' && q.month === p.month
}

// ---------------------------------------------------------------------------
// Requests.

export interface FigureQuery {
  unit: string
  period?: Period
  by?: string
  where?: Record<string, string>
}

/** The query string of a figures request (the unit "0" is sent as absent: the nation). */
export function figureQuery(q: FigureQuery & Record<string, unknown>): Record<string, string | number | undefined> {
  const { unit, period, by, where, ...rest } = q
  const out: Record<string, string | number | undefined> = {}
  if (unit && unit !== NATION) out.unit = unit
  if (period) out.period = periodParam(period)
  if (by) out.by = by
  const conditions = Object.entries(where ?? {}).map(([k, v]) => `${k}:${v}`)
  if (conditions.length) out.where = conditions.join(',')
  for (const [k, v] of Object.entries(rest)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v
  }
  return out
}

export function listIndicators(signal?: AbortSignal) {
  return api.get<{ items: Indicator[] }>('/api/v1/indicators', undefined, { signal })
}

export function getFigures(q: FigureQuery & { indicators?: string[] }, signal?: AbortSignal) {
  const { indicators, ...rest } = q
  return api.get<FiguresAnswer>(
    '/api/v1/figures',
    figureQuery({ ...rest, indicator: indicators?.length ? indicators.join(',') : undefined }),
    { signal },
  )
}

export function getBreakdown(
  q: FigureQuery & { indicator: string; level?: BreakdownLevel; offset?: number; limit?: number },
  signal?: AbortSignal,
) {
  return api.get<BreakdownAnswer>('/api/v1/figures/breakdown', figureQuery({ level: 'children', ...q }), { signal })
}

/**
 * The breakdown as a spreadsheet made by the server (.xlsx; money in yuan): one column per
 * indicator listed (the dashboard's table of a domain), the unit itself in the first row.
 */
export function downloadBreakdown(
  q: FigureQuery & { indicators: string[]; level?: BreakdownLevel; format?: 'xlsx' | 'csv' },
  fallbackName: string,
): Promise<DownloadedFile> {
  const { indicators, format, ...rest } = q
  return download(
    '/api/v1/figures/breakdown',
    figureQuery({ level: 'children', ...rest, indicator: indicators.join(','), format: format ?? 'xlsx' }),
    fallbackName,
  )
}

export function getTrend(
  q: Omit<FigureQuery, 'period'> & { indicator: string; from: string; to: string; step: Step },
  signal?: AbortSignal,
) {
  return api.get<TrendAnswer>('/api/v1/figures/trend', figureQuery(q), { signal })
}
