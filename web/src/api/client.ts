// The one HTTP client of the web interface.
// Every request carries Accept-Language (the UI language, so the server's error messages match
// it) and, for writes, X-CSRF-Token. Errors come back as ApiError with the server's stable
// `code`, its localized `message` and, when the server names one, the `field` it is about.

export type Lang = 'zh-CN' | 'en'

export interface ApiErrorBody {
  error?: { code?: string; message?: string; field?: string }
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  /** Seconds to wait before retrying (from Retry-After on 429), when given. */
  readonly retryAfter?: number

  constructor(status: number, code: string, message: string, field?: string, retryAfter?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field || undefined
    this.retryAfter = retryAfter
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

interface ClientConfig {
  language: () => Lang
  csrfToken: string
  /** Called on any 401 outside the session endpoints: the session has ended. */
  onUnauthorized: (() => void) | null
  /** Generic messages for failures without a server message, in the UI language. */
  fallbackMessage: (kind: 'network' | 'server' | 'forbidden', status: number) => string
}

const config: ClientConfig = {
  language: () => 'zh-CN',
  csrfToken: '',
  onUnauthorized: null,
  fallbackMessage: (kind, status) => (kind === 'network' ? '网络连接失败' : `服务器错误（${status}）`),
}

export function configureClient(patch: Partial<ClientConfig>): void {
  Object.assign(config, patch)
}

export function setCsrfToken(token: string): void {
  config.csrfToken = token
}

/** One path segment from an id or code, escaped (`/api/v1/orgs/${pathId(id)}`). */
export const pathId = (v: number | string): string => encodeURIComponent(String(v))

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
  /** Do not treat 401 as "session ended" (login and session restore use this). */
  allowUnauthenticated?: boolean
  /** A file sent as the whole body (imports), with its own Content-Type; instead of `body`. */
  file?: Blob
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

/**
 * A response the boot code (boot.ts) already asked for: the same GET URL in the same language,
 * taken once. Undefined when there is none.
 */
export function takeBootResponse(url: string, lang: string): Promise<Response> | undefined {
  const boot = typeof window === 'undefined' ? undefined : window.__jicengBoot
  const key = `${lang} ${url}`
  const p = boot?.get(key)
  if (p) boot!.delete(key)
  return p
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// Requests in flight, shown as <html data-pending="N"> (the e2e suite waits for 0).
let pending = 0
function trackPending(delta: number): void {
  pending += delta
  if (typeof document !== 'undefined') document.documentElement.dataset.pending = String(pending)
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': config.language(),
  }
  if (WRITE_METHODS.has(method) && config.csrfToken) headers['X-CSRF-Token'] = config.csrfToken
  let body: string | Blob | undefined
  if (options.file !== undefined) {
    headers['Content-Type'] = options.file.type || 'application/octet-stream'
    body = options.file
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let response: Response
  let text: string
  trackPending(1)
  try {
    const url = buildUrl(path, options.query)
    const early = method === 'GET' ? takeBootResponse(url, headers['Accept-Language']) : undefined
    const send = () => fetch(url, { method, headers, body, credentials: 'same-origin', signal: options.signal })
    response = early ? await early.catch(send) : await send()
    text = response.status === 204 ? '' : await response.text()
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw new ApiError(0, 'network', config.fallbackMessage('network', 0))
  } finally {
    trackPending(-1)
  }
  if (response.status === 204) return undefined as T
  let json: unknown = undefined
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  if (response.ok) return json as T

  const err = (json as ApiErrorBody | undefined)?.error
  const retryHeader = response.headers.get('Retry-After')
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined
  const kind = response.status === 403 ? 'forbidden' : 'server'
  const apiError = new ApiError(
    response.status,
    err?.code ?? `http_${response.status}`,
    err?.message || config.fallbackMessage(kind, response.status),
    err?.field,
    retryAfter,
  )
  if (response.status === 401 && !options.allowUnauthenticated) config.onUnauthorized?.()
  throw apiError
}

/** A file the server sends (an export), with the name it gives in Content-Disposition. */
export interface DownloadedFile {
  blob: Blob
  filename: string
}

/** The file name of a Content-Disposition header: filename*=UTF-8''… first, then filename="…". */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // a malformed encoding: try the plain name
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition)
  return plain ? plain[1] : fallback
}

/**
 * GETs a file (an .xlsx or CSV export) in the UI's language. Errors are ApiErrors as for
 * every other request (the server answers them in JSON).
 */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<DownloadedFile> {
  const headers: Record<string, string> = { 'Accept-Language': config.language() }
  let response: Response
  let blob: Blob
  trackPending(1)
  try {
    response = await fetch(buildUrl(path, query), { method: 'GET', headers, credentials: 'same-origin' })
    blob = await response.blob()
  } catch {
    throw new ApiError(0, 'network', config.fallbackMessage('network', 0))
  } finally {
    trackPending(-1)
  }
  if (response.ok) return { blob, filename: fileNameOf(response.headers.get('Content-Disposition'), fallbackName) }
  let err: ApiErrorBody['error'] | undefined
  try {
    err = (JSON.parse(await blob.text()) as ApiErrorBody | undefined)?.error
  } catch {
    err = undefined
  }
  if (response.status === 401) config.onUnauthorized?.()
  const kind = response.status === 403 ? 'forbidden' : 'server'
  throw new ApiError(
    response.status,
    err?.code ?? `http_${response.status}`,
    err?.message || config.fallbackMessage(kind, response.status),
    err?.field,
  )
}

export const api = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query'> = {}) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  /** POST with a file as the body (the server's upload routes). */
  upload: <T>(path: string, file: Blob, query?: Query) => request<T>('POST', path, { query, file }),
  patch: <T>(path: string, body: unknown, options: RequestOptions = {}) =>
    request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options: RequestOptions = {}) => request<T>('PUT', path, { ...options, body }),
  delete: <T = void>(path: string, options: RequestOptions = {}) => request<T>('DELETE', path, options),
}
