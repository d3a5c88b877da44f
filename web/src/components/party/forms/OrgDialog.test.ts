import { afterEach, describe, expect, it, vi } from 'vitest'
import OrgDialog from './OrgDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill } from '@/test/formHelpers'
import type { Organization } from '@/api/orgs'

const town: Organization = {
  id: 2, unit_code: '540424100', unit_name: '扎木镇', parent_id: 1, kind: 'committee', kind_zh: '党委', name: '中共扎木镇委员会',
  two_new_id: null, temp_reason: null, starts_on: null, ends_on: null, established_on: '2020-01-01', status: 'active',
  ended_on: null, successor_id: null, version: 3, member_count: 0, covered_units: [],
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function open(props: Record<string, unknown>) {
  const mounted = await mountWithApp(OrgDialog, { props: { modelValue: false, ...props } as never })
  await mounted.wrapper.setProps({ modelValue: true } as never)
  await flush()
  return mounted
}

describe('OrgDialog', { timeout: 30000 }, () => {
  it('refuses an empty name before asking the server', async () => {
    const { calls } = mockFetch({})
    await open({ mode: 'create', unitCode: '540424100201', unitName: '扎木村', parents: [town], parentId: 2 })
    await click('org-save')
    await waitFor(() => errorUnder('组织名称') !== '')
    expect(errorUnder('组织名称')).toBe('请填写组织名称')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })

  it('creates a temporary branch with its reason and dates, and shows the server\'s error under the reason', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/orgs': () => ({
        status: 400,
        body: { error: { code: 'invalid_argument', message: '临时党支部须写明成立原因（如“虫草采挖季”“抗震救灾一线”）。', field: 'temp_reason' } },
      }),
    })
    const { wrapper } = await open({ mode: 'create', unitCode: '540424100201', unitName: '扎木村', parents: [town], parentId: 2 })
    const kind = wrapper.findAllComponents({ name: 'ElRadioGroup' })[0]
    kind.vm.$emit('update:modelValue', 'temporary_branch')
    await flush()
    await fill('org-name', ' 扎木村虫草采挖临时党支部 ')
    await fill('org-reason', '虫草季')
    const pickers = wrapper.findAllComponents({ name: 'ElDatePicker' })
    pickers[0].vm.$emit('update:modelValue', '2026-05-01')
    pickers[1].vm.$emit('update:modelValue', '2026-07-15')
    await flush()
    await click('org-save')
    await waitFor(() => errorUnder('成立原因') !== '')
    expect(calls[0].body).toEqual({
      unit_code: '540424100201',
      kind: 'temporary_branch',
      name: '扎木村虫草采挖临时党支部',
      parent_id: 2,
      temp_reason: '虫草季',
      starts_on: '2026-05-01',
      ends_on: '2026-07-15',
    })
    expect(errorUnder('成立原因')).toContain('须写明成立原因')
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('renames with the version read; a conflict shows under the name', async () => {
    const { calls } = mockFetch({
      'PATCH /api/v1/orgs/2': () => ({
        status: 409,
        body: { error: { code: 'conflict', message: '该组织刚被其他人修改过，请刷新后重试。', field: 'version' } },
      }),
    })
    await open({ mode: 'rename', org: town })
    expect((document.querySelector('input[data-testid="org-name"]') as HTMLInputElement).value).toBe('中共扎木镇委员会')
    await fill('org-name', '中共扎木镇党委')
    await click('org-save')
    await waitFor(() => errorUnder('组织名称') !== '')
    expect(calls[0].body).toEqual({ name: '中共扎木镇党委', version: 3 })
    expect(errorUnder('组织名称')).toContain('刚被其他人修改过')
  })
})
