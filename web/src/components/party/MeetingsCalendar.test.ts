import { afterEach, describe, expect, it, vi } from 'vitest'
import MeetingsCalendar from './MeetingsCalendar.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { useSessionStore } from '@/stores/session'

const year = new Date().getFullYear()

// A committee's calendar: the kinds do not bind it (bound: false), one held.
const committee = {
  org_id: 7,
  year,
  review: null,
  kinds: [
    { kind: 'general', name: '支部党员大会', due: 0, held: 1, missed: 0, bound: false, periods: [{ period: `${year}-Q1`, held: 1, state: 'held' }] },
    { kind: 'theme_day', name: '主题党日', due: 2, held: 0, missed: 1, bound: true, periods: [
      { period: `${year}-01`, held: 0, state: 'missed' },
      { period: `${year}-02`, held: 0, state: 'due' },
    ] },
  ],
}

async function open(permissions: string[]) {
  mockFetch({
    'GET /api/v1/orgs/7/compliance': () => ({ status: 200, body: committee }),
    'GET /api/v1/orgs/7/meetings': () => ({ status: 200, body: { org_id: 7, year, items: [] } }),
  })
  const mounted = await mountWithApp(MeetingsCalendar, { props: { orgId: 7, isPhone: false, canWrite: true } })
  useSessionStore().apply({
    user: { id: 1, username: 'u', display_name: 'u', roles: [], permissions },
    csrf_token: 't',
    expires_at: '2099-01-01T00:00:00Z',
    idle_timeout_seconds: 3600,
  })
  await waitFor(() => mounted.wrapper.find('[data-testid="compliance-general"]').exists())
  await flush()  // the render after the session's permissions arrived
  return mounted
}

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('MeetingsCalendar', { timeout: 30000 }, () => {
  it('lets a village secretary (meetings.write) record a meeting but not review the year', async () => {
    const { wrapper } = await open(['orgs.read', 'meetings.write'])
    expect(wrapper.find('[data-testid="meeting-record"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="meeting-review"]').exists()).toBe(false)
  })

  it('shows the county both actions, and a reader neither', async () => {
    const county = await open(['orgs.read', 'orgs.write', 'meetings.write'])
    expect(county.wrapper.find('[data-testid="meeting-record"]').exists()).toBe(true)
    expect(county.wrapper.find('[data-testid="meeting-review"]').exists()).toBe(true)
    county.wrapper.unmount()
    const reader = await open(['orgs.read'])
    expect(reader.wrapper.find('[data-testid="meeting-record"]').exists()).toBe(false)
    expect(reader.wrapper.find('[data-testid="meeting-review"]').exists()).toBe(false)
  })

  it('says a kind that does not bind the organization is not required, without held / due', async () => {
    const { wrapper } = await open(['orgs.read'])
    const general = wrapper.find('[data-testid="compliance-general"]')
    expect(general.find('[data-testid="compliance-not-bound"]').text()).toBe('本组织不作要求，已开 1 次')
    expect(general.text()).not.toContain('1/0')
    const theme = wrapper.find('[data-testid="compliance-theme_day"]')
    expect(theme.find('[data-testid="compliance-not-bound"]').exists()).toBe(false)
    expect(theme.text()).toContain('0/2')
  })
})
