// Organizations, members, the development pipeline, transfers, dues, cards and meetings
// (党组织、党员、发展党员、组织关系转接、党费、党员证、三会一课). Shapes follow
// src/api/handlers/members_handler.cc; money is integer fen everywhere.
import { api, type Query } from './client'
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

export interface DuesMonth {
  month: string
  due_fen: number
  paid_fen: number
  arrears_fen: number
  paid_on: string | null
}

export interface MemberDues {
  member_id: number
  year: number
  months: DuesMonth[]
  due_fen: number
  paid_fen: number
  arrears_fen: number
}

export interface OrgDuesRow {
  member_id: number
  member_name: string
  due_fen: number
  paid_fen: number
  arrears_fen: number
  months_in_arrears: number
}

export interface OrgDues {
  org_id: number
  year: number
  items: OrgDuesRow[]
  due_fen: number
  paid_fen: number
  arrears_fen: number
  members_in_arrears: number
}

export interface Card {
  id: number
  member_id: number
  number: string
  issued_on: string
  status: string
}

export interface CardFigures {
  unit_code: string
  year: number
  issued: number
  valid: number
  reviewed: number
  needs_correction: number
  withdrawn: number
}

export type CardReviewResult = 'valid' | 'needs_correction' | 'withdrawn'

export interface ComplianceKind {
  kind: string
  name: string
  due: number
  held: number
  missed: number
  /** state: held, due (the current period, not yet held) or missed. */
  periods: Array<{ period: string; held: number; state: 'held' | 'due' | 'missed' | '' }>
}

export interface Compliance {
  org_id: number
  year: number
  kinds: ComplianceKind[]
  review: { result: string; note: string; reviewed_on: string } | null
}

export interface Meeting {
  id: number
  kind: string
  held_on: string
  topic: string
  present: number
  absent: number
  leave: number
}

const id = (v: number | string) => encodeURIComponent(String(v))

// ---- organizations --------------------------------------------------------------------------

export function listOrgs(params: { under?: string; kind?: string; include_ended?: boolean; offset?: number; limit?: number }) {
  return api.get<Page<Organization>>('/api/v1/orgs', params)
}

export function getOrg(orgId: number | string) {
  return api.get<{ org: Organization }>(`/api/v1/orgs/${id(orgId)}`)
}

export function getCoverage(code: string, limit = 50) {
  return api.get<Coverage>(`/api/v1/units/${id(code)}/coverage`, { limit })
}

// ---- members --------------------------------------------------------------------------------

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

// ---- transfers ------------------------------------------------------------------------------

export function listTransfers(params: { under?: string; status?: TransferStatus | '' } = {}) {
  return api.get<{ items: Transfer[] }>('/api/v1/transfers', params)
}

export function requestTransfer(body: { member_id: number; to_org_id: number; reason?: string }) {
  return api.post<{ transfer: Transfer }>('/api/v1/transfers', body)
}

export function decideTransfer(transferId: number, decision: 'confirm' | 'reject' | 'cancel', reason?: string) {
  return api.post<{ transfer: Transfer }>(`/api/v1/transfers/${id(transferId)}/${decision}`, reason ? { reason } : {})
}

// ---- dues and cards -------------------------------------------------------------------------

export function setDuesStandard(memberId: number, body: { monthly_fen: number; from_month: string }) {
  return api.put<void>(`/api/v1/members/${id(memberId)}/dues-standard`, body)
}

export function recordDues(memberId: number, body: { month: string; amount_fen: number; paid_on?: string }) {
  return api.post<{ member_id: number; month: string; amount_fen: number }>(`/api/v1/members/${id(memberId)}/dues`, body)
}

export function memberDues(memberId: number | string, year?: number) {
  return api.get<MemberDues>(`/api/v1/members/${id(memberId)}/dues`, { year })
}

export function orgDues(orgId: number | string, year?: number) {
  return api.get<OrgDues>(`/api/v1/orgs/${id(orgId)}/dues`, { year })
}

export function issueCard(memberId: number, body: { number: string; issued_on?: string }) {
  return api.post<{ card: Card }>(`/api/v1/members/${id(memberId)}/cards`, body)
}

export function reviewCard(cardId: number, body: { year: number; result: CardReviewResult; note?: string }) {
  return api.post<{ card: Card }>(`/api/v1/cards/${id(cardId)}/review`, body)
}

export function cardFigures(code: string, year?: number) {
  return api.get<CardFigures>(`/api/v1/units/${id(code)}/cards`, { year })
}

// ---- meetings -------------------------------------------------------------------------------

export function orgCompliance(orgId: number | string, year?: number) {
  return api.get<Compliance>(`/api/v1/orgs/${id(orgId)}/compliance`, { year })
}

export function listMeetings(orgId: number | string, year?: number) {
  return api.get<{ org_id: number; year: number; items: Meeting[] }>(`/api/v1/orgs/${id(orgId)}/meetings`, { year })
}

// ---- writes: organizations ------------------------------------------------------------------

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

// ---- writes: members ------------------------------------------------------------------------

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

// ---- writes: meetings -----------------------------------------------------------------------

export type AttendanceStatus = 'present' | 'absent' | 'leave'
export const ATTENDANCE: AttendanceStatus[] = ['present', 'absent', 'leave']

