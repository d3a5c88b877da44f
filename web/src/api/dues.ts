// Party dues (党费) and membership cards (党员证): a member's standard and payments, an
// organization's dues by member, card issue and yearly review. Money is integer fen everywhere.
// Shapes follow the server's dues and card routes (src/api/handlers/).
import { api, pathId as id } from './client'

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
