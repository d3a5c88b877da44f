import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLanguage } from '@/i18n'
import { mockFetch } from '@/test/fetchMock'
import { waitFor } from '@/test/mountApp'
import UnitDashboard from './UnitDashboard.vue'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

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
  { id: 'dues.paid', title: '党费收缴', domain: 'members', measure: 'sum', unit: '分', kind: 'flow', dimensions: [] },
  {
    id: 'meetings.due',
    title: '应开展组织生活',
    domain: 'members',
    measure: 'sum',
    unit: '次',
    kind: 'stock',
    calendar: true,
    dimensions: [],
  },
  {
    id: 'meetings.periods_held',
    title: '已开展组织生活',
    domain: 'members',
    measure: 'sum',
    unit: '次',
    kind: 'stock',
    calendar: true,
    ratio_of: 'meetings.due',
    dimensions: [],
  },
]
const TOTAL: Record<string, number> = {
  members: 123456,
  'dues.paid': 3420000,
  'meetings.due': 40,
  'meetings.periods_held': 35,
}
const answer = { as_of: { change: 42, applied_at: '' }, computed: { micros: 420 } }

function api() {
  return mockFetch({
    'GET /api/v1/indicators': () => ({ status: 200, body: { items: INDICATORS } }),
    'GET /api/v1/figures': (req) => {
      const q = new URL(req.url, 'http://x').searchParams
      const figures = q
        .get('indicator')!
        .split(',')
        .map((id) => ({
          indicator: id,
          total: TOTAL[id],
          by: q.get('by') ? [{ value: 'full', label: '正式党员', figure: 100000 }] : undefined,
        }))
      return { status: 200, body: { place, figures, ...answer } }
    },
    'GET /api/v1/figures/breakdown': (req) => {
      const id = new URL(req.url, 'http://x').searchParams.get('indicator')!
      return {
        status: 200,
        body: {
          place,
          indicator: id,
          level: 'township',
          rows: [{ code: '540424100', name: '扎木镇', level: 'township', child_count: 3, total: TOTAL[id] }],
          total_rows: 1,
          hidden_rows: 0,
          whole: { total: TOTAL[id] },
          ...answer,
        },
      }
    },
    'GET /api/v1/figures/trend': () => ({ status: 200, body: { place, indicator: 'dues.paid', points: [], ...answer } }),
  })
}

async function mountDashboard(embedded: boolean) {
  setActivePinia(createPinia())
  await setLanguage('zh-CN')
  const stub = { template: '<div/>' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/units/:code', name: 'unit', component: stub },
      { path: '/units/:code/:view', name: 'unit-figures', component: stub },
    ],
  })
  await router.push('/units/540424/dashboard?period=2026')
  await router.isReady()
  const wrapper = mount(UnitDashboard, {
    props: { code: '540424', embedded },
    attachTo: document.body,
    global: { plugins: [createPinia(), i18n, router], stubs: { FiguresChart: true } },
  })
  return { wrapper, router }
}

describe('UnitDashboard', () => {
  it('shows each figure as a card in Chinese formats, with the as-of line', async () => {
    api()
    const { wrapper } = await mountDashboard(true)
    await waitFor(() => wrapper.find('[data-testid="as-of"]').text().includes('变更'))
    const members = wrapper.find('[data-indicator="members"]')
    expect(members.find('[data-testid="figure-total"]').text()).toBe('12.3万')
    expect(members.text()).toContain('123,456')
    expect(members.text()).toContain('正式党员')
    expect(members.text()).toContain('100,000')
    expect(wrapper.find('[data-indicator="dues.paid"] [data-testid="figure-total"]').text()).toBe('¥3.4万')
    expect(wrapper.find('[data-indicator="dues.paid"]').text()).toContain('¥34,200.00')
    expect(wrapper.find('[data-indicator="dues.paid"]').text()).toContain('2026年')
    // Two figures requests (one per first dimension) of 0.42 ms each.
    expect(wrapper.find('[data-testid="as-of"]').text()).toBe('数据截至 变更 #42 · 计算用时 0.84 毫秒')
    // Meetings held as a share of those due (ratio_of).
    expect(wrapper.find('[data-indicator="meetings.periods_held"] [data-testid="figure-share"]').text()).toBe(
      '占应开展组织生活的 87.5%',
    )
    expect(wrapper.find('[data-indicator="meetings.due"] [data-testid="figure-share"]').exists()).toBe(false)
    // Embedded: no table.
    expect(wrapper.find('[data-testid="figures-table"]').exists()).toBe(false)
  })

  it('lists the units below on the full page, and a row opens that unit\'s dashboard', async () => {
    api()
    const { wrapper, router } = await mountDashboard(false)
    await waitFor(() => wrapper.find('[data-testid="figures-table"] tbody tr').exists())
    const row = wrapper.find('[data-testid="figures-table"] tbody tr')
    expect(row.text()).toContain('扎木镇')
    expect(row.text()).toContain('¥34,200.00')
    await row.trigger('click')
    await waitFor(() => router.currentRoute.value.params.code === '540424100')
    expect(router.currentRoute.value.fullPath).toBe('/units/540424100/dashboard?period=2026')
  }, 20000)

  it('exports the table of units below as .xlsx made by the server', async () => {
    const { calls } = api()
    const { wrapper } = await mountDashboard(false)
    await waitFor(() => wrapper.find('[data-testid="figures-table"] tbody tr').exists())
    const saved: Blob[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (saved.push(b), 'blob:x'), revokeObjectURL: () => {} }))
    const xlsx = wrapper.find('[data-testid="export-xlsx"]')
    expect(xlsx.text()).toBe('导出 Excel')
    await xlsx.trigger('click')
    await waitFor(() => saved.length === 1)
    // The server makes the file, for every indicator of the domain in the table.
    const asked = calls.map((c) => decodeURIComponent(c.url)).filter((u) => u.includes('format='))
    expect(asked).toEqual([
      '/api/v1/figures/breakdown?unit=540424&period=2026&level=children&indicator=members,dues.paid,meetings.due,meetings.periods_held&format=xlsx',
    ])
    expect(click).toHaveBeenCalledTimes(1)
    click.mockRestore()
  }, 20000)
})
