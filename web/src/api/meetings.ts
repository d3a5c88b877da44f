// Organizational life (三会一课): an organization's meetings with attendance, the yearly
// compliance by kind of meeting, and the yearly review of it.
// Shapes follow the server's meeting routes (src/api/handlers/).
import { api, pathId as id } from './client'

export interface ComplianceKind {
  kind: string
  name: string
  due: number
  held: number
  missed: number
  /** false: this organization's kind is not held to this kind's calendar (e.g. a committee); then
   * periods lists only the periods held, and due and missed are 0. */
  bound?: boolean
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

export function orgCompliance(orgId: number | string, year?: number) {
  return api.get<Compliance>(`/api/v1/orgs/${id(orgId)}/compliance`, { year })
}

export function listMeetings(orgId: number | string, year?: number) {
  return api.get<{ org_id: number; year: number; items: Meeting[] }>(`/api/v1/orgs/${id(orgId)}/meetings`, { year })
}

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
