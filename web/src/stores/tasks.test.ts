import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { registerTaskPoller, useTaskStore } from './tasks'

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('task store', () => {
  it('follows a task through its poller and remembers it across reloads', async () => {
    let progress = 0
    registerTaskPoller('export', async () => {
      progress += 0.5
      return progress >= 1 ? { status: 'succeeded', progress: 1, resultUrl: '/x.xlsx' } : { status: 'running', progress }
    })
    const tasks = useTaskStore()
    tasks.track({ id: 't1', kind: 'export', title: '导出党员名册' })
    expect(tasks.active).toHaveLength(1)
    expect(await tasks.refresh()).toBe(1)
    expect(tasks.tasks[0].progress).toBe(0.5)

    // A new page (a reload) finds the task again.
    setActivePinia(createPinia())
    const again = useTaskStore()
    expect(again.tasks.map((t) => t.id)).toEqual(['t1'])
    expect(await again.refresh()).toBe(0)
    expect(again.tasks[0]).toMatchObject({ status: 'succeeded', resultUrl: '/x.xlsx' })
    again.dismiss('t1')
    expect(again.tasks).toHaveLength(0)
  })

  it('marks a task failed when its poller throws', async () => {
    registerTaskPoller('import', async () => {
      throw new Error('文件格式不对')
    })
    const tasks = useTaskStore()
    tasks.track({ id: 't2', kind: 'import', title: '导入' })
    await tasks.refresh()
    expect(tasks.tasks[0]).toMatchObject({ status: 'failed', message: '文件格式不对' })
  })
})
