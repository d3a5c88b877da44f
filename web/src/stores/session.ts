// The signed-in user (会话): restored from GET /api/v1/session at start, set by login,
// cleared by logout or by any 401. Holds the CSRF token the client sends with every write.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as accounts from '@/api/accounts'
import { isApiError, setCsrfToken } from '@/api/client'
import type { SessionInfo, SessionUser } from '@/api/types'
import { setBusinessTimeZone } from '@/utils/format'

export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null)
  const expiresAt = ref<string | null>(null)
  const idleTimeoutSeconds = ref<number | null>(null)
  /** False when the server has no account endpoints (GET /api/v1/session answers 404). */
  const accountsAvailable = ref(true)
  /** True once the first restore() has finished, whatever it found. */
  const restored = ref(false)
  /** Why the last session ended without a logout ('expired'), shown on the login page. */
  const endReason = ref<'expired' | null>(null)
  let restoring: Promise<void> | null = null

  const loggedIn = computed(() => user.value !== null)
  const permissions = computed(() => new Set(user.value?.permissions ?? []))

  function apply(info: SessionInfo): void {
    user.value = info.user
    expiresAt.value = info.expires_at
    idleTimeoutSeconds.value = info.idle_timeout_seconds
    setCsrfToken(info.csrf_token)
    // The server's business day decides what "today" is for the date fields and periods.
    setBusinessTimeZone(info.time_zone)
    endReason.value = null
  }

  function clear(): void {
    user.value = null
    expiresAt.value = null
    idleTimeoutSeconds.value = null
    setCsrfToken('')
  }

  /** Restores the session from the cookie once; later calls wait for the same answer. */
  function restore(force = false): Promise<void> {
    if (restoring && !force) return restoring
    restoring = (async () => {
      try {
        apply(await accounts.currentSession())
        accountsAvailable.value = true
      } catch (e) {
        clear()
        if (isApiError(e) && (e.status === 404 || e.status === 405)) accountsAvailable.value = false
        else if (!isApiError(e) || e.status !== 401) throw e
      } finally {
        restored.value = true
      }
    })()
    return restoring
  }

  async function login(username: string, password: string): Promise<void> {
    apply(await accounts.login(username, password))
    accountsAvailable.value = true
    restored.value = true
  }

  async function logout(): Promise<void> {
    try {
      await accounts.logout()
    } finally {
      clear()
    }
  }

  /** The server said 401 somewhere: the session is over. */
  function expire(): void {
    if (user.value) endReason.value = 'expired'
    clear()
  }

  /**
   * Whether the user holds `permission` somewhere. A server without accounts (before they
   * existed) leaves the hierarchy open, so its pages work there too.
   */
  function can(permission: string): boolean {
    if (!accountsAvailable.value) return permission.startsWith('units.')
    return permissions.value.has(permission)
  }

  return {
    user,
    expiresAt,
    idleTimeoutSeconds,
    accountsAvailable,
    restored,
    endReason,
    loggedIn,
    restore,
    login,
    logout,
    expire,
    can,
    apply,
    clear,
  }
})
