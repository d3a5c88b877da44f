// An organization's work (src/api/handlers/org_work_handler.cc): its officers (书记、副书记、委员),
// pairings with other organizations (结对共建) and task teams (一事一团).
import { api, pathId as id } from './client'
import type { AttendanceStatus } from './meetings'

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

/** One member of either side on an activity's list (the server's attendance block). */
export interface ActivityAttendance {
  member_id: number
  status: AttendanceStatus
}

export interface PairingActivity {
  id: number
  pairing_id: number
  held_on: string
  title: string
  summary: string
  /** Person-times present: given alone, or derived from `attendance` when names were taken. */
  participants: number | null
  /** Empty when names were not taken. */
  attendance: ActivityAttendance[]
  present: number
  absent: number
  leave: number
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

/** Either `participants` alone, or `attendance` (members of either side), from which the server derives it. */
export function addActivity(
  pairingId: number,
  body: { held_on: string; title: string; summary?: string; participants?: number; attendance?: ActivityAttendance[] },
) {
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
