// Shapes of the server's JSON (see README.md "API" at the repository root).

export type UnitLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village' | 'group'

export interface Unit {
  code: string
  name: string
  display_name: string
  level: UnitLevel
  level_zh: string
  parent_code: string | null
  retired: boolean
  user_defined: boolean
  placeholder: boolean
  version: number
  child_count: number
  /** Only in search results: the names of the ancestors, province first. */
  path_names?: string[]
}

export interface Page<T> {
  items: T[]
  total: number
  offset?: number
  limit?: number
}

export interface UnitSearchPage extends Page<Unit> {
  query: string
}

export interface UnitDetail {
  unit: Unit
  path: Unit[]
}

export interface RoleAssignment {
  id: number | string
  role: string
  role_name: string
  unit_code: string | null
  unit_name: string | null
}

export interface SessionUser {
  id: number | string
  username: string
  display_name: string
  roles: RoleAssignment[]
  permissions: string[]
}

export interface SessionInfo {
  user: SessionUser
  csrf_token: string
  expires_at: string
  idle_timeout_seconds: number
  /**
   * The server's business time zone (serve --time-zone), which decides what "today" is. Not sent
   * by the server yet: until it is, the client works in Asia/Shanghai, the server's default.
   */
  time_zone?: string
}

export interface LoginSession {
  id: number | string
  created_at: string
  last_seen_at: string
  expires_at: string
  ip: string
  user_agent: string
  current: boolean
}

export interface ApiToken {
  id: number | string
  name: string
  prefix: string
  unit_code: string | null
  created_at: string
  last_used_at: string | null
  expires_at: string | null
}

export interface User {
  id: number | string
  username: string
  display_name: string
  phone: string | null
  /** The user's home unit (where the account is administered); null: nationwide. */
  unit_code: string | null
  unit_name: string | null
  enabled: boolean
  version: number
  roles: RoleAssignment[]
  created_at: string
}

export interface Role {
  id: string
  name: string
  permissions: string[]
  /** Where the role may be granted: 'nation' and unit levels. */
  levels?: string[]
}

export interface Permission {
  id: string
  name: string
}

export interface AuditEntry {
  id: number | string
  at: string
  username: string | null
  action: string
  target: string | null
  unit_code: string | null
  ip: string | null
  method?: string
  path?: string
  /** "ok" or the error code of the request. */
  result: string
  status: number | null
}
