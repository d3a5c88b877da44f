// Merging and dissolving an organization, registering a two-new organization, the yearly review.
import { afterEach, describe, expect, it, vi } from 'vitest'
import MergeDialog from './MergeDialog.vue'
import EndDateDialog from './EndDateDialog.vue'
import TwoNewDialog from './TwoNewDialog.vue'
import ReviewDialog from './ReviewDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill, setModel } from '@/test/formHelpers'
import { dissolveOrg, type Organization } from '@/api/orgs'

const branch: Organization = {
  id: 4, unit_code: '540424100201', unit_name: '扎木村', parent_id: 2, kind: 'branch', kind_zh: '党支部', name: '扎木村党支部',
  two_new_id: null, temp_reason: null, starts_on: null, ends_on: null, established_on: '2020-01-01', status: 'active',
  ended_on: null, successor_id: null, version: 2, member_count: 4, covered_units: [],
}
const other = { ...branch, id: 5, name: '八盖村党支部', unit_name: '八盖村' }

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

describe('MergeDialog', { timeout: 30000 }, () => {
  it('needs the organization to merge into, and shows the server\'s error under it', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/orgs/4/merge': () => ({
        status: 412,
        body: { error: { code: 'failed_precondition', message: '只有在用的组织才能合并。', field: 'into' } },
      }),
    })
    const { wrapper } = await open(MergeDialog, { org: branch, candidates: [branch, other] })
    const labels = wrapper.findAllComponents({ name: 'ElOption' }).map((o) => (o.props() as { label: string }).label)
    expect(labels).toEqual(['八盖村党支部（八盖村）'])
    await click('merge-save')
    await waitFor(() => errorUnder('合并到') !== '')
    expect(errorUnder('合并到')).toBe('请选择要合并到的组织')
    expect(calls).toHaveLength(0)
    await setModel(wrapper, 'ElSelect', 'merge-into', 5)
    await click('merge-save')
    await waitFor(() => errorUnder('合并到').includes('在用'))
    expect(calls[0].body).toMatchObject({ into: 5 })
    expect((calls[0].body as { on_date: string }).on_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })
})

describe('EndDateDialog (dissolve)', { timeout: 30000 }, () => {
  it('sends the day with the version, and shows the server\'s date error under the date', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/orgs/4/dissolve': () => ({
        status: 400,
        body: { error: { code: 'invalid_argument', message: '日期不能晚于今天。', field: 'on_date' } },
      }),
    })
    const submit = (date: string) => dissolveOrg(4, { on_date: date, version: 2 })
    const { wrapper } = await open(EndDateDialog, { title: '撤销党组织', submit, danger: true })
    await setModel(wrapper, 'ElDatePicker', 'end-date', '2999-01-01')
    await click('end-save')
    await waitFor(() => errorUnder('日期') !== '')
    expect(calls[0].body).toEqual({ on_date: '2999-01-01', version: 2 })
    expect(errorUnder('日期')).toContain('不能晚于今天')
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})

describe('TwoNewDialog', { timeout: 30000 }, () => {
  it('registers a two-new organization in the unit', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/two-new-orgs': (req) => ({ status: 201, body: { two_new_org: { id: 3, registered_on: '2026-11-23', ...(req.body as object) } } }),
    })
    const { wrapper } = await open(TwoNewDialog, { unitCode: '540424100', unitName: '扎木镇' })
    await click('two-new-save')
    await waitFor(() => errorUnder('名称') !== '')
    expect(errorUnder('名称')).toBe('请填写两新组织名称')
    await fill('two-new-name', '波密县藏香猪养殖合作社')
    await click('two-new-save')
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(calls[0].body).toEqual({ unit_code: '540424100', name: '波密县藏香猪养殖合作社', kind: 'enterprise' })
  })
})

describe('ReviewDialog', { timeout: 30000 }, () => {
  it('asks for a note when improvement is needed and shows a repeat review\'s error under the year', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/orgs/4/review': () => ({
        status: 409,
        body: { error: { code: 'conflict', message: '该组织 2025 年的记录已审核过。', field: 'year' } },
      }),
    })
    const { wrapper } = await open(ReviewDialog, { orgId: 4, year: 2025 })
    await setModel(wrapper, 'ElRadioGroup', 'review-result', 'needs_improvement')
    await click('review-save')
    await waitFor(() => errorUnder('意见') !== '')
    expect(errorUnder('意见')).toBe('结论为需整改时请写明意见')
    expect(calls).toHaveLength(0)
    await fill('review-note', '党小组会记录不全')
    await click('review-save')
    await waitFor(() => errorUnder('年度') !== '')
    expect(calls[0].body).toEqual({ year: 2025, result: 'needs_improvement', note: '党小组会记录不全' })
    expect(errorUnder('年度')).toContain('已审核过')
  })
})
