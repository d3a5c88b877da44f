import { afterEach, describe, expect, it, vi } from 'vitest'
import GlobalSearch from './GlobalSearch.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import type { SearchResults } from '@/api/search'

const results: SearchResults = {
  query: '次仁',
  units: [
    { code: '540424100201', name: '次仁村', display_name: '次仁村', level_zh: '村', path_names: ['西藏自治区', '波密县', '次仁村'] },
  ],
  orgs: [{ id: 7, name: '中共次仁村党支部', kind_zh: '党支部', unit_code: '540424100201', unit_name: '次仁村' }],
  members: [
    { id: 41, name: '次仁多吉', org_id: 7, org_name: '中共次仁村党支部', unit_code: '540424100201', unit_name: '次仁村' },
    { id: 42, name: '次仁央宗', org_id: 7, org_name: '中共次仁村党支部', unit_code: '540424100201', unit_name: '次仁村' },
  ],
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function mountSearch() {
  const mounted = await mountWithApp(GlobalSearch, { props: { delay: 0 } })
  mounted.router.addRoute({ path: '/orgs/:id', name: 'org', component: { template: '<div/>' } })
  mounted.router.addRoute({ path: '/members/:id', name: 'member', component: { template: '<div/>' } })
  const input = document.querySelector('input[data-testid="global-search"]') as HTMLInputElement
  return { ...mounted, input }
}

function type(input: HTMLInputElement, text: string) {
  input.value = text
  input.dispatchEvent(new Event('input'))
}

function key(input: HTMLInputElement, k: string) {
  input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }))
}

const options = () => Array.from(document.querySelectorAll('[role="option"]')) as HTMLElement[]
const panel = () => document.querySelector('[data-testid="global-search-results"]') as HTMLElement

describe('GlobalSearch', () => {
  it('shows the results grouped by kind under Chinese headings', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/search': () => ({ status: 200, body: results }) })
    const { input } = await mountSearch()
    type(input, ' 次仁 ')
    await waitFor(() => options().length === 4)
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toContain(`q=${encodeURIComponent('次仁')}`)
    const headings = Array.from(document.querySelectorAll('.search-heading')).map((h) => h.textContent)
    expect(headings).toEqual(['党员', '党组织', '单位'])
    expect(options()[0].textContent).toContain('次仁多吉')
    expect(options()[0].textContent).toContain('中共次仁村党支部')
    expect(input.getAttribute('aria-expanded')).toBe('true')
  })

  it('moves with the arrow keys and opens the chosen member with Enter', async () => {
    mockFetch({ 'GET /api/v1/search': () => ({ status: 200, body: results }) })
    const { input, router } = await mountSearch()
    type(input, '次仁')
    await waitFor(() => options().length === 4)
    key(input, 'ArrowDown')
    key(input, 'ArrowDown')
    await flush()
    expect(options()[1].getAttribute('aria-selected')).toBe('true')
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[1].id)
    key(input, 'ArrowUp')
    key(input, 'ArrowUp') // wraps to the last: the unit
    await flush()
    expect(options()[3].getAttribute('aria-selected')).toBe('true')
    key(input, 'ArrowDown') // wraps to the first
    key(input, 'ArrowDown')
    key(input, 'Enter')
    await waitFor(() => router.currentRoute.value.path === '/members/42')
    expect(router.currentRoute.value.path).toBe('/members/42')
  })

  it('opens a unit and an organization by click; Esc closes the list', async () => {
    mockFetch({ 'GET /api/v1/search': () => ({ status: 200, body: results }) })
    const { input, router } = await mountSearch()
    type(input, '次仁')
    await waitFor(() => options().length === 4)
    key(input, 'Escape')
    await flush()
    expect(panel().style.display).toBe('none')
    expect(input.getAttribute('aria-expanded')).toBe('false')

    type(input, '次仁村')
    await waitFor(() => panel().style.display !== 'none' && options().length === 4)
    options()[2].click()
    await waitFor(() => router.currentRoute.value.path === '/orgs/7')
    expect(router.currentRoute.value.path).toBe('/orgs/7')

    type(input, '次仁村')
    await waitFor(() => panel().style.display !== 'none' && options().length === 4)
    options()[3].click()
    await waitFor(() => router.currentRoute.value.path === '/units/540424100201')
    expect(router.currentRoute.value.path).toBe('/units/540424100201')
  })

  it('says when nothing matches, and shows the server\'s message on an error', async () => {
    let fail = false
    mockFetch({
      'GET /api/v1/search': () =>
        fail
          ? { status: 400, body: { error: { code: 'invalid_argument', message: '搜索内容太长：最多 50 个字。', field: 'q' } } }
          : { status: 200, body: { query: '无此人', units: [], orgs: [], members: [] } },
    })
    const { input } = await mountSearch()
    type(input, '无此人')
    await waitFor(() => panel().textContent!.includes('没有找到匹配的单位、组织或党员'))
    expect(panel().textContent).toContain('没有找到匹配的单位、组织或党员')
    fail = true
    type(input, '太长')
    await waitFor(() => panel().textContent!.includes('最多 50 个字'))
    expect(panel().querySelector('[role="alert"]')?.textContent).toContain('最多 50 个字')
  })

  it('does not ask the server for blank text', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/search': () => ({ status: 200, body: results }) })
    const { input } = await mountSearch()
    type(input, '   ')
    await flush()
    await flush()
    expect(calls).toHaveLength(0)
    expect(input.getAttribute('aria-expanded')).toBe('false')
  })
})
