// How figures read: counts with thousands separators or in 万/亿 (zh) and K/M (en), sums of
// money kept in fen shown as ¥ yuan with two decimals, periods as 2026年第3季度 / Q3 2026, and
// the CSV the children table exports (UTF-8 with a BOM, so that Excel reads Chinese correctly).
import { formatCompact, formatMoney, formatNumber, type FormatLocale } from '@/utils/format'
import type { Period } from '@/api/figures'

export interface FigureShape {
  measure: 'count' | 'sum'
  /** the indicator's unit: 人, 个, 分 / fen ... */
  unit: string
}

/** Sums kept in fen (分) are money: shown in yuan. */
export function isMoney(ind: FigureShape): boolean {
  return ind.measure === 'sum' && (ind.unit === '分' || ind.unit === 'fen')
}

/** fen → yuan, exactly (integers of fen only). */
export function fenToYuan(fen: number): number {
  return fen / 100
}

/**
 * One figure as text. Exact by default (12,345 · ¥1,234.56); `compact` rounds large ones the way
 * they are read aloud (1.2万 · ¥12.3万 in Chinese; 12.3K · ¥12.3K in English).
 */
export function formatFigure(
  value: number | null | undefined,
  ind: FigureShape,
  locale: FormatLocale = 'zh-CN',
  compact = false,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  if (isMoney(ind)) {
    const yuan = fenToYuan(value)
    if (compact && Math.abs(yuan) >= (locale === 'zh-CN' ? 1e4 : 1e3)) {
      return `${yuan < 0 ? '-' : ''}¥${formatCompact(Math.abs(yuan), locale, 1)}`
    }
    return formatMoney(yuan, locale)
  }
  if (compact && Math.abs(value) >= (locale === 'zh-CN' ? 1e4 : 1e3)) return formatCompact(value, locale, 1)
  return formatNumber(value)
}

/** The unit word shown after a count (人, 个); none for money (the ¥ says it). */
export function unitSuffix(ind: FigureShape): string {
  return isMoney(ind) ? '' : ind.unit
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** 2026年 · 2026年第3季度 · 2026年7月 · 全部时期; 2026 · Q3 2026 · Jul 2026 · All time. */
export function formatPeriod(p: Period, locale: FormatLocale = 'zh-CN'): string {
  const zh = locale === 'zh-CN'
  switch (p.kind) {
    case 'year':
      return zh ? `${p.year}年` : String(p.year)
    case 'quarter':
      return zh ? `${p.year}年第${p.quarter}季度` : `Q${p.quarter} ${p.year}`
    case 'month':
      return zh ? `${p.year}年${p.month}月` : `${EN_MONTHS[p.month - 1]} ${p.year}`
    default:
      return zh ? '全部时期' : 'All time'
  }
}

/** A trend point's label on the axis: 7月 / Jul, 第3季度 / Q3, 2026年 / 2026. */
export function formatPointLabel(point: string, locale: FormatLocale = 'zh-CN'): string {
  const zh = locale === 'zh-CN'
  let m = /^(\d{4})-(\d{2})$/.exec(point)
  if (m) return zh ? `${Number(m[2])}月` : EN_MONTHS[Number(m[2]) - 1]
  m = /^(\d{4})Q([1-4])$/.exec(point)
  if (m) return zh ? `${m[1]}年第${m[2]}季度` : `Q${m[2]} ${m[1]}`
  m = /^(\d{4})$/.exec(point)
  if (m) return zh ? `${m[1]}年` : m[1]
  return point
}

/** Server time in microseconds → "0.42" milliseconds (at most two decimals, at least 0.01). */
export function formatMillis(micros: number): string {
  if (!Number.isFinite(micros) || micros <= 0) return '0'
  const ms = micros / 1000
  if (ms < 0.01) return '0.01'
  return ms >= 100 ? formatNumber(Math.round(ms)) : String(Number(ms.toFixed(2)))
}

/** A CSV document: cells quoted where needed, CRLF line ends, a UTF-8 BOM first. */
export function toCsv(rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v)
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** A figure as a CSV cell: plain digits (no separators), money in yuan with two decimals. */
export function csvFigure(value: number, ind: FigureShape): string {
  return isMoney(ind) ? fenToYuan(value).toFixed(2) : String(value)
}

/** Offers `text` as a download (the browser saves it; nothing leaves the machine). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  saveBlob(filename, new Blob([text], { type }))
}

/** Hands a file to the browser to save. */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
