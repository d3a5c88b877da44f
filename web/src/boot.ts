// Requests started before the app's code has arrived. The API client takes a boot response
// instead of fetching when its GET has the same URL and language (takeBootResponse), once.
import { LANG_STORAGE_KEY_RAW, bootRequestsFor, type BootRequest } from './bootRequests'

declare global {
  interface Window {
    __jicengBoot?: Map<string, Promise<Response>>
  }
}

export function startBootRequests(): void {
  if (typeof window === 'undefined' || typeof fetch === 'undefined') return
  let lang = 'zh-CN'
  try {
    lang = localStorage.getItem(LANG_STORAGE_KEY_RAW) === 'en' ? 'en' : 'zh-CN'
  } catch {
    /* storage blocked: Chinese */
  }
  const boot = new Map<string, Promise<Response>>()
  for (const r of bootRequestsFor(location.pathname, location.search) as BootRequest[]) {
    const p = fetch(r.url, {
      headers: { Accept: 'application/json', 'Accept-Language': lang },
      credentials: 'same-origin',
    })
    p.catch(() => undefined) // an unused failed boot request is not an unhandled rejection
    boot.set(`${lang} ${r.url}`, p)
  }
  window.__jicengBoot = boot
}
