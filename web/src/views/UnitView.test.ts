import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import UnitView from './UnitView.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { useSessionStore } from '@/stores/session'
import type { Unit, UnitLevel } from '@/api/types'

// The page renders whatever is registered: a registry of plain components stands in for the
// domains' tabs (their own tests and the e2e suite cover them).
vi.mock('@/units/tabs', async () => {
  const { registryOf, defineUnitTab } = await import('./../units/tabRegistry')
  const pane = (id: string) =>
    defineComponent({
      props: { unit: { type: Object, required: true }, isPhone: Boolean, extra: { type: String, default: '' } },
      setup: (p) => () => h('div', { 'data-testid': `pane-${id}` }, `${id}:${(p.unit as Unit).code}:${p.extra}`),
    })
  const tab = (id: string, order: number, more = {}) =>
    defineUnitTab({ id, labelKey: 'unitTabs.overview', component: () => Promise.resolve(pane(id)), order, ...more })
  return {
    unitTabs: registryOf({
      './tabs/a.ts': { default: [tab('second', 20, { permission: 'members.read' }), tab('first', 10)] },
      './tabs/b.ts': { default: tab('villageonly', 30, { levels: ['village'], props: { extra: 'x' } }) },
    }),
  }
})

const unit = (code: string, level: UnitLevel): Unit => ({
  code,
  name: code,
  display_name: code,
  level,
  level_zh: '',
  parent_code: null,
  retired: false,
  user_defined: false,
  placeholder: false,
  version: 1,
  child_count: 0,
})

function serve(level: UnitLevel) {
  mockFetch({
    'GET /api/v1/units/540424': () => ({ status: 200, body: { unit: unit('540424', level), path: [] } }),
  })
}

async function open(path: string, permissions: string[]) {
  const mounted = await mountWithApp(UnitView, {}, path)
  useSessionStore().apply({
    user: { id: 1, username: 'u', display_name: 'u', roles: [], permissions },
    csrf_token: 't',
    expires_at: '2099-01-01T00:00:00Z',
    idle_timeout_seconds: 3600,
  })
  await waitFor(() => mounted.wrapper.find('[role="tab"]').exists())
  return mounted
}

const tabIds = (w: Awaited<ReturnType<typeof open>>['wrapper']) => w.findAll('[role="tab"]').map((t) => t.attributes('id'))

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('UnitView tabs', () => {
  it('shows the registered tabs that fit the level and the permissions, in order, the first open', async () => {
    serve('county')
    const { wrapper } = await open('/units/540424', ['units.read', 'members.read'])
    expect(tabIds(wrapper)).toEqual(['tab-first', 'tab-second'])
    await waitFor(() => wrapper.find('[data-testid="pane-first"]').exists())
    expect(wrapper.find('[data-testid="pane-first"]').text()).toBe('first:540424:')
  })

  it('hides a tab without its permission, and shows a level-bound tab with its own props', async () => {
    serve('village')
    const { wrapper } = await open('/units/540424?tab=villageonly', ['units.read'])
    expect(tabIds(wrapper)).toEqual(['tab-first', 'tab-villageonly'])
    await waitFor(() => wrapper.find('[data-testid="pane-villageonly"]').exists())
    expect(wrapper.find('[data-testid="pane-villageonly"]').text()).toBe('villageonly:540424:x')
  })

  it('opens the tab a deep link names, and writes the chosen tab in the URL (none for the first)', async () => {
    serve('county')
    const { wrapper, router } = await open('/units/540424?tab=second', ['units.read', 'members.read'])
    await waitFor(() => wrapper.find('[data-testid="pane-second"]').exists())
    expect(wrapper.find('[data-testid="pane-second"]').exists()).toBe(true)
    await wrapper.find('#tab-first').trigger('click')
    await waitFor(() => router.currentRoute.value.query.tab === undefined)
    expect(router.currentRoute.value.fullPath).toBe('/units/540424')
    await wrapper.find('#tab-second').trigger('click')
    await waitFor(() => router.currentRoute.value.query.tab === 'second')
    expect(router.currentRoute.value.query.tab).toBe('second')
  })

  it('lands on the first tab when the link names a tab this unit or user does not show', async () => {
    serve('county')
    const { wrapper } = await open('/units/540424?tab=villageonly', ['units.read'])
    await flush()
    await waitFor(() => wrapper.find('[data-testid="pane-first"]').exists())
    expect(wrapper.find('[data-testid="pane-first"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="pane-villageonly"]').exists()).toBe(false)
  })
})
