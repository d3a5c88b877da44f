// Party members (党员): the roster, one member and their timeline, the development pipeline
// (发展党员) and transfers of membership between organizations (组织关系转接).
// Shapes follow the server's member routes (src/api/handlers/, AddMemberRoutes).
import { api, pathId as id, type Query } from './client'
import type { Page } from './types'

export type Stage = 'applicant' | 'activist' | 'candidate' | 'probationary' | 'full'
export const STAGES: Stage[] = ['applicant', 'activist', 'candidate', 'probationary', 'full']
/** The only stage a person can move to: the next one (null after full membership). */
export function nextStage(stage: Stage): Stage | null {
  const i = STAGES.indexOf(stage)
  return i >= 0 && i + 1 < STAGES.length ? STAGES[i + 1] : null
}

export type Situation = 'in_service' | 'rural_labour' | 'elderly_infirm' | 'migrant'
export const SITUATIONS: Situation[] = ['in_service', 'rural_labour', 'elderly_infirm', 'migrant']
export type MemberStatus = 'active' | 'in_transit' | 'left'
export const MEMBER_STATUSES: MemberStatus[] = ['active', 'in_transit', 'left']

export interface Member {
  id: number
  org_id: number
  unit_code: string
  unit_name: string
  name: string
  gender: 'male' | 'female'
  birth_date: string
  phone: string | null
  /** Always masked (5404**********1234); the full number only through unmaskIdNumber. */
  id_number: string | null
  stage: Stage
  stage_zh: string
  stage_since: string
  situation: Situation
  status: MemberStatus
  version: number
  created_at: string
}

export interface StageEvent {
  id: number
  from_stage: Stage | null
  to_stage: Stage
  on_date: string
  approved_by: number | null
  note: string
}

export interface PipelineFigures {
  unit_code: string
  from: string
  to: string
  stages: Array<{ stage: Stage; name: string; count: number; entered: number }>
}

export type TransferStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled'

export interface Transfer {
  id: number
  member_id: number
  member_name: string
  from_org_id: number
  to_org_id: number
  from_unit_code: string
  to_unit_code: string
  status: TransferStatus
  requested_on: string
  decided_on: string | null
  reason: string | null
  overdue: boolean
}

export interface MemberQuery extends Query {
  under?: string
  org_id?: number | string
  stage?: string
  situation?: string
  status?: string
  q?: string
  offset?: number
  limit?: number
}

export function listMembers(params: MemberQuery, signal?: AbortSignal) {
  return api.get<Page<Member>>('/api/v1/members', params, { signal })
}

export function getMember(memberId: number | string) {
  return api.get<{ member: Member; timeline: StageEvent[] }>(`/api/v1/members/${id(memberId)}`)
}

/** The full ID number: needs members.unmask; the server audits every call. */
export function unmaskIdNumber(memberId: number | string) {
  return api.get<{ id_number: string | null }>(`/api/v1/members/${id(memberId)}/id-number`)
}

export function advanceMember(memberId: number | string, body: { to_stage: Stage; on_date: string; note?: string }) {
  return api.post<{ member: Member }>(`/api/v1/members/${id(memberId)}/advance`, body)
}

export function getPipeline(code: string, params: { from?: string; to?: string } = {}) {
  return api.get<PipelineFigures>(`/api/v1/units/${id(code)}/pipeline`, params)
}

export function listTransfers(params: { under?: string; status?: TransferStatus | '' } = {}) {
  return api.get<{ items: Transfer[] }>('/api/v1/transfers', params)
}

export function requestTransfer(body: { member_id: number; to_org_id: number; reason?: string }) {
  return api.post<{ transfer: Transfer }>('/api/v1/transfers', body)
}

export function decideTransfer(transferId: number, decision: 'confirm' | 'reject' | 'cancel', reason?: string) {
  return api.post<{ transfer: Transfer }>(`/api/v1/transfers/${id(transferId)}/${decision}`, reason ? { reason } : {})
}

export interface MemberInput {
  org_id: number
  name: string
  gender: 'male' | 'female'
  birth_date: string
  phone?: string
  id_number?: string
  stage: Stage
  stage_since?: string
  situation: Situation
}

export function createMember(body: MemberInput) {
  return api.post<{ member: Member }>('/api/v1/members', body)
}

/** phone / id_number: null clears; absent leaves as is (the ID number is never sent back masked). */
export interface MemberPatch {
  name?: string
  gender?: 'male' | 'female'
  birth_date?: string
  phone?: string | null
  id_number?: string | null
  situation?: Situation
  version?: number
}

export function updateMember(memberId: number, body: MemberPatch) {
  return api.patch<{ member: Member }>(`/api/v1/members/${id(memberId)}`, body)
}
