// The hierarchy endpoints (行政区划与村民小组).
import { api, pathId } from './client'
import type { Page, Unit, UnitDetail, UnitSearchPage } from './types'

export const CHILDREN_PAGE_MAX = 200

export function searchUnits(params: { q?: string; under?: string; offset?: number; limit?: number }, signal?: AbortSignal) {
  return api.get<UnitSearchPage>('/api/v1/units', params, { signal })
}

export function getUnit(code: string) {
  return api.get<UnitDetail>(`/api/v1/units/${pathId(code)}`)
}

export function listChildren(code: string, params: { offset?: number; limit?: number; include_retired?: boolean } = {}) {
  return api.get<Page<Unit>>(`/api/v1/units/${pathId(code)}/children`, params)
}

export function addGroup(villageCode: string, name: string) {
  return api.post<{ unit: Unit }>(`/api/v1/units/${pathId(villageCode)}/groups`, { name })
}

export function renameGroup(code: string, name: string, version: number) {
  return api.patch<{ unit: Unit }>(`/api/v1/units/${pathId(code)}`, { name, version })
}

export function retireGroup(code: string, version: number) {
  return api.post<{ unit: Unit }>(`/api/v1/units/${pathId(code)}/retire`, { version })
}

export function reinstateGroup(code: string, version: number) {
  return api.post<{ unit: Unit }>(`/api/v1/units/${pathId(code)}/reinstate`, { version })
}
