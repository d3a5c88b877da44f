import { afterEach, describe, expect, it, vi } from 'vitest'
import MemberDialog from './MemberDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill, setModel } from '@/test/formHelpers'
import type { Member } from '@/api/members'

const lamu: Member = {
  id: 7, org_id: 4, unit_code: '540424100201', unit_name: '扎木村', name: '拉姆', gender: 'female', birth_date: '1990-06-16',
  phone: '13800001234', id_number: '5404**********1234', stage: 'full', stage_zh: '正式党员', stage_since: '2016-07-01',
  situation: 'in_service', status: 'active', version: 5, created_at: '2026-04-01T00:00:00Z',
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function open(props: Record<string, unknown>) {
  const mounted = await mountWithApp(MemberDialog, { props: { modelValue: false, ...props } as never })
  await mounted.wrapper.setProps({ modelValue: true } as never)
  await flush()
  return mounted
}

describe('MemberDialog', { timeout: 30000 }, () => {
  it('adds a member to the organization with the fields the server expects', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/members': (req) => ({ status: 201, body: { member: { ...lamu, id: 99, ...(req.body as object) } } }),
    })
    const { wrapper } = await open({ mode: 'add', orgId: 4 })
    await fill('member-name', ' 次仁旺姆 ')
    await setModel(wrapper, 'ElDatePicker', 'member-birth', '1988-03-02')
    await setModel(wrapper, 'ElSelect', 'member-stage', 'probationary')
    await setModel(wrapper, 'ElDatePicker', 'member-since', '2026-07-01')
    await setModel(wrapper, 'ElSelect', 'member-situation', 'migrant')
    await fill('member-phone', '13912345678')
    await fill('member-id-number-input', '54042419880302123x')
    await click('member-save')
    await waitFor(() => calls.length > 0)
    expect(calls[0].body).toEqual({
      org_id: 4,
      name: '次仁旺姆',
      gender: 'male',
      birth_date: '1988-03-02',
      phone: '13912345678',
      id_number: '54042419880302123X',
      stage: 'probationary',
      stage_since: '2026-07-01',
      situation: 'migrant',
    })
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 99 })
  })

  it('checks the ID number\'s shape and shows the server\'s error under the birth date', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/members': () => ({
        status: 400,
        body: { error: { code: 'invalid_argument', message: '出生日期应为不晚于今天的日期，如 1980-05-01。', field: 'birth_date' } },
      }),
    })
    const { wrapper } = await open({ mode: 'add', orgId: 4 })
    await fill('member-name', '格桑')
    await setModel(wrapper, 'ElDatePicker', 'member-birth', '2990-01-01')
    await fill('member-id-number-input', '1234')
    await click('member-save')
    await waitFor(() => errorUnder('身份证号（选填）') !== '')
    expect(errorUnder('身份证号（选填）')).toContain('18 位')
    expect(calls).toHaveLength(0)
    await fill('member-id-number-input', '')
    await click('member-save')
    await waitFor(() => errorUnder('出生日期') !== '')
    expect(errorUnder('出生日期')).toContain('不晚于今天')
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('edits: sends only what changed, with the version, and never the masked ID number', async () => {
    const { calls } = mockFetch({
      'PATCH /api/v1/members/7': () => ({ status: 200, body: { member: { ...lamu, phone: null, situation: 'migrant', version: 6 } } }),
    })
    const { wrapper } = await open({ mode: 'edit', member: lamu })
    expect((document.querySelector('input[data-testid="member-name"]') as HTMLInputElement).value).toBe('拉姆')
    expect((document.querySelector('input[data-testid="member-id-number-input"]') as HTMLInputElement).placeholder).toContain('5404**********1234')
    await fill('member-phone', '')
    await setModel(wrapper, 'ElSelect', 'member-situation', 'migrant')
    await click('member-save')
    await waitFor(() => calls.length > 0)
    expect(calls[0].method).toBe('PATCH')
    expect(calls[0].body).toEqual({ version: 5, phone: null, situation: 'migrant' })
  })
})
