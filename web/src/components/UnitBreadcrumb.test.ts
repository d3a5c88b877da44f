import { afterEach, describe, expect, it } from 'vitest'
import UnitBreadcrumb from './UnitBreadcrumb.vue'
import ComingSoon from './ComingSoon.vue'
import { mountWithApp } from '@/test/mountApp'
import type { Unit } from '@/api/types'

const unit = (code: string, name: string, level: Unit['level'], display = name): Unit => ({
  code,
  name,
  display_name: display,
  level,
  level_zh: '',
  parent_code: null,
  retired: false,
  user_defined: false,
  placeholder: false,
  version: 1,
  child_count: 0,
})

afterEach(() => {
  document.body.innerHTML = ''
})

describe('UnitBreadcrumb', () => {
  it('links every ancestor, province first, and marks the current unit', async () => {
    const path = [unit('54', '西藏自治区', 'province'), unit('5404', '林芝市', 'prefecture'), unit('540424', '波密县', 'county')]
    const { wrapper } = await mountWithApp(UnitBreadcrumb, { props: { path, current: path[2] } })
    const items = wrapper.findAll('.el-breadcrumb__item').map((i) => i.text().replace('/', '').trim())
    expect(items).toEqual(['全国', '西藏自治区', '林芝市', '波密县'])
    expect(wrapper.findAll('[aria-current="page"]').map((e) => e.text().replace('/', '').trim())).toEqual(['波密县'])
  })

  it('shows the display name of placeholder units', async () => {
    const path = [unit('11', '北京市', 'province'), unit('1101', '市辖区', 'prefecture', '北京市（市辖区）')]
    const { wrapper } = await mountWithApp(UnitBreadcrumb, { props: { path, current: path[1] } })
    expect(wrapper.text()).toContain('北京市（市辖区）')
  })
})

describe('ComingSoon', () => {
  it('says which feature comes and what it will hold', async () => {
    const { wrapper } = await mountWithApp(ComingSoon, { props: { feature: 'teams' } })
    expect(wrapper.text()).toContain('“驻村工作队”即将上线')
    expect(wrapper.text()).toContain('第一书记')
  })
})
