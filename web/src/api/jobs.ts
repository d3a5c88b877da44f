// Jobs (任务): imports and exports that run on the server (see the server's
// api/handlers/jobs_handler.h). Start one, then follow it with getJob until it ends.
import { api, pathId, type Query } from './client'

export type JobKind = 'import_members' | 'import_orgs' | 'export_members' | 'export_orgs'
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface RowIssue {
  row: number
  column: string
  field: string
  message: string
  message_zh: string
  message_en: string
}

export interface ImportReport {
  dry_run: boolean
  rows: number
  valid_rows: number
  error_count: number
  errors: RowIssue[]
  warning_count: number
  warnings: RowIssue[]
  committed: boolean
  inserted: number
  ids: number[]
}

export interface Job {
  id: number
  kind: JobKind
  status: JobStatus
  file_name: string
  format: string
  dry_run: boolean
  unit_code: string
  progress: { done: number; total: number }
  report: ImportReport | null
  error: { field: string; message: string } | null
  result: { file_name: string; content_type: string; url: string } | null
  source_job_id: number | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

export const isImport = (kind: string) => kind === 'import_members' || kind === 'import_orgs'
export const isDone = (job: Pick<Job, 'status'>) => job.status !== 'queued' && job.status !== 'running'

/** Starts an import dry run of `file`, from the page of unit `unit` (for the way back to it). */
export function startImport(what: 'members' | 'orgs', file: File, unit?: string) {
  return api.upload<{ job: Job }>(`/api/v1/jobs/imports/${what}`, file, { dry_run: true, filename: file.name, unit })
}

/** Starts an export of the list the query describes (the list endpoints' filters). */
export function startExport(what: 'members' | 'orgs', format: 'xlsx' | 'csv', query: Query) {
  return api.post<{ job: Job }>(`/api/v1/jobs/exports/${what}`, undefined, { query: { ...query, format } })
}

export const getJob = (id: number | string) => api.get<{ job: Job }>(`/api/v1/jobs/${pathId(id)}`)
export const listJobs = () => api.get<{ items: Job[] }>('/api/v1/jobs')
export const commitJob = (id: number) => api.post<{ job: Job }>(`/api/v1/jobs/${id}/commit`)
export const cancelJob = (id: number) => api.post<{ job: Job }>(`/api/v1/jobs/${id}/cancel`)
