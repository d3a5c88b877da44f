// Long operations (导入、导出) run on the server; the browser only follows them.
// A task is remembered in localStorage, so a user can leave the page (or close the tab) and
// come back to its progress. Server jobs (stores/jobTasks.ts) register the poller of kind 'job'
// and add the jobs GET /api/v1/jobs lists, so another tab or a later visit sees them too.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface Task {
  id: string
  kind: string
  /** What the user sees: "导入党员名册.xlsx". */
  title: string
  status: TaskStatus
  /** 0..1, when known. */
  progress: number | null
  message?: string
  /** Where the result can be fetched (an export's file). */
  resultUrl?: string
  /** A page of the app that shows the task (an import's report). */
  link?: string
  startedAt: string
}

/** Asks the server how a task is doing. */
export type TaskPoller = (task: Task) => Promise<Partial<Pick<Task, 'status' | 'progress' | 'message' | 'resultUrl' | 'link'>>>

const STORAGE_KEY = 'jiceng.tasks'
const pollers = new Map<string, TaskPoller>()

export function registerTaskPoller(kind: string, poller: TaskPoller): void {
  pollers.set(kind, poller)
}

function load(): Task[] {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    const parsed = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed) ? parsed : []
  } catch {
    return []
  }
}

export const useTaskStore = defineStore('tasks', () => {
  const tasks = ref<Task[]>(load())
  const active = computed(() => tasks.value.filter((t) => t.status === 'queued' || t.status === 'running'))

  function save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(tasks.value))
    } catch {
      /* storage full or disabled: progress is still shown for this page's life */
    }
  }

  function track(task: Omit<Task, 'status' | 'progress' | 'startedAt'> & Partial<Task>): Task {
    const full: Task = { status: 'queued', progress: null, startedAt: new Date().toISOString(), ...task }
    tasks.value = [full, ...tasks.value.filter((t) => t.id !== full.id)]
    save()
    return full
  }

  /** Polls every unfinished task once; returns how many are still running. */
  async function refresh(): Promise<number> {
    for (const task of active.value) {
      const poller = pollers.get(task.kind)
      if (!poller) continue
      try {
        Object.assign(task, await poller(task))
      } catch (e) {
        task.status = 'failed'
        task.message = (e as Error).message
      }
    }
    save()
    return active.value.length
  }

  /** Adds the task, or updates the one with its id in place (keeping when it started). */
  function upsert(task: Omit<Task, 'startedAt'> & Partial<Task>): void {
    const known = tasks.value.find((t) => t.id === task.id)
    if (known) {
      Object.assign(known, task)
      save()
    } else {
      track(task)
    }
  }

  function dismiss(id: string): void {
    tasks.value = tasks.value.filter((t) => t.id !== id)
    save()
  }

  return { tasks, active, track, upsert, refresh, dismiss }
})
