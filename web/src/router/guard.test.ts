import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RouteLocationNormalized } from 'vue-router'
import { guard, safeRedirect } from './index'
import { useSessionStore } from '@/stores/session'

function to(path: string, meta: Record<string, unknown> = {}, name = 'x', query = {}): RouteLocationNormalized {
  return { path, fullPath: path, meta, name, query } as unknown as RouteLocationNormalized
}

beforeEach(() => setActivePinia(createPinia()))

describe('route guard', () => {
  it('sends a signed-out user to the login page, remembering the target', () => {
    const s = useSessionStore()
    expect(guard(to('/admin/users', { permission: 'users.read' }), s)).toEqual({
      name: 'login',
      query: { redirect: '/admin/users' },
    })
  })

  it('shows "no permission" for a page outside the user\'s permissions', () => {
    const s = useSessionStore()
    s.user = { id: 1, username: 'a', display_name: 'A', roles: [], permissions: ['units.read'] }
    expect(guard(to('/admin/audit', { permission: 'audit.read' }), s)).toEqual({
      name: 'forbidden',
      query: { from: '/admin/audit' },
    })
    expect(guard(to('/units', { permission: 'units.read' }), s)).toBe(true)
  })

  it('sends a signed-in user away from the login page to the remembered target', () => {
    const s = useSessionStore()
    s.user = { id: 1, username: 'a', display_name: 'A', roles: [], permissions: [] }
    expect(guard(to('/login', { public: true }, 'login', { redirect: '/units/54' }), s)).toBe('/units/54')
  })

  it('opens the hierarchy when the server has no accounts', () => {
    const s = useSessionStore()
    s.accountsAvailable = false
    expect(guard(to('/units/54', { permission: 'units.read' }), s)).toBe(true)
    expect(guard(to('/admin/users', { permission: 'users.read' }), s)).toEqual({ name: 'units' })
  })

  it('follows only same-site redirects', () => {
    expect(safeRedirect('/units/54')).toBe('/units/54')
    expect(safeRedirect('//evil.example')).toBe('/units')
    expect(safeRedirect('https://evil.example')).toBe('/units')
    expect(safeRedirect('/login?x')).toBe('/units')
  })
})
