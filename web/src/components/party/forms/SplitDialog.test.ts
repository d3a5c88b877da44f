import { afterEach, describe, expect, it, vi } from 'vitest'
import SplitDialog from './SplitDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill, setModel } from '@/test/formHelpers'
import type { Organization } from '@/api/orgs'

const branch: Organization = {
  id: 4, unit_code: '540424100201', unit_name: '扎木村', parent_id: 2, kind: 'branch', kind_zh: '党支部', name: '扎木村党支部',
  two_new_id: null, temp_reason: null, starts_on: null, ends_on: null, established_on: '2020-01-01', status: 'active',
  ended_on: null, successor_id: null, version: 2, member_count: 4, covered_units: [],
}
const people = [
  { id: 11, name: '次仁' },
  { id: 12, name: '扎西' },
  { id: 13, name: '卓玛' },
  { id: 14, name: '格桑' },
]

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function open(post: () => { status: number; body?: unknown }) {
  const fetch = mockFetch({
    'GET /api/v1/members': () => ({ status: 200, body: { items: people, total: 4, offset: 0, limit: 200 } }),
    'GET /api/v1/orgs': () => ({ status: 200, body: { items: [branch], total: 1, offset: 0, limit: 200 } }),
    'POST /api/v1/orgs/4/split': post,
  })
  const mounted = await mountWithApp(SplitDialog, { props: { modelValue: false, org: branch } })
  await mounted.wrapper.setProps({ modelValue: true })
  await waitFor(() => document.querySelector('[data-testid="split-remaining"]')?.textContent === '留在原组织的党员：4 名')
  return { ...mounted, ...fetch }
}

describe('SplitDialog', { timeout: 30000 }, () => {
  it('puts chosen members into new parts and sends the split', async () => {
    const { wrapper, calls } = await open(() => ({
      status: 200,
      body: { org: branch, parts: [{ ...branch, id: 9, name: '扎木村第一党支部', split_from_id: 4 }] },
    }))
    // A part with no name and no one in it is refused before the server.
    const first = () => document.querySelector('[data-testid="split-part-0"]')!
    await click('split-save')
    await waitFor(() => errorUnder('组织名称', first()) !== '')
    expect(errorUnder('组织名称', first())).toBe('请填写组织名称')
    await fill('split-name-0', '扎木村第一党支部')
    await click('split-save')
    await waitFor(() => errorUnder('转入的党员', first()) !== '')
    expect(errorUnder('转入的党员', first())).toContain('至少要有一名党员')

    await setModel(wrapper, 'ElSelect', 'split-members-0', [11, 12])
    await click('split-add-part')
    await fill('split-name-1', '扎木村第二党支部')
    await setModel(wrapper, 'ElSelect', 'split-members-1', [13])
    expect(document.querySelector('[data-testid="split-remaining"]')?.textContent).toBe('留在原组织的党员：1 名')
    await click('split-save')
    await waitFor(() => calls.some((c) => c.method === 'POST'))
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.url).toBe('/api/v1/orgs/4/split')
    expect(post.body).toMatchObject({
      version: 2,
      parts: [
        { name: '扎木村第一党支部', member_ids: [11, 12], child_org_ids: [] },
        { name: '扎木村第二党支部', member_ids: [13], child_org_ids: [] },
      ],
    })
    expect((post.body as { on_date: string }).on_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect((post.body as { parts: object[] }).parts[0]).not.toHaveProperty('kind')
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ parts: [{ id: 9, split_from_id: 4 }] })
  })

  it('shows a server error naming a part\'s field under that part', async () => {
    const { wrapper } = await open(() => ({
      status: 409,
      body: { error: { code: 'conflict', message: '扎木村 已有名为“扎木村党支部”的组织。', field: 'parts[1].name' } },
    }))
    await fill('split-name-0', '甲')
    await setModel(wrapper, 'ElSelect', 'split-members-0', [11])
    await click('split-add-part')
    await fill('split-name-1', '扎木村党支部')
    await setModel(wrapper, 'ElSelect', 'split-members-1', [12])
    await click('split-save')
    const second = document.querySelector('[data-testid="split-part-1"]')!
    await waitFor(() => errorUnder('组织名称', second) !== '')
    expect(errorUnder('组织名称', second)).toContain('已有名为')
    expect(errorUnder('组织名称', document.querySelector('[data-testid="split-part-0"]')!)).toBe('')
    await flush()
    expect(wrapper.emitted('saved')).toBeUndefined()
  })
})
