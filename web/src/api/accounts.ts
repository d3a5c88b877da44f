// Accounts: the session, my sessions and tokens, users, roles and the audit log.
import { api, pathId } from './client'
import type { ApiToken, AuditEntry, LoginSession, Page, Permission, Role, RoleAssignment, SessionInfo, User } from './types'

export function login(username: string, password: string) {
  return api.post<SessionInfo>('/api/v1/session', { username, password }, { allowUnauthenticated: true })
}

export function currentSession() {
  return api.get<SessionInfo>('/api/v1/session', undefined, { allowUnauthenticated: true })
}

export function logout() {
  return api.delete('/api/v1/session', { allowUnauthenticated: true })
}

export function changeMyPassword(current_password: string, new_password: string) {
  return api.post<void>('/api/v1/me/password', { current_password, new_password })
}

export function listSessions() {
  return api.get<{ items: LoginSession[] }>('/api/v1/sessions')
}

export function endSession(id: LoginSession['id']) {
  return api.delete(`/api/v1/sessions/${pathId(id)}`)
}

export function listTokens() {
  return api.get<{ items: ApiToken[] }>('/api/v1/tokens')
}

export function createToken(body: { name: string; unit_code?: string; expires_in_days?: number }) {
  return api.post<{ token: ApiToken; secret: string }>('/api/v1/tokens', body)
}

export function revokeToken(id: ApiToken['id']) {
  return api.delete(`/api/v1/tokens/${pathId(id)}`)
}

export function listUsers(params: { q?: string; offset?: number; limit?: number }) {
  return api.get<Page<User>>('/api/v1/users', params)
}

export function createUser(body: { username: string; display_name: string; phone?: string; unit_code?: string; password: string }) {
  return api.post<{ user: User }>('/api/v1/users', body)
}

export function updateUser(id: User['id'], body: { display_name?: string; phone?: string | null; enabled?: boolean; version: number }) {
  return api.patch<{ user: User }>(`/api/v1/users/${pathId(id)}`, body)
}

export function setUserPassword(id: User['id'], password: string) {
  return api.post<void>(`/api/v1/users/${pathId(id)}/password`, { password })
}

export function grantRole(id: User['id'], role: string, unit_code?: string) {
  const body: { role: string; unit_code?: string } = { role }
  if (unit_code) body.unit_code = unit_code
  return api.post<{ role: RoleAssignment }>(`/api/v1/users/${pathId(id)}/roles`, body)
}

export function revokeRole(id: User['id'], assignmentId: RoleAssignment['id']) {
  return api.delete(`/api/v1/users/${pathId(id)}/roles/${pathId(assignmentId)}`)
}

export function listRoles() {
  return api.get<{ items: Role[]; permissions?: Permission[] }>('/api/v1/roles')
}

export interface AuditQuery {
  user?: string
  under?: string
  action?: string
  from?: string
  to?: string
  offset?: number
  limit?: number
}

export function listAudit(params: AuditQuery) {
  return api.get<Page<AuditEntry>>('/api/v1/audit', params as Record<string, string | number | undefined>)
}
