// Server jobs (api/jobs.ts) as tasks of the header's TaskIndicator: the poller of kind 'job',
// and syncJobs(), which adds the caller's unfinished jobs from GET /api/v1/jobs — so a job
// started in another tab, or before a reload, shows up as well.
import { i18n } from '@/i18n'
import { getJob, isImport, listJobs, type Job } from '@/api/jobs'
import { registerTaskPoller, useTaskStore, type Task } from './tasks'

export const JOB_TASK = 'job'

const taskId = (jobId: number) => `job-${jobId}`

/** The task that shows `job`. */
export function jobTask(job: Job): Omit<Task, 'startedAt'> {
  const t = i18n.global.t
  const what = t(`jobs.kinds.${job.kind}`)
  const title = job.file_name ? `${what}：${job.file_name}` : what
  const what_ = job.kind === 'import_orgs' ? 'orgs' : 'members'
  return {
    id: taskId(job.id),
    kind: JOB_TASK,
    title: isImport(job.kind) && job.dry_run ? `${title}（${t('jobs.dryRun')}）` : title,
    status: job.status,
    progress: job.progress.total > 0 ? Math.min(1, job.progress.done / job.progress.total) : job.status === 'succeeded' ? 1 : null,
    message: job.error?.message,
    resultUrl: job.result?.url,
    link: isImport(job.kind) && job.unit_code ? `/units/${job.unit_code}/import/${what_}?job=${job.id}` : undefined,
  }
}

registerTaskPoller(JOB_TASK, async (task) => {
  const { job } = await getJob(task.id.replace(/^job-/, ''))
  const { status, progress, message, resultUrl, link } = jobTask(job)
  return { status, progress, message, resultUrl, link }
})

/** Adds or updates the caller's jobs that are unfinished or already shown; returns how many are unfinished. */
export async function syncJobs(): Promise<number> {
  const store = useTaskStore()
  const { items } = await listJobs()
  let unfinished = 0
  for (const job of items.slice().reverse()) {
    const running = job.status === 'queued' || job.status === 'running'
    if (running) unfinished++
    if (running || store.tasks.some((t) => t.id === taskId(job.id))) store.upsert(jobTask(job))
  }
  return unfinished
}
