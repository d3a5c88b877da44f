// The one search box (GET /api/v1/search): units, organizations and members by name in the
// caller's scope. Members carry no ID number or phone.
import { api } from './client'

export interface SearchUnit {
  code: string
  name: string
  display_name: string
  level_zh: string
  path_names?: string[]
}

export interface SearchOrg {
  id: number
  name: string
  kind_zh: string
  unit_code: string
  unit_name: string
}

export interface SearchMember {
  id: number
  name: string
  org_id: number
  org_name: string
  unit_code: string
  unit_name: string
}

export interface SearchResults {
  query: string
  units: SearchUnit[]
  orgs: SearchOrg[]
  members: SearchMember[]
}

/** Up to `limit` results of each kind (the server allows 1–20; 5 by default). */
export function search(q: string, limit = 5, signal?: AbortSignal) {
  return api.get<SearchResults>('/api/v1/search', { q, limit }, { signal })
}
