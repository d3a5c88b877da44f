import { afterEach, describe, expect, it, vi } from 'vitest'
import AdvanceDialog from './AdvanceDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import type { Member } from '@/api/members'

const lamu: Member = {
  id: 7, org_id: 4, unit_code: '540424100201', unit_name: '扎木村', name: '拉姆', gender: 'female', birth_date: '1990-06-16',
  phone: null, id_number: '5404**********1234', stage: 'activist', stage_zh: '入党积极分子', stage_since: '2026-04-01',
  situation: 'in_service', status: 'active', version: 1, created_at: '2026-04-01T00:00:00Z',
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('AdvanceDialog', () => {
  it('asks for the next stage and shows the server\'s earliest date under the date field', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/members/7/advance': () => ({
        status: 412,
        body: {
          error: {
            code: 'failed_precondition',
            message: '“入党积极分子”阶段至少需要 365 天，最早可在 2027-04-01 转为“发展对象”。',
            field: 'on_date',
          },
        },
      }),
    })
    const { wrapper } = await mountWithApp(AdvanceDialog, { props: { modelValue: false, member: lamu } })
    await wrapper.setProps({ modelValue: true })
    await flush()
    expect(document.querySelector('[data-testid="advance-to"]')?.textContent).toContain('发展对象')
    ;(document.querySelector('[data-testid="advance-save"]') as HTMLButtonElement).click()
    const date = [...document.querySelectorAll('.el-form-item')].find((i) => i.querySelector('label')?.textContent === '日期')!
    await waitFor(() => !!date.querySelector('.el-form-item__error'))
    expect(date.querySelector('.el-form-item__error')?.textContent).toContain('最早可在 2027-04-01')
    expect(calls[0].body).toMatchObject({ to_stage: 'candidate' })
    expect((calls[0].body as { on_date: string }).on_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(wrapper.emitted('advanced')).toBeUndefined()
  })
})
