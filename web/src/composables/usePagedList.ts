// A paged list (members, users, the audit log, search results, a unit's children): one page of
// items and the total, loaded again when the page or the filters change; a newer load aborts
// and supersedes an older one (a slow answer never overwrites a newer list); a failure is shown
// as a message and kept in `error`.
//
//   const { items, total, loading, page } = usePagedList({
//     pageSize: 20,
//     filters: () => [props.unit.code, includeRetired.value],
//     fetch: ({ offset, limit }, signal) => listChildren(props.unit.code, { offset, limit }, signal),
//   })
//   <el-pagination v-model:current-page="page" :page-size="20" :total="total" />
import { computed, ref, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { Page } from '@/api/types'
import { isApiError } from '@/api/client'
import { i18n } from '@/i18n'
import { showError } from './useErrorMessage'

/** Where the page number lives when not in the list itself (the URL: useRoutePage). */
export interface PageSource {
  get(): number
  set(page: number): void
}

export interface PagedListOptions<T> {
  pageSize: number
  /** Loads one page; `signal` aborts it when a newer load starts. */
  fetch(range: { offset: number; limit: number }, signal: AbortSignal): Promise<Page<T>>
  /**
   * What the list shows besides the page (search text, filters, the unit), watched deeply: a
   * change loads the list again, from page 1 when the page is the list's own.
   */
  filters?: () => unknown
  /** The page elsewhere (the URL), whose changes load the list; by default the list keeps its own. */
  page?: PageSource
  /** After each load that is still the newest: the page it loaded. */
  loaded?(page: Page<T>): void
}

export interface PagedList<T> {
  items: Ref<T[]>
  total: Ref<number>
  loading: Ref<boolean>
  /** The last load's error message, '' after a load that worked. */
  error: Ref<string>
  /** The current page (from 1); setting it loads that page (through the PageSource, if given). */
  page: Ref<number>
  /** Loads the current page again (after a change made elsewhere). */
  reload(): Promise<void>
}

export function usePagedList<T>(options: PagedListOptions<T>): PagedList<T> {
  const items = ref<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')
  const own = ref(1)
  const source = options.page
  const page = source ? computed({ get: () => source.get(), set: (p: number) => source.set(p) }) : own
  let controller: AbortController | null = null

  async function reload(): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    try {
      const limit = options.pageSize
      const res = await options.fetch({ offset: (Math.max(1, page.value) - 1) * limit, limit }, mine.signal)
      if (controller !== mine) return
      items.value = res.items
      total.value = res.total
      error.value = ''
      options.loaded?.(res)
    } catch (e) {
      if (controller !== mine || (e as Error)?.name === 'AbortError') return
      error.value = isApiError(e) ? e.message : i18n.global.t('common.loadFailed')
      showError(e)
    } finally {
      if (controller === mine) loading.value = false
    }
  }

  const filters = options.filters ?? (() => null)
  if (source) {
    // Filters and page change together in the URL (a new search drops ?page): one load.
    watch([filters, () => source.get()], () => void reload(), { deep: true, immediate: true })
  } else {
    watch(
      filters,
      () => {
        // Back to page 1 (whose watch then loads it), or load page 1 again.
        if (own.value !== 1) own.value = 1
        else void reload()
      },
      { deep: true },
    )
    watch(own, () => void reload())
    void reload()
  }

  return { items, total, loading, error, page, reload }
}

/** The page in the URL's ?page= (absent on page 1), kept by the other query parameters. */
export function useRoutePage(): PageSource {
  const route = useRoute()
  const router = useRouter()
  return {
    get: () => Math.max(1, Number(route.query.page) || 1),
    set: (p: number) => void router.push({ query: { ...route.query, page: p > 1 ? String(p) : undefined } }),
  }
}
