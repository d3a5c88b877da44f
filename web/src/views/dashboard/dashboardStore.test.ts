import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { mockFetch } from '@/test/fetchMock'
import { useDashboardStore } from './dashboardStore'
import type { Period } from '@/api/figures'

const y2026: Period = { kind: 'year', year: 2026, quarter: 1, month: 1 }
const place = { code: '540424', name: '波密县', display_name: '波密县', level: 'county', level_zh: '县' }
const INDICATORS = [
  {
    id: 'members',
    title: '党员',
    domain: 'members',
    measure: 'count',
    unit: '人',
    kind: 'stock',
    dimensions: [{ id: 'stage', title: '党员类别', values: [] }],
  },
  {
    id: 'pipeline',
    title: '发展党员在册',
    domain: 'members',
    measure: 'count',
    unit: '人',
    kind: 'stock',
    dimensions: [{ id: 'stage', title: '阶段', values: [] }],
  },
  { id: 'dues.paid', title: '党费收缴', domain: 'members', measure: 'sum', unit: '分', kind: 'flow', dimensions: [] },
  {
    id: 'orgs',
    title: '党组织',
    domain: 'orgs',
    measure: 'count',
    unit: '个',
    kind: 'stock',
    dimensions: [{ id: 'kind', title: '类型', values: [] }],
  },
]
const TOTALS: Record<string, Record<string, number>> = {
  members: { '540424100': 21, '540424200': 0 },
  pipeline: { '540424100': 15, '540424200': 0 },
  'dues.paid': { '540424100': 1234500, '540424200': 0 },
  orgs: { '540424100': 5, '540424200': 0 },
}

function params(url: string) {
  return Object.fromEntries(new URL(url, 'http://x').searchParams)
}

function routes(change = 7) {
  return {
    'GET /api/v1/indicators': () => ({ status: 200, body: { items: INDICATORS } }),
    'GET /api/v1/figures': (req: { url: string }) => {
      const q = params(req.url)
      const figures = q.indicator.split(',').map((id: string) => ({
        indicator: id,
        title: id,
        unit: '',
        measure: 'count',
        kind: 'stock',
        period: q.period,
        total: Object.values(TOTALS[id]).reduce((a, b) => a + b, 0),
        by: q.by ? [{ value: 'x', label: q.by, figure: 1 }] : undefined,
      }))
      return { status: 200, body: { place, figures, as_of: { change, applied_at: '' }, computed: { micros: 100 } } }
    },
    'GET /api/v1/figures/breakdown': (req: { url: string }) => {
      const q = params(req.url)
      const rows = Object.entries(TOTALS[q.indicator]).map(([code, total]) => ({
        code,
        name: code === '540424100' ? '扎木镇' : '倾多镇',
        level: 'township',
        child_count: 3,
        total,
      }))
      return {
        status: 200,
        body: {
          place,
          indicator: q.indicator,
          level: q.level === 'children' ? 'township' : q.level,
          rows,
          total_rows: 10,
          hidden_rows: 0,
          whole: { total: 0 },
          as_of: { change: change + 1, applied_at: '2026-11-23T06:00:00Z' },
          computed: { micros: 200 },
        },
      }
    },
    'GET /api/v1/figures/trend': (req: { url: string }) => {
      const q = params(req.url)
      return {
        status: 200,
        body: {
          place,
          indicator: q.indicator,
          step: q.step,
          points: [{ period: '2026-01', total: 5 }],
          as_of: { change, applied_at: '' },
          computed: { micros: 50 },
        },
      }
    },
  }
}

