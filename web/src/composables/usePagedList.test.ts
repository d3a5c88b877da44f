import { afterEach, describe, expect, it } from 'vitest'
import { effectScope, ref } from 'vue'
import { ApiError } from '@/api/client'
import type { Page } from '@/api/types'
import { usePagedList, type PagedListOptions } from './usePagedList'

const tick = () => new Promise((r) => setTimeout(r, 0))
const scopes: Array<ReturnType<typeof effectScope>> = []

function setup<T>(options: PagedListOptions<T>) {
  const scope = effectScope()
  scopes.push(scope)
  return scope.run(() => usePagedList(options))!
}

interface Call {
  offset: number
  limit: number
  filter: string
  signal: AbortSignal
  resolve(page: Page<string>): void
  reject(e: unknown): void
}

/** A fetch whose answers the test gives, one call at a time. */
function server(filter: () => string) {
  const calls: Call[] = []
  const fetch = ({ offset, limit }: { offset: number; limit: number }, signal: AbortSignal) =>
    new Promise<Page<string>>((resolve, reject) => calls.push({ offset, limit, filter: filter(), signal, resolve, reject }))
  return { calls, fetch }
}

const messages = () => [...document.querySelectorAll('.el-message')].map((m) => m.textContent?.trim())

afterEach(() => {
  scopes.splice(0).forEach((s) => s.stop())
  document.body.innerHTML = ''
})

describe('usePagedList', () => {
  it('loads the first page at once, then the page asked for', async () => {
    const { calls, fetch } = server(() => '')
    const list = setup({ pageSize: 20, fetch })
    expect(calls.map((c) => [c.offset, c.limit])).toEqual([[0, 20]])
    expect(list.loading.value).toBe(true)
    calls[0].resolve({ items: ['a', 'b'], total: 45 })
    await tick()
    expect(list.items.value).toEqual(['a', 'b'])
    expect(list.total.value).toBe(45)
    expect(list.loading.value).toBe(false)

    list.page.value = 3
    await tick()
    expect(calls.map((c) => c.offset)).toEqual([0, 40])
    calls[1].resolve({ items: ['x'], total: 45 })
    await tick()
    expect(list.items.value).toEqual(['x'])
  })

  it('goes back to page 1 when a filter changes, with one load', async () => {
    const q = ref('')
    const { calls, fetch } = server(() => q.value)
    const list = setup({ pageSize: 10, fetch, filters: () => q.value })
    list.page.value = 4
    await tick()
    expect(calls.map((c) => c.offset)).toEqual([0, 30])

    q.value = '泸定'
    await tick()
    expect(list.page.value).toBe(1)
    expect(calls.slice(2).map((c) => [c.offset, c.filter])).toEqual([[0, '泸定']])

    // On page 1 already, a filter change loads page 1 again.
    q.value = '波密'
    await tick()
    expect(calls.slice(3).map((c) => [c.offset, c.filter])).toEqual([[0, '波密']])
  })

  it('lets no older answer overwrite a newer one, and aborts the older request', async () => {
    const q = ref('a')
    const { calls, fetch } = server(() => q.value)
    const list = setup({ pageSize: 10, fetch, filters: () => q.value })
    q.value = 'b'
    await tick()
    expect(calls[0].signal.aborted).toBe(true)
    calls[1].resolve({ items: ['from b'], total: 1 })
    await tick()
    calls[0].resolve({ items: ['from a'], total: 1 })
    await tick()
    expect(list.items.value).toEqual(['from b'])
    expect(list.loading.value).toBe(false)
  })

  it('shows a failure, keeps the last items, and clears the error on the next load that works', async () => {
    const { calls, fetch } = server(() => '')
    const list = setup({ pageSize: 10, fetch })
    calls[0].resolve({ items: ['a'], total: 1 })
    await tick()
    void list.reload()
    calls[1].reject(new ApiError(503, 'unavailable', '服务器正忙，请稍后再试'))
    await tick()
    expect(list.error.value).toBe('服务器正忙，请稍后再试')
    expect(list.items.value).toEqual(['a'])
    expect(list.loading.value).toBe(false)
    expect(messages()).toContain('服务器正忙，请稍后再试')

    void list.reload()
    calls[2].resolve({ items: ['b'], total: 1 })
    await tick()
    expect(list.error.value).toBe('')
    expect(list.items.value).toEqual(['b'])
  })

  it('says nothing about a request it aborted itself', async () => {
    const q = ref('a')
    const { calls, fetch } = server(() => q.value)
    const list = setup({ pageSize: 10, fetch, filters: () => q.value })
    q.value = 'b'
    await tick()
    calls[0].reject(new DOMException('aborted', 'AbortError'))
    await tick()
    expect(list.error.value).toBe('')
    expect(messages()).toEqual([])
    expect(list.loading.value).toBe(true)
  })

  it('takes the page from a source elsewhere (the URL), and loads once when page and filters change together', async () => {
    const query = ref({ q: '', page: 2 })
    const asked: number[] = []
    const { calls, fetch } = server(() => query.value.q)
    const list = setup({
      pageSize: 10,
      fetch,
      filters: () => query.value.q,
      page: { get: () => query.value.page, set: (p) => asked.push(p) },
    })
    expect(calls.map((c) => c.offset)).toEqual([10])
    expect(list.page.value).toBe(2)

    // Setting the page goes through the source; the list loads when the source changes.
    list.page.value = 5
    await tick()
    expect(asked).toEqual([5])
    expect(calls).toHaveLength(1)

    query.value = { q: '村', page: 1 }
    await tick()
    expect(calls.slice(1).map((c) => [c.offset, c.filter])).toEqual([[0, '村']])
  })

  it('reports each load that is still the newest', async () => {
    const loaded: number[] = []
    const { calls, fetch } = server(() => '')
    const list = setup({ pageSize: 10, fetch, loaded: (p) => loaded.push(p.total) })
    void list.reload()
    calls[1].resolve({ items: [], total: 2 })
    calls[0].resolve({ items: [], total: 1 })
    await tick()
    expect(loaded).toEqual([2])
  })
})
