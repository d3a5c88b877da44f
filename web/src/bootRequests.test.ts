// The requests started before the app's code arrives, and their hand-over to the API client.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bootRequestsFor } from './bootRequests'
import { startBootRequests } from './boot'
import { api } from './api/client'

describe('boot requests', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    delete window.__jicengBoot
    localStorage.clear()
  })

  it('ask for the session everywhere and for the provinces on the hierarchy page only', () => {
    expect(bootRequestsFor('/units', '')).toEqual([{ url: '/api/v1/session' }, { url: '/api/v1/units?limit=50' }])
    expect(bootRequestsFor('/units', '?q=%E6%B3%B8')).toEqual([{ url: '/api/v1/session' }])
    expect(bootRequestsFor('/units/540424', '')).toEqual([{ url: '/api/v1/session' }])
    expect(bootRequestsFor('/login', '?redirect=%2Funits')).toEqual([{ url: '/api/v1/session' }])
  })

  it('are taken by the client once, for the same URL and language, instead of a second fetch', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify({ items: [], total: 0 }), { status: 200 }))
    vi.stubGlobal('fetch', fetchMock)
    window.history.replaceState(null, '', '/units')
    startBootRequests()
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(fetchMock.mock.calls.map((c) => String(c[0]))).toEqual(['/api/v1/session', '/api/v1/units?limit=50'])
    await api.get('/api/v1/units', { limit: 50 })
    expect(fetchMock).toHaveBeenCalledTimes(2) // answered from the boot request
    await api.get('/api/v1/units', { limit: 50 })
    expect(fetchMock).toHaveBeenCalledTimes(3) // taken once only
  })

  it('are not used for another language', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response('{}', { status: 200 }))
    vi.stubGlobal('fetch', fetchMock)
    localStorage.setItem('jiceng.lang', 'en')
    window.history.replaceState(null, '', '/login')
    startBootRequests()
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ headers: { 'Accept-Language': 'en' } })
    await api.get('/api/v1/session') // the client's language is zh-CN here: a fetch of its own
    expect(fetchMock).toHaveBeenCalledTimes(2)
  })
})
