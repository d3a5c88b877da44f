import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import GroupDialog from './GroupDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import type { Unit } from '@/api/types'

const village: Unit = {
  code: '540424100201',
  name: '扎木村',
  display_name: '扎木村',
  level: 'village',
  level_zh: '村',
  parent_code: '540424100',
  retired: false,
  user_defined: false,
  placeholder: false,
  version: 1,
  child_count: 0,
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('GroupDialog', () => {
  it('shows the server\'s error under the name field', async () => {
    mockFetch({
      'POST /api/v1/units/540424100201/groups': () => ({
        status: 409,
        body: { error: { code: 'conflict', message: '扎木村 已有名为“一组”的村民小组。', field: 'name' } },
      }),
    })
    const { wrapper } = await mountWithApp(GroupDialog, { props: { modelValue: false, unit: village, mode: 'add' } })
    await wrapper.setProps({ modelValue: true })
    await flush()
    const input = document.querySelector('input[data-testid="group-name"]') as HTMLInputElement
    input.value = '一组'
    input.dispatchEvent(new Event('input'))
    await nextTick()
    ;(document.querySelector('[data-testid="group-save"]') as HTMLButtonElement).click()
    for (let i = 0; i < 6; i++) await flush()
    const item = input.closest('.el-form-item')!
    await waitFor(() => !!item.querySelector('.el-form-item__error'))
    expect(item.classList.contains('is-error')).toBe(true)
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('已有名为“一组”的村民小组')
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('adds the group and reports it', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/units/540424100201/groups': (req) => ({
        status: 201,
        body: { unit: { ...village, code: '540424100201001', name: (req.body as { name: string }).name, level: 'group' } },
      }),
    })
    const { wrapper } = await mountWithApp(GroupDialog, { props: { modelValue: false, unit: village, mode: 'add' } })
    await wrapper.setProps({ modelValue: true })
    await flush()
    const input = document.querySelector('input[data-testid="group-name"]') as HTMLInputElement
    input.value = '  本冬村民小组 '
    input.dispatchEvent(new Event('input'))
    await nextTick()
    ;(document.querySelector('[data-testid="group-save"]') as HTMLButtonElement).click()
    for (let i = 0; i < 6; i++) await flush()
    expect(calls[0].body).toEqual({ name: '本冬村民小组' })
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ name: '本冬村民小组' })
  })
})
