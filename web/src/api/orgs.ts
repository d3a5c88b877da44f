// Party organizations (党组织): the list and one organization, coverage of a unit's area,
// creation, renaming, dissolution, merger and split, and "two new" organizations (两新组织).
// Shapes follow the server's organization routes (src/api/handlers/, AddOrgRoutes).
import { api, pathId as id } from './client'
import type { Page } from './types'

export type OrgKind = 'committee' | 'general_branch' | 'branch' | 'joint_branch' | 'temporary_branch'
export const ORG_KINDS: OrgKind[] = ['committee', 'general_branch', 'branch', 'joint_branch', 'temporary_branch']

export interface Organization {
  id: number
  unit_code: string
  unit_name: string
  parent_id: number | null
  kind: OrgKind
  kind_zh: string
  name: string
  two_new_id: number | null
  temp_reason: string | null
  starts_on: string | null
  ends_on: string | null
  established_on: string
  /** active, dissolved or merged. */
  status: string
  ended_on: string | null
  successor_id: number | null
  version: number
  member_count: number
  covered_units: string[]
}

export interface CoveragePart {
  total: number
  covered: number
  uncovered: Array<{ code?: string; name?: string; id?: number }>
}

export interface Coverage {
  unit_code: string
  groups: CoveragePart
  villages: CoveragePart
  two_new: CoveragePart
}

export function listOrgs(params: { under?: string; kind?: string; include_ended?: boolean; offset?: number; limit?: number }) {
  return api.get<Page<Organization>>('/api/v1/orgs', params)
}

export function getOrg(orgId: number | string) {
  return api.get<{ org: Organization }>(`/api/v1/orgs/${id(orgId)}`)
}

export function getCoverage(code: string, limit = 50) {
  return api.get<Coverage>(`/api/v1/units/${id(code)}/coverage`, { limit })
}

export interface OrgInput {
  unit_code: string
  kind: OrgKind
  name: string
  parent_id?: number
  two_new_id?: number
  temp_reason?: string
  starts_on?: string
  ends_on?: string
  established_on?: string
  covered_units?: string[]
}

export function createOrg(body: OrgInput) {
  return api.post<{ org: Organization }>('/api/v1/orgs', body)
}

export function renameOrg(orgId: number, name: string, version?: number) {
  return api.patch<{ org: Organization }>(`/api/v1/orgs/${id(orgId)}`, { name, version })
}

export function dissolveOrg(orgId: number, body: { on_date: string; version?: number }) {
  return api.post<{ org: Organization }>(`/api/v1/orgs/${id(orgId)}/dissolve`, body)
}

export function mergeOrg(orgId: number, body: { into: number; on_date: string }) {
  return api.post<{ org: Organization }>(`/api/v1/orgs/${id(orgId)}/merge`, body)
}

export interface SplitPart {
  name: string
  kind?: OrgKind
  unit_code?: string
  member_ids: number[]
  child_org_ids: number[]
}

/** The new organizations carry split_from_id (the original stays active). */
export function splitOrg(orgId: number, body: { on_date: string; parts: SplitPart[]; version?: number }) {
  return api.post<{ org: Organization; parts: Array<Organization & { split_from_id?: number }> }>(
    `/api/v1/orgs/${id(orgId)}/split`,
    body,
  )
}

export type TwoNewKind = 'enterprise' | 'social'
export const TWO_NEW_KINDS: TwoNewKind[] = ['enterprise', 'social']
export interface TwoNewOrg {
  id: number
  unit_code: string
  name: string
  kind: TwoNewKind
  registered_on: string
}

export function registerTwoNew(body: { unit_code: string; name: string; kind: TwoNewKind; registered_on?: string }) {
  return api.post<{ two_new_org: TwoNewOrg }>('/api/v1/two-new-orgs', body)
}
