import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Organization } from '@/api/orgs'
import { mockFetch } from '@/test/fetchMock'
import { buildOrgTree, useOrgStore } from './orgs'

function org(id: number, parent: number | null, kind: Organization['kind'], name: string, status = 'active'): Organization {
  return {
    id, parent_id: parent, kind, name, status, unit_code: '540424100', unit_name: '扎木镇', kind_zh: '', two_new_id: null,
    temp_reason: null, starts_on: null, ends_on: null, established_on: '2026-01-01', ended_on: null, successor_id: null,
    version: 1, member_count: 0, covered_units: [],
  }
}

describe('buildOrgTree', () => {
  it('nests organizations under their parents: committees first, ended ones last', () => {
    const tree = buildOrgTree([
      org(4, 2, 'branch', '扎木村党支部'),
      org(3, 2, 'temporary_branch', '虫草采挖临时党支部'),
      org(2, 1, 'committee', '中共扎木镇委员会'),
      org(7, 2, 'branch', '已撤销党支部', 'dissolved'),
      org(9, 99, 'branch', '上级不在列表中的党支部'),
    ])
    // Roots: those whose parent is not in the list.
    expect(tree.map((n) => n.name)).toEqual(['中共扎木镇委员会', '上级不在列表中的党支部'])
    expect(tree[0].children?.map((n) => n.name)).toEqual(['扎木村党支部', '虫草采挖临时党支部', '已撤销党支部'])
    expect(tree[1].children).toBeUndefined()
  })
})

describe('the organization store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('remembers organizations under a unit and names them; fetches an unknown one once', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/orgs': () => ({ status: 200, body: { items: [org(4, 2, 'branch', '扎木村党支部')], total: 1 } }),
      'GET /api/v1/orgs/5': () => ({ status: 200, body: { org: org(5, 2, 'branch', '米瑞村党支部') } }),
      'GET /api/v1/orgs/6': () => ({ status: 403, body: { error: { code: 'permission_denied', message: '没有权限' } } }),
    })
    const store = useOrgStore()
    await store.loadUnder('540424100')
    expect(calls[0].url).toBe('/api/v1/orgs?under=540424100&include_ended=true&limit=200')
    expect(store.name(4)).toBe('扎木村党支部')
    expect(store.name(5)).toBe('#5')
    await Promise.all([store.ensure(5), store.ensure(5)])
    expect(store.name(5)).toBe('米瑞村党支部')
    expect(calls.filter((c) => c.url === '/api/v1/orgs/5')).toHaveLength(1)
    expect(await store.ensure(6)).toBeNull()
    expect(store.name(6)).toBe('#6')
  })
})
