// Which API GETs a page will make first, so that they can start before the app's code has
// arrived (boot.ts). Keep the URLs exactly as the app builds them (buildUrl in api/client.ts).
export const LANG_STORAGE_KEY_RAW = 'jiceng.lang'

export interface BootRequest {
  url: string
}

export function bootRequestsFor(pathname: string, search: string): BootRequest[] {
  const out: BootRequest[] = [{ url: '/api/v1/session' }]
  // The hierarchy page without a search shows the provinces (HierarchyView: searchUnits({ limit: 50 })).
  if ((pathname === '/units' || pathname === '/units/') && !new URLSearchParams(search).get('q')) {
    out.push({ url: '/api/v1/units?limit=50' })
  }
  return out
}
