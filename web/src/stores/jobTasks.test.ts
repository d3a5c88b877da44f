import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { mockFetch } from '@/test/fetchMock'
import type { Job } from '@/api/jobs'
import { startImport } from '@/api/jobs'
import { useTaskStore } from './tasks'
import { jobTask, syncJobs } from './jobTasks'

function job(patch: Partial<Job>): Job {
  return {
    id: 1,
    kind: 'export_members',
    status: 'running',
    file_name: '',
    format: 'xlsx',
    dry_run: false,
    unit_code: '',
    progress: { done: 0, total: 0 },
    report: null,
    error: null,
    result: null,
    source_job_id: null,
    created_at: '2026-11-23T10:00:00Z',
    started_at: null,
    finished_at: null,
    ...patch,
  }
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => vi.unstubAllGlobals())

describe('server jobs as tasks', () => {
  it('shows the unfinished jobs of GET /api/v1/jobs, and follows them to their file', async () => {
    let state: Job = job({ id: 7, status: 'running', progress: { done: 500, total: 2000 } })
    mockFetch({
      'GET /api/v1/jobs': () => ({
        status: 200,
        body: { items: [state, job({ id: 6, status: 'succeeded' }), job({ id: 5, status: 'queued', kind: 'import_members', file_name: '名单.csv', dry_run: true, unit_code: '540424' })] },
      }),
      'GET /api/v1/jobs/7': () => ({ status: 200, body: { job: state } }),
      'GET /api/v1/jobs/5': () => ({ status: 200, body: { job: job({ id: 5, status: 'failed', kind: 'import_members', error: { field: 'file', message: '缺少必填列：姓名。' } }) } }),
    })
    const tasks = useTaskStore()
    expect(await syncJobs()).toBe(2)
    // Finished jobs nobody was following stay out; newest first.
    expect(tasks.tasks.map((t) => t.id)).toEqual(['job-7', 'job-5'])
    expect(tasks.tasks[0]).toMatchObject({ kind: 'job', status: 'running', progress: 0.25, title: '导出党员名册' })
    expect(tasks.tasks[1]).toMatchObject({ title: '导入党员：名单.csv（预检）', link: '/units/540424/import/members?job=5' })

    state = job({ id: 7, status: 'succeeded', progress: { done: 2000, total: 2000 }, result: { file_name: '党员名册.xlsx', content_type: 'x', url: '/api/v1/jobs/7/file' } })
    expect(await tasks.refresh()).toBe(0)
    expect(tasks.tasks[0]).toMatchObject({ status: 'succeeded', progress: 1, resultUrl: '/api/v1/jobs/7/file' })
    expect(tasks.tasks[1]).toMatchObject({ status: 'failed', message: '缺少必填列：姓名。' })

    // A second sync keeps the tasks it knows, updated in place.
    expect(await syncJobs()).toBe(1)
    expect(tasks.tasks.filter((t) => t.id === 'job-7')).toHaveLength(1)
  })

  it('has no progress until the server knows the row count', () => {
    expect(jobTask(job({ status: 'queued' })).progress).toBeNull()
    expect(jobTask(job({ status: 'succeeded' })).progress).toBe(1)
  })

  it('sends an import file as the body, not as JSON', async () => {
    const seen: { url: string; init: RequestInit }[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        seen.push({ url, init })
        return new Response(JSON.stringify({ job: job({ id: 9, kind: 'import_members', status: 'queued' }) }), { status: 202 })
      }),
    )
    const file = new File(['姓名,性别\n'], '名单.csv', { type: 'text/csv' })
    const { job: started } = await startImport('members', file, '540424')
    expect(started.id).toBe(9)
    expect(decodeURIComponent(seen[0].url)).toBe('/api/v1/jobs/imports/members?dry_run=true&filename=名单.csv&unit=540424')
    expect(seen[0].init.body).toBe(file)
    expect((seen[0].init.headers as Record<string, string>)['Content-Type']).toBe('text/csv')
  })
})
