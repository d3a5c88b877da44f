import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from './session'
import { mockFetch } from '@/test/fetchMock'
import { DEFAULT_TIME_ZONE, businessTimeZone, setBusinessTimeZone, todayIso } from '@/utils/format'

const info = {
  user: {
    id: 1,
    username: 'zhaxi',
    display_name: '扎西',
    roles: [{ id: 7, role: 'org_department', role_name: '组织部工作人员', unit_code: '540424', unit_name: '波密县' }],
    permissions: ['units.read', 'units.groups.write', 'users.read'],
  },
  csrf_token: 'csrf-abc',
  expires_at: '2026-11-24T00:00:00Z',
  idle_timeout_seconds: 1800,
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('session store', () => {
  it('restores the session from the cookie and then sends its CSRF token', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/session': () => ({ status: 200, body: info }),
      'POST /api/v1/units/540424100201/groups': () => ({ status: 201, body: { unit: {} } }),
    })
    const s = useSessionStore()
    await s.restore()
    expect(s.loggedIn).toBe(true)
    expect(s.user?.display_name).toBe('扎西')
    expect(s.can('users.read')).toBe(true)
    expect(s.can('audit.read')).toBe(false)
    const { addGroup } = await import('@/api/units')
    await addGroup('540424100201', '一组')
    expect(calls[1].headers['X-CSRF-Token']).toBe('csrf-abc')
  })

  it('works in the business time zone the session names, and in Asia/Shanghai when it names none', async () => {
    try {
      mockFetch({ 'GET /api/v1/session': () => ({ status: 200, body: info }) })
      const s = useSessionStore()
      await s.restore()
      expect(businessTimeZone()).toBe('Asia/Shanghai')
      expect(todayIso(new Date('2026-12-02T16:30:00Z'))).toBe('2026-12-03')
      s.apply({ ...info, time_zone: 'Asia/Urumqi' })
      expect(businessTimeZone()).toBe('Asia/Urumqi')
      expect(todayIso(new Date('2026-12-02T16:30:00Z'))).toBe('2026-12-02')
    } finally {
      setBusinessTimeZone(DEFAULT_TIME_ZONE)
    }
  })

  it('is signed out when the server answers 401', async () => {
    mockFetch({ 'GET /api/v1/session': () => ({ status: 401, body: { error: { code: 'unauthenticated', message: '' } } }) })
    const s = useSessionStore()
    await s.restore()
    expect(s.loggedIn).toBe(false)
    expect(s.accountsAvailable).toBe(true)
    expect(s.restored).toBe(true)
  })

  it('knows when the server has no accounts (404) and leaves the hierarchy open', async () => {
    mockFetch({})
    const s = useSessionStore()
    await s.restore()
    expect(s.accountsAvailable).toBe(false)
    expect(s.can('units.read')).toBe(true)
    expect(s.can('users.read')).toBe(false)
  })

  it('restores only once for concurrent callers', async () => {
    const { fn } = mockFetch({ 'GET /api/v1/session': () => ({ status: 200, body: info }) })
    const s = useSessionStore()
    await Promise.all([s.restore(), s.restore(), s.restore()])
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('logs in and out', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/session': () => ({ status: 200, body: info }),
      'DELETE /api/v1/session': () => ({ status: 204 }),
    })
    const s = useSessionStore()
    await s.login('zhaxi', 'secret-pass')
    expect(calls[0].body).toEqual({ username: 'zhaxi', password: 'secret-pass' })
    expect(s.loggedIn).toBe(true)
    await s.logout()
    expect(calls[1].headers['X-CSRF-Token']).toBe('csrf-abc')
    expect(s.loggedIn).toBe(false)
  })

  it('keeps the user signed out when login fails, with the server message', async () => {
    mockFetch({
      'POST /api/v1/session': () => ({
        status: 401,
        body: { error: { code: 'unauthenticated', message: '用户名或密码错误' } },
      }),
    })
    const s = useSessionStore()
    await expect(s.login('zhaxi', 'wrong')).rejects.toMatchObject({ message: '用户名或密码错误' })
    expect(s.loggedIn).toBe(false)
  })

  it('remembers that a session expired (for the login page)', async () => {
    mockFetch({ 'GET /api/v1/session': () => ({ status: 200, body: info }) })
    const s = useSessionStore()
    await s.restore()
    s.expire()
    expect(s.loggedIn).toBe(false)
    expect(s.endReason).toBe('expired')
  })
})
