// The dashboard's data (统计看板): for one unit and period, every indicator's figure (with its
// first dimension), the units below side by side (one breakdown per indicator), and the trend of
// a chosen flow per domain. Answers of an older request never overwrite a newer one.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  BREAKDOWN_MAX_ROWS,
  currentPeriod,
  getBreakdown,
  getFigures,
  getTrend,
  listIndicators,
  trendRange,
  type AsOf,
  type BreakdownAnswer,
  type BreakdownLevel,
  type Figure,
  type Indicator,
  type Period,
  type Place,
  type TrendAnswer,
} from '@/api/figures'

export interface Domain {
  id: string
  indicators: Indicator[]
  flows: Indicator[]
}

/** One unit below, with every indicator of a domain: a row of the children table. */
export interface ChildRow {
  code: string
  name: string
  level: string
  child_count: number
  values: Record<string, number>
}

export const useDashboardStore = defineStore('dashboard', () => {
  const code = ref('')
  const period = ref<Period>(currentPeriod())
  const level = ref<BreakdownLevel>('children')

  const indicators = ref<Indicator[]>([])
  let indicatorsLang = ''
  const place = ref<Place | null>(null)
  const figures = ref<Record<string, Figure>>({})
  const breakdowns = ref<Record<string, BreakdownAnswer>>({})
  const trends = ref<Record<string, TrendAnswer>>({})
  /** The flow whose trend each domain shows. */
  const trendChoice = ref<Record<string, string>>({})

  const asOf = ref<AsOf | null>(null)
  /** Server time of the answers on screen, in microseconds (their sum). */
  const micros = ref(0)
  const loadingFigures = ref(false)
  const loadingTable = ref(false)
  const loadingTrend = ref(false)
  const error = ref<unknown>(null)

  let figuresSeq = 0
  let tableSeq = 0
  let trendSeq = 0
  const spent = { figures: 0, table: 0, trend: 0 }

  function note(answer: { as_of: AsOf; computed: { micros: number } }, part: keyof typeof spent) {
    spent[part] += answer.computed.micros
    micros.value = spent.figures + spent.table + spent.trend
    if (!asOf.value || answer.as_of.change >= asOf.value.change) asOf.value = answer.as_of
  }

  const domains = computed<Domain[]>(() => {
    const out: Domain[] = []
    for (const ind of indicators.value) {
      let d = out.find((x) => x.id === ind.domain)
      if (!d) out.push((d = { id: ind.domain, indicators: [], flows: [] }))
      d.indicators.push(ind)
      if (ind.kind === 'flow') d.flows.push(ind)
    }
    return out
  })

  function indicator(id: string): Indicator | undefined {
    return indicators.value.find((i) => i.id === id)
  }

  async function ensureIndicators(lang: string) {
    if (indicators.value.length && indicatorsLang === lang) return
    const res = await listIndicators()
    indicators.value = res.items
    indicatorsLang = lang
    for (const d of domains.value) {
      if (d.flows.length && !d.flows.some((f) => f.id === trendChoice.value[d.id])) trendChoice.value[d.id] = d.flows[0].id
    }
  }

  /** Each indicator with its first dimension: one request per distinct first dimension. */
  async function loadFigures() {
    const seq = ++figuresSeq
    loadingFigures.value = true
    const groups = new Map<string, string[]>()
    for (const ind of indicators.value) {
      const by = ind.dimensions[0]?.id ?? ''
      groups.set(by, [...(groups.get(by) ?? []), ind.id])
    }
    try {
      const answers = await Promise.all(
        [...groups].map(([by, ids]) => getFigures({ unit: code.value, period: period.value, by, indicators: ids })),
      )
      if (seq !== figuresSeq) return
      const next: Record<string, Figure> = {}
      spent.figures = 0
      for (const a of answers) {
        for (const f of a.figures) next[f.indicator] = f
        place.value = a.place
        note(a, 'figures')
      }
      figures.value = next
    } finally {
      if (seq === figuresSeq) loadingFigures.value = false
    }
  }

  /** The units below (children or a chosen level), one breakdown per indicator. */
  async function loadTable() {
    const seq = ++tableSeq
    loadingTable.value = true
    try {
      const answers = await Promise.all(
        indicators.value.map((ind) =>
          getBreakdown({
            unit: code.value,
            indicator: ind.id,
            level: level.value,
            period: period.value,
            limit: BREAKDOWN_MAX_ROWS,
          }),
        ),
      )
      if (seq !== tableSeq) return
      const next: Record<string, BreakdownAnswer> = {}
      spent.table = 0
      for (const a of answers) {
        next[a.indicator] = a
        note(a, 'table')
      }
      breakdowns.value = next
    } finally {
      if (seq === tableSeq) loadingTable.value = false
    }
  }

  async function loadTrends() {
    const seq = ++trendSeq
    loadingTrend.value = true
    const range = trendRange(period.value)
    try {
      const ids = Object.values(trendChoice.value).filter((id) => indicator(id)?.kind === 'flow')
      const answers = await Promise.all(ids.map((id) => getTrend({ unit: code.value, indicator: id, ...range })))
      if (seq !== trendSeq) return
      const next: Record<string, TrendAnswer> = {}
      spent.trend = 0
      for (const a of answers) {
        next[a.indicator] = a
        note(a, 'trend')
      }
      trends.value = next
    } finally {
      if (seq === trendSeq) loadingTrend.value = false
    }
  }

  let loadSeq = 0
  /** Everything for a unit, period and level (`cardsOnly`: the figures alone, no table or trend). */
  async function load(params: { code: string; period: Period; level?: BreakdownLevel; lang?: string; cardsOnly?: boolean }) {
    const seq = ++loadSeq
    const unitChanged = params.code !== code.value
    code.value = params.code
    period.value = params.period
    level.value = params.level ?? 'children'
    error.value = null
    if (unitChanged) {
      place.value = null
      figures.value = {}
      breakdowns.value = {}
      trends.value = {}
    }
    asOf.value = null
    try {
      await ensureIndicators(params.lang ?? 'zh-CN')
      if (params.cardsOnly) {
        breakdowns.value = {}
        trends.value = {}
        spent.table = spent.trend = 0
        await loadFigures()
      } else {
        await Promise.all([loadFigures(), loadTable(), loadTrends()])
      }
    } catch (e) {
      if (seq !== loadSeq) return
      error.value = e
      loadingFigures.value = loadingTable.value = loadingTrend.value = false
    }
  }

  async function setLevel(next: BreakdownLevel) {
    level.value = next
    try {
      await loadTable()
    } catch (e) {
      error.value = e
    }
  }

  async function chooseTrend(domain: string, id: string) {
    trendChoice.value = { ...trendChoice.value, [domain]: id }
    try {
      await loadTrends()
    } catch (e) {
      error.value = e
    }
  }

  /** The rows of each domain's children table: one per unit, a value per indicator. */
  const rowsByDomain = computed(() => {
    const out: Record<string, ChildRow[]> = {}
    for (const d of domains.value) {
      const rows = new Map<string, ChildRow>()
      for (const ind of d.indicators) {
        for (const r of breakdowns.value[ind.id]?.rows ?? []) {
          let row = rows.get(r.code)
          if (!row) rows.set(r.code, (row = { code: r.code, name: r.name, level: r.level, child_count: r.child_count, values: {} }))
          row.values[ind.id] = r.total
        }
      }
      out[d.id] = [...rows.values()]
    }
    return out
  })
  const NO_ROWS: ChildRow[] = []
  function rowsOf(domain: string): ChildRow[] {
    return rowsByDomain.value[domain] ?? NO_ROWS
  }

  /** How many units the level holds, and how many are left out (beyond the row limit or hidden). */
  const tableInfo = computed(() => {
    const first = Object.values(breakdowns.value)[0]
    if (!first) return { level: level.value, total: 0, shown: 0, hidden: 0 }
    return { level: first.level, total: first.total_rows, shown: first.rows.length, hidden: first.hidden_rows }
  })

  return {
    code,
    period,
    level,
    indicators,
    place,
    figures,
    breakdowns,
    trends,
    trendChoice,
    asOf,
    micros,
    loadingFigures,
    loadingTable,
    loadingTrend,
    error,
    domains,
    tableInfo,
    indicator,
    load,
    setLevel,
    chooseTrend,
    rowsOf,
  }
})
