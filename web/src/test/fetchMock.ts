// A small fetch stub for unit tests: answers from a list of routes and records the requests.
import { vi } from 'vitest'

export interface Recorded {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

type Handler = (req: Recorded) => { status: number; body?: unknown; headers?: Record<string, string> }

export function mockFetch(routes: Record<string, Handler>) {
  const calls: Recorded[] = []
  const fn = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = (init.headers ?? {}) as Record<string, string>
    const req: Recorded = { method, url, headers, body: init.body ? JSON.parse(String(init.body)) : undefined }
    calls.push(req)
    const path = url.split('?')[0]
    const handler = routes[`${method} ${path}`]
    const res = handler ? handler(req) : { status: 404, body: { error: { code: 'not_found', message: '没有这个地址' } } }
    const text = res.body === undefined ? '' : JSON.stringify(res.body)
    return new Response(res.status === 204 ? null : text, { status: res.status, headers: res.headers })
  })
  vi.stubGlobal('fetch', fn)
  return { calls, fn }
}