describe('dashboard store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('groups indicators by domain and asks one figures request per first dimension', async () => {
    const { calls } = mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '540424', period: y2026 })
    expect(store.domains.map((d) => [d.id, d.indicators.map((i) => i.id), d.flows.map((i) => i.id)])).toEqual([
      ['members', ['members', 'pipeline', 'dues.paid'], ['dues.paid']],
      ['orgs', ['orgs'], []],
    ])
    const figureCalls = calls.filter((c) => c.url.startsWith('/api/v1/figures?')).map((c) => params(c.url))
    expect(figureCalls).toEqual([
      { unit: '540424', period: '2026', by: 'stage', indicator: 'members,pipeline' },
      { unit: '540424', period: '2026', indicator: 'dues.paid' },
      { unit: '540424', period: '2026', by: 'kind', indicator: 'orgs' },
    ])
    expect(store.figures.members.total).toBe(21)
    expect(store.figures.members.by?.[0].label).toBe('stage')
    expect(store.place?.name).toBe('波密县')
  })

  it('puts the breakdowns side by side per domain, and loads the trend of the first flow', async () => {
    const { calls } = mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '540424', period: y2026 })
    expect(store.rowsOf('members')).toEqual([
      { code: '540424100', name: '扎木镇', level: 'township', child_count: 3, values: { members: 21, pipeline: 15, 'dues.paid': 1234500 } },
      { code: '540424200', name: '倾多镇', level: 'township', child_count: 3, values: { members: 0, pipeline: 0, 'dues.paid': 0 } },
    ])
    expect(store.rowsOf('orgs').map((r) => r.values)).toEqual([{ orgs: 5 }, { orgs: 0 }])
    expect(store.rowsOf('nothing')).toEqual([])
    expect(store.tableInfo).toEqual({ level: 'township', total: 10, shown: 2, hidden: 0 })
    const trend = calls.filter((c) => c.url.startsWith('/api/v1/figures/trend')).map((c) => params(c.url))
    expect(trend).toEqual([{ unit: '540424', indicator: 'dues.paid', from: '2026-01', to: '2026-12', step: 'month' }])
    expect(store.trends['dues.paid'].points).toHaveLength(1)
    // as of the newest change seen; time is the sum of the answers' (3×100 + 4×200 + 50 µs).
    expect(store.asOf?.change).toBe(8)
    expect(store.micros).toBe(1150)
  })

  it('asks for another level and for the nation without a unit', async () => {
    const { calls } = mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '0', period: { ...y2026, kind: 'all' } })
    calls.length = 0
    await store.setLevel('county')
    expect(calls.map((c) => params(c.url))).toEqual(
      INDICATORS.map((i) => ({ level: 'county', period: 'all', indicator: i.id, limit: '5000' })),
    )
    expect(store.tableInfo.level).toBe('county')
  })

  it('asks for the figures alone when only the cards are shown', async () => {
    const { calls } = mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '540424', period: y2026, cardsOnly: true })
    expect(calls.filter((c) => c.url.startsWith('/api/v1/figures/'))).toEqual([])
    expect(store.figures.orgs.total).toBe(5)
    expect(store.rowsOf('members')).toEqual([])
  })

  it('reads the indicators once per language', async () => {
    const { calls } = mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '540424', period: y2026, lang: 'zh-CN' })
    await store.load({ code: '5404', period: y2026, lang: 'zh-CN' })
    await store.load({ code: '5404', period: y2026, lang: 'en' })
    expect(calls.filter((c) => c.url === '/api/v1/indicators')).toHaveLength(2)
  })

  it('keeps the newest answer when an older one arrives late', async () => {
    mockFetch(routes())
    const store = useDashboardStore()
    await store.load({ code: '540424', period: y2026 })
    // The first load is slow; the second one finishes first.
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const real = globalThis.fetch
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url.includes('unit=5404&') && url.startsWith('/api/v1/figures?')) await gate
        return real(url, init)
      }),
    )
    const slow = store.load({ code: '5404', period: y2026 })
    const fast = store.load({ code: '540424', period: { ...y2026, kind: 'all' } })
    await fast
    release()
    await slow
    expect(store.code).toBe('540424')
    expect(store.figures.members.period).toBe('all')
  })

  it('keeps the error of a failed load', async () => {
    mockFetch({
      ...routes(),
      'GET /api/v1/figures': () => ({ status: 403, body: { error: { code: 'permission_denied', message: '只能查看本辖区' } } }),
    })
    const store = useDashboardStore()
    await store.load({ code: '11', period: y2026 })
    expect((store.error as Error).message).toBe('只能查看本辖区')
    expect(store.loadingFigures).toBe(false)
  })
})