export function recordMeeting(
  orgId: number,
  body: { kind: string; held_on: string; topic: string; attendance: Array<{ member_id: number; status: AttendanceStatus }> },
) {
  return api.post<{ meeting: { id: number; org_id: number; kind: string; held_on: string; topic: string; attendance_count: number } }>(
    `/api/v1/orgs/${id(orgId)}/meetings`,
    body,
  )
}

export type ReviewResult = 'compliant' | 'needs_improvement'
export const REVIEW_RESULTS: ReviewResult[] = ['compliant', 'needs_improvement']

export function reviewMeetings(orgId: number, body: { year: number; result: ReviewResult; note?: string }) {
  return api.post<{ review: { org_id: number; year: number; result: string; note: string; reviewed_on: string } }>(
    `/api/v1/orgs/${id(orgId)}/review`,
    body,
  )
}

// ---- officers (书记、副书记、委员) -------------------------------------------------------------

export type Position = 'secretary' | 'deputy_secretary' | 'committee_member'
export const POSITIONS: Position[] = ['secretary', 'deputy_secretary', 'committee_member']

export interface Officer {
  id: number
  org_id: number
  member_id: number
  member_name: string
  position: Position
  position_zh: string
  term_start: string
  term_end: string
  ended_on: string | null
  end_reason: string | null
  current: boolean
}

export function listOfficers(orgId: number) {
  return api.get<{ org_id: number; current: Officer[]; past: Officer[] }>(`/api/v1/orgs/${id(orgId)}/officers`)
}

export function appointOfficer(orgId: number, body: { member_id: number; position: Position; term_start: string; term_end: string }) {
  return api.post<{ officer: Officer }>(`/api/v1/orgs/${id(orgId)}/officers`, body)
}

export function endOfficerTerm(officerId: number, on_date: string) {
  return api.post<{ officer: Officer }>(`/api/v1/officers/${id(officerId)}/end`, { on_date })
}

// ---- pairings (结对共建) ----------------------------------------------------------------------

export type PairingKind = 'adjacent_area' | 'office_enterprise' | 'urban_rural'
export const PAIRING_KINDS: PairingKind[] = ['adjacent_area', 'office_enterprise', 'urban_rural']

export interface PairingSide {
  org_id: number
  name: string
  unit_code: string
  unit_name: string
  status: string
}

export interface Pairing {
  id: number
  kind: PairingKind
  kind_zh: string
  sides: PairingSide[]
  partner?: PairingSide
  starts_on: string
  ends_on: string | null
  ended_on: string | null
  status: 'active' | 'ended'
  note: string
  activity_count: number
}

export interface PairingActivity {
  id: number
  pairing_id: number
  held_on: string
  title: string
  summary: string
  participants: number | null
}

export function listPairings(orgId: number, includeEnded = false) {
  return api.get<{ org_id: number; items: Pairing[] }>(`/api/v1/orgs/${id(orgId)}/pairings`, { include_ended: includeEnded })
}

export function createPairing(body: { org_id: number; partner_org_id: number; kind: PairingKind; starts_on: string; ends_on?: string; note?: string }) {
  return api.post<{ pairing: Pairing }>('/api/v1/pairings', body)
}

export function endPairing(pairingId: number, on_date: string) {
  return api.post<{ pairing: Pairing }>(`/api/v1/pairings/${id(pairingId)}/end`, { on_date })
}

export function listActivities(pairingId: number) {
  return api.get<{ pairing_id: number; items: PairingActivity[] }>(`/api/v1/pairings/${id(pairingId)}/activities`)
}

export function addActivity(pairingId: number, body: { held_on: string; title: string; summary?: string; participants?: number }) {
  return api.post<{ activity: PairingActivity }>(`/api/v1/pairings/${id(pairingId)}/activities`, body)
}

// ---- task teams (一事一团) --------------------------------------------------------------------

export interface TaskTeam {
  id: number
  org_id: number
  unit_code: string
  name: string
  purpose: string
  starts_on: string
  ends_on: string | null
  member_count: number
}

export interface TeamMembership {
  id: number
  team_id: number
  team_name: string
  member_id: number
  member_name: string
  joined_on: string
  left_on: string | null
  current: boolean
}

export function listTeams(orgId: number, includeEnded = false) {
  return api.get<{ org_id: number; items: TaskTeam[] }>(`/api/v1/orgs/${id(orgId)}/task-teams`, { include_ended: includeEnded })
}

export function createTeam(orgId: number, body: { name: string; purpose: string; starts_on: string; ends_on?: string }) {
  return api.post<{ task_team: TaskTeam }>(`/api/v1/orgs/${id(orgId)}/task-teams`, body)
}

export function endTeam(teamId: number, on_date: string) {
  return api.post<{ task_team: TaskTeam }>(`/api/v1/task-teams/${id(teamId)}/end`, { on_date })
}

export function listTeamMembers(teamId: number, includePast = false) {
  return api.get<{ team_id: number; items: TeamMembership[] }>(`/api/v1/task-teams/${id(teamId)}/members`, { include_past: includePast })
}

export function joinTeam(teamId: number, body: { member_id: number; joined_on: string }) {
  return api.post<{ membership: TeamMembership }>(`/api/v1/task-teams/${id(teamId)}/members`, body)
}

export function leaveTeam(teamId: number, body: { member_id: number; left_on: string }) {
  return api.post<{ membership: TeamMembership }>(`/api/v1/task-teams/${id(teamId)}/leave`, body)
}
