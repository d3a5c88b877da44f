import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, buildUrl, configureClient, setCsrfToken } from './client'
import { mockFetch } from '@/test/fetchMock'

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
  configureClient({ onUnauthorized: null, language: () => 'zh-CN' })
})

describe('buildUrl', () => {
  it('drops empty parameters and encodes the rest', () => {
    expect(buildUrl('/api/v1/units', { q: '瀘定', under: '', offset: 0, limit: undefined })).toBe(
      '/api/v1/units?q=%E7%80%98%E5%AE%9A&offset=0',
    )
    expect(buildUrl('/x')).toBe('/x')
  })
})

describe('request', () => {
  it('sends the UI language on every request', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/units': () => ({ status: 200, body: { items: [] } }) })
    configureClient({ language: () => 'en' })
    await api.get('/api/v1/units')
    expect(calls[0].headers['Accept-Language']).toBe('en')
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined()
  })

  it('sends the CSRF token with writes', async () => {
    const { calls } = mockFetch({ 'POST /api/v1/units/1/groups': () => ({ status: 201, body: { unit: {} } }) })
    setCsrfToken('tok-123')
    await api.post('/api/v1/units/1/groups', { name: '一组' })
    expect(calls[0].headers['X-CSRF-Token']).toBe('tok-123')
    expect(calls[0].headers['Content-Type']).toBe('application/json')
    expect(calls[0].body).toEqual({ name: '一组' })
  })

  it('turns an error body into ApiError with code, message and field', async () => {
    mockFetch({
      'POST /api/v1/units/1/groups': () => ({
        status: 409,
        body: { error: { code: 'conflict', message: '已有同名村民小组', field: 'name' } },
      }),
    })
    const err = await api.post('/api/v1/units/1/groups', { name: 'x' }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 409, code: 'conflict', message: '已有同名村民小组', field: 'name' })
  })

  it('reads Retry-After on 429', async () => {
    mockFetch({
      'POST /api/v1/session': () => ({
        status: 429,
        headers: { 'Retry-After': '300' },
        body: { error: { code: 'too_many_requests', message: '请在 5 分钟后再试' } },
      }),
    })
    const err = await api.post('/api/v1/session', {}, { allowUnauthenticated: true }).catch((e) => e)
    expect(err).toMatchObject({ status: 429, retryAfter: 300 })
  })

  it('reports a 401 as the end of the session, except where allowed', async () => {
    mockFetch({ 'GET /api/v1/users': () => ({ status: 401, body: { error: { code: 'unauthenticated', message: '请登录' } } }) })
    const onUnauthorized = vi.fn()
    configureClient({ onUnauthorized })
    await expect(api.get('/api/v1/users')).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    await expect(api.get('/api/v1/users', undefined, { allowUnauthenticated: true })).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('gives a generic message when the body is not the error format', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })))
    configureClient({ fallbackMessage: (kind, status) => `${kind}:${status}` })
    await expect(api.get('/api/v1/units')).rejects.toMatchObject({ code: 'http_502', message: 'server:502' })
  })

  it('reports a network failure as code "network"', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    configureClient({ fallbackMessage: (kind) => kind })
    await expect(api.get('/api/v1/units')).rejects.toMatchObject({ status: 0, code: 'network', message: 'network' })
  })

  it('returns undefined for 204', async () => {
    mockFetch({ 'DELETE /api/v1/session': () => ({ status: 204 }) })
    await expect(api.delete('/api/v1/session')).resolves.toBeUndefined()
  })
})
