// Officers, pairings (and their activities) and task teams (and joining them).
import { afterEach, describe, expect, it, vi } from 'vitest'
import OfficerDialog from './OfficerDialog.vue'
import PairingDialog from './PairingDialog.vue'
import ActivityDialog from './ActivityDialog.vue'
import TaskTeamDialog from './TaskTeamDialog.vue'
import TeamJoinDialog from './TeamJoinDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill, setModel } from '@/test/formHelpers'
import { termEnd } from '@/utils/format'
import type { Organization } from '@/api/orgs'
import type { Pairing, TaskTeam } from '@/api/orgWork'

const branch: Organization = {
  id: 4, unit_code: '540424100201', unit_name: '扎木村', parent_id: 2, kind: 'branch', kind_zh: '党支部', name: '扎木村党支部',
  two_new_id: null, temp_reason: null, starts_on: null, ends_on: null, established_on: '2020-01-01', status: 'active',
  ended_on: null, successor_id: null, version: 2, member_count: 4, covered_units: [],
}
const people = [
  { id: 11, name: '次仁', stage: 'full' },
  { id: 12, name: '扎西', stage: 'full' },
]
const membersRoute = { 'GET /api/v1/members': () => ({ status: 200, body: { items: people, total: 2, offset: 0, limit: 200 } }) }

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function open(component: object, props: Record<string, unknown>) {
  const mounted = await mountWithApp(component as never, { props: { modelValue: false, ...props } as never })
  await mounted.wrapper.setProps({ modelValue: true } as never)
  await flush()
  return mounted
}

describe('termEnd', () => {
  it('is the day before the same date years later', () => {
    expect(termEnd('2026-01-10', 5)).toBe('2031-01-09')
    expect(termEnd('2024-03-01', 5)).toBe('2029-02-28')
    expect(termEnd('someday', 5)).toBe('')
  })
})

describe('OfficerDialog', { timeout: 30000 }, () => {
  it('needs a member, sends the appointment, and shows the server\'s error under the term start', async () => {
    const { calls } = mockFetch({
      ...membersRoute,
      'POST /api/v1/orgs/4/officers': () => ({
        status: 400,
        body: { error: { code: 'invalid_argument', message: '任期开始日期不能晚于今天。', field: 'term_start' } },
      }),
    })
    const { wrapper } = await open(OfficerDialog, { orgId: 4 })
    await click('officer-save')
    await waitFor(() => errorUnder('党员') !== '')
    expect(errorUnder('党员')).toBe('请选择党员')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    await setModel(wrapper, 'ElSelect', 'officer-member', 12)
    await setModel(wrapper, 'ElRadioGroup', 'officer-position', 'deputy_secretary')
    await setModel(wrapper, 'ElDatePicker', 'officer-start', '2026-01-10')
    await flush()
    await click('officer-save')
    await waitFor(() => errorUnder('任期开始') !== '')
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      member_id: 12,
      position: 'deputy_secretary',
      term_start: '2026-01-10',
      term_end: '2031-01-09',
    })
    expect(errorUnder('任期开始')).toContain('不能晚于今天')
  })
})

describe('PairingDialog and ActivityDialog', { timeout: 30000 }, () => {
  it('pairs with a partner; the server\'s error on the partner shows under it', async () => {
    const partner = { ...branch, id: 5, name: '八盖村党支部', unit_name: '八盖村' }
    const { calls } = mockFetch({
      'GET /api/v1/orgs': () => ({ status: 200, body: { items: [branch, partner], total: 2, offset: 0, limit: 200 } }),
      'POST /api/v1/pairings': () => ({
        status: 409,
        body: { error: { code: 'conflict', message: '这两个组织已在结对中。', field: 'partner_org_id' } },
      }),
    })
    const { wrapper } = await open(PairingDialog, { org: branch })
    await click('pairing-save')
    await waitFor(() => errorUnder('结对组织') !== '')
    expect(errorUnder('结对组织')).toBe('请选择结对组织')
    await setModel(wrapper, 'ElSelect', 'pairing-partner', 5)
    await fill('pairing-note', '相邻两村')
    await click('pairing-save')
    await waitFor(() => errorUnder('结对组织').includes('已在结对中'))
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toMatchObject({ org_id: 4, partner_org_id: 5, kind: 'adjacent_area', note: '相邻两村' })
    expect(post.body).not.toHaveProperty('ends_on')
  })

  it('logs an activity of a pairing', async () => {
    const pairing = { id: 3, partner: { org_id: 5, name: '八盖村党支部' } } as unknown as Pairing
    const { calls } = mockFetch({
      'POST /api/v1/pairings/3/activities': (req) => ({ status: 201, body: { activity: { id: 8, pairing_id: 3, ...(req.body as object) } } }),
    })
    const { wrapper } = await open(ActivityDialog, { pairing })
    await click('activity-save')
    await waitFor(() => errorUnder('活动名称') !== '')
    expect(errorUnder('活动名称')).toBe('请填写活动名称')
    await fill('activity-title', '七一联合主题党日')
    await setModel(wrapper, 'ElInputNumber', 'activity-participants', 26)
    await click('activity-save')
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(calls[0].body).toMatchObject({ title: '七一联合主题党日', participants: 26 })
  })
})

describe('TaskTeamDialog and TeamJoinDialog', { timeout: 30000 }, () => {
  it('sets up a team; the server\'s error on the purpose shows under it', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/orgs/4/task-teams': () => ({
        status: 400,
        body: { error: { code: 'invalid_argument', message: '请写明团队任务（1–200 字）。', field: 'purpose' } },
      }),
    })
    const { wrapper } = await open(TaskTeamDialog, { orgId: 4 })
    await fill('team-name', '护林防火服务团')
    await click('team-save')
    await waitFor(() => errorUnder('任务') !== '')
    expect(errorUnder('任务')).toBe('请写明团队要办的事')
    await fill('team-purpose', '防火')
    await click('team-save')
    await waitFor(() => errorUnder('任务').includes('1–200'))
    expect(calls[0].body).toMatchObject({ name: '护林防火服务团', purpose: '防火' })
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('offers only members not yet in the team and sends the join', async () => {
    const team = { id: 6, org_id: 4, name: '茶产业发展服务团' } as TaskTeam
    const { calls } = mockFetch({
      ...membersRoute,
      'POST /api/v1/task-teams/6/members': () => ({
        status: 201,
        body: { membership: { id: 1, team_id: 6, team_name: '茶产业发展服务团', member_id: 12, member_name: '扎西', joined_on: '2026-11-01', left_on: null, current: true } },
      }),
    })
    const { wrapper } = await open(TeamJoinDialog, { team, current: [11] })
    await waitFor(() => calls.length > 0)
    await flush()
    const options = wrapper.findAllComponents({ name: 'ElOption' }).map((o) => (o.props() as { label: string }).label)
    expect(options).toEqual(['扎西'])
    await setModel(wrapper, 'ElSelect', 'team-join-member', 12)
    await click('team-join-save')
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ member_id: 12 })
  })
})
