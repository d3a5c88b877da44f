// The member list's filters (状态、分类、发展阶段、姓名) and their two spellings: the page's URL
// query (so a filtered list can be bookmarked and shared) and the API's query string.
import { MEMBER_STATUSES, SITUATIONS, STAGES, type MemberQuery } from '@/api/members'

export interface MemberFilters {
  status: string
  situation: string
  stage: string
  q: string
  page: number
}

export const MEMBER_PAGE_SIZE = 20

export function emptyFilters(): MemberFilters {
  return { status: '', situation: '', stage: '', q: '', page: 1 }
}

type RouteQuery = Record<string, unknown>
const one = (v: unknown): string => (Array.isArray(v) ? one(v[0]) : typeof v === 'string' ? v : '')
const pick = (v: unknown, allowed: readonly string[]) => (allowed.includes(one(v)) ? one(v) : '')

/** Reads the filters from the URL; unknown values are dropped rather than sent to the server. */
export function filtersFromQuery(query: RouteQuery): MemberFilters {
  const page = Number(one(query.page))
  return {
    status: pick(query.status, MEMBER_STATUSES),
    situation: pick(query.situation, SITUATIONS),
    stage: pick(query.stage, STAGES),
    q: one(query.q).trim().slice(0, 30),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  }
}

/** The URL query for the filters: only what is set (page 1 and empty filters are left out). */
export function filtersToQuery(f: MemberFilters): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.status) out.status = f.status
  if (f.situation) out.situation = f.situation
  if (f.stage) out.stage = f.stage
  if (f.q.trim()) out.q = f.q.trim()
  if (f.page > 1) out.page = String(f.page)
  return out
}

/** The API's query for one page of members under a unit or in an organization. */
export function filtersToApi(f: MemberFilters, scope: { under?: string; orgId?: number | string }): MemberQuery {
  const q: MemberQuery = {
    offset: (f.page - 1) * MEMBER_PAGE_SIZE,
    limit: MEMBER_PAGE_SIZE,
  }
  if (scope.orgId !== undefined && scope.orgId !== '') q.org_id = scope.orgId
  else if (scope.under) q.under = scope.under
  if (f.status) q.status = f.status
  if (f.situation) q.situation = f.situation
  if (f.stage) q.stage = f.stage
  if (f.q.trim()) q.q = f.q.trim()
  return q
}
