// The member list's filters -> the page URL and the API query string.
import { describe, expect, it } from 'vitest'
import { buildUrl } from '@/api/client'
import { emptyFilters, filtersFromQuery, filtersToApi, filtersToQuery, MEMBER_PAGE_SIZE } from './memberFilters'

describe('member filters', () => {
  it('turn into the API query string under a unit, page by page', () => {
    const f = { ...emptyFilters(), status: 'active', situation: 'migrant', stage: 'activist', q: ' 卓玛 ', page: 3 }
    const url = buildUrl('/api/v1/members', filtersToApi(f, { under: '540424' }))
    expect(url).toBe(
      `/api/v1/members?offset=${2 * MEMBER_PAGE_SIZE}&limit=${MEMBER_PAGE_SIZE}&under=540424&status=active&situation=migrant&stage=activist&q=%E5%8D%93%E7%8E%9B`,
    )
  })

  it('use the organization instead of the unit when both are given, and leave out empty filters', () => {
    expect(buildUrl('/api/v1/members', filtersToApi(emptyFilters(), { under: '540424', orgId: 7 }))).toBe(
      `/api/v1/members?offset=0&limit=${MEMBER_PAGE_SIZE}&org_id=7`,
    )
  })

  it('keep only what is set in the page URL', () => {
    expect(filtersToQuery(emptyFilters())).toEqual({})
    expect(filtersToQuery({ ...emptyFilters(), stage: 'full', q: '扎西', page: 2 })).toEqual({ stage: 'full', q: '扎西', page: '2' })
  })

  it('read the page URL back, dropping unknown values', () => {
    expect(filtersFromQuery({ stage: 'full', status: 'deleted', situation: ['migrant'], q: '  扎西 ', page: '4', tab: 'members' })).toEqual({
      status: '',
      situation: 'migrant',
      stage: 'full',
      q: '扎西',
      page: 4,
    })
    expect(filtersFromQuery({ page: '-1' }).page).toBe(1)
    expect(filtersFromQuery({ page: 'x' }).page).toBe(1)
    // The round trip is the identity for valid filters.
    const f = { status: 'in_transit', situation: 'elderly_infirm', stage: 'candidate', q: '央金', page: 5 }
    expect(filtersFromQuery(filtersToQuery(f))).toEqual(f)
  })
})
