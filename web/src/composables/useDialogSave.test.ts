import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { ApiError } from '@/api/client'
import { useDialogSave, type DialogSaveOptions } from './useDialogSave'

const tick = () => new Promise((r) => setTimeout(r, 0))
const scopes: Array<ReturnType<typeof effectScope>> = []

function setup<F extends string>(options: DialogSaveOptions<F>) {
  const scope = effectScope()
  scopes.push(scope)
  return scope.run(() => useDialogSave(options))!
}

/** An el-form as the composable sees it: validation passes or fails as told. */
function formThat(valid: boolean) {
  return ref({
    validate: vi.fn(() => (valid ? Promise.resolve(true) : Promise.reject(new Error('invalid')))),
    clearValidate: vi.fn(),
  } as unknown as FormInstance)
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

const messages = () => [...document.querySelectorAll('.el-message')].map((m) => m.textContent?.trim())

afterEach(() => {
  scopes.splice(0).forEach((s) => s.stop())
  document.body.innerHTML = ''
})

describe('useDialogSave', () => {
  it('saves once at a time, hands the result over, shows the success message, then closes', async () => {
    const order: string[] = []
    const d = setup({
      fields: ['name'] as const,
      successMessage: () => '已保存',
      close: () => order.push('close'),
    })
    const pending = deferred<{ id: number }>()
    const call = vi.fn(() => pending.promise)
    const first = d.save(call, (res) => order.push(`saved ${res.id}`))
    await tick()
    expect(d.saving.value).toBe(true)
    // A second click while the first save runs does nothing.
    expect(await d.save(call)).toBe(false)
    expect(call).toHaveBeenCalledTimes(1)
    pending.resolve({ id: 7 })
    expect(await first).toBe(true)
    expect(d.saving.value).toBe(false)
    expect(order).toEqual(['saved 7', 'close'])
    await nextTick()
    expect(messages()).toContain('已保存')
  })

  it('waits for what the caller does with the result, and shows the save\'s own message', async () => {
    const order: string[] = []
    const d = setup({ fields: ['number'] as const, successMessage: () => '已保存', close: () => order.push('close') })
    const loaded = deferred<void>()
    const saving = d.save(
      () => Promise.resolve({ number: 'A-17' }),
      async () => {
        await loaded.promise
        order.push('reloaded')
      },
      (res) => `已发放党员证 ${res.number}`,
    )
    await tick()
    expect(order).toEqual([])
    loaded.resolve()
    expect(await saving).toBe(true)
    expect(order).toEqual(['reloaded', 'close'])
    await nextTick()
    expect(messages()).toEqual(['已发放党员证 A-17'])
  })

  it('puts the server error under the field it names, and keeps the dialog open', async () => {
    const close = vi.fn()
    const saved = vi.fn()
    const d = setup({ fields: ['name', 'unit_code'] as const, aliases: { unit: 'unit_code' }, close })
    const ok = await d.save(() => Promise.reject(new ApiError(400, 'invalid_argument', '没有这个单位', 'unit')), saved)
    await tick()
    expect(ok).toBe(false)
    expect(d.errors.fields.unit_code).toBe('没有这个单位')
    expect(d.errors.fields.name).toBe('')
    expect(saved).not.toHaveBeenCalled()
    expect(close).not.toHaveBeenCalled()
    expect(d.saving.value).toBe(false)
    expect(messages()).toEqual([])
  })

  it('shows an error that names no field of the form as a message', async () => {
    const d = setup({ fields: ['name'] as const })
    expect(await d.save(() => Promise.reject(new ApiError(409, 'conflict', '版本已变化，请刷新后重试')))).toBe(false)
    await nextTick()
    expect(messages()).toContain('版本已变化，请刷新后重试')
    expect(d.errors.fields.name).toBe('')
  })

  it('clears the last save\'s field errors before saving again', async () => {
    const d = setup({ fields: ['name'] as const })
    await d.save(() => Promise.reject(new ApiError(409, 'conflict', '已有同名组织', 'name')))
    await tick()
    expect(d.errors.fields.name).toBe('已有同名组织')
    expect(await d.save(() => Promise.resolve(1))).toBe(true)
    expect(d.errors.fields.name).toBe('')
  })

  it('does not call the API when the form is invalid or a check fails', async () => {
    const call = vi.fn(() => Promise.resolve(1))
    const invalid = setup({ fields: ['name'] as const, form: formThat(false) })
    expect(await invalid.save(call)).toBe(false)

    const checked = setup({
      fields: ['into'] as const,
      form: formThat(true),
      check: (errors) => {
        errors.fields.into = '请选择合并到的组织'
        return false
      },
    })
    expect(await checked.save(call)).toBe(false)
    expect(checked.errors.fields.into).toBe('请选择合并到的组织')
    expect(call).not.toHaveBeenCalled()

    const valid = setup({ fields: ['name'] as const, form: formThat(true) })
    expect(await valid.save(call)).toBe(true)
    expect(call).toHaveBeenCalledTimes(1)
  })

  it('lets a form with its own error layout take the errors', async () => {
    const taken: unknown[] = []
    const d = setup({ fields: [] as const, applyError: (e) => (taken.push(e), true) })
    const error = new ApiError(400, 'invalid_argument', '第 2 部分没有名称', 'parts[1].name')
    expect(await d.save(() => Promise.reject(error))).toBe(false)
    await nextTick()
    expect(taken).toEqual([error])
    expect(messages()).toEqual([])
  })

  it('resets the form, its errors and its validation each time the dialog opens', async () => {
    const open = ref(false)
    const form = formThat(true)
    const reset = vi.fn()
    const opened = vi.fn()
    const d = setup({ fields: ['name'] as const, form, open: () => open.value, reset, opened })
    await tick()
    expect(reset).not.toHaveBeenCalled()

    await d.save(() => Promise.reject(new ApiError(409, 'conflict', '重名', 'name')))
    await tick()
    expect(d.errors.fields.name).toBe('重名')
    open.value = true
    await tick()
    expect(reset).toHaveBeenCalledTimes(1)
    expect(d.errors.fields.name).toBe('')
    expect(form.value!.clearValidate).toHaveBeenCalledTimes(1)
    expect(opened).toHaveBeenCalledTimes(1)

    open.value = false
    await tick()
    open.value = true
    await tick()
    expect(reset).toHaveBeenCalledTimes(2)
  })

  it('resets at once when it starts with the dialog open', async () => {
    const reset = vi.fn()
    setup({ fields: ['name'] as const, open: () => true, reset })
    await tick()
    expect(reset).toHaveBeenCalledTimes(1)
  })
})
