// Shows an API error next to the form item it names (error.field -> el-form-item :error).
// Errors that name no field of the form are returned to the caller to show as a message.
import { reactive } from 'vue'
import { isApiError } from '@/api/client'

export interface FieldErrors<F extends string> {
  /** Current message per field ('' when none): bind to <el-form-item :error="errors.fields.name">. */
  fields: Record<F, string>
  /** Clears every field's message (call before submitting). */
  clear(): void
  /**
   * Puts the error's message on its field when the field is one of this form's (the server's
   * field names may be aliased: { unit_code: 'unit' }; an item of a list, "attendance[3].status",
   * falls back to the list's field). Returns true when it did.
   */
  apply(error: unknown): boolean
}

export function useFieldErrors<F extends string>(names: readonly F[], aliases: Record<string, F> = {}): FieldErrors<F> {
  const fields = reactive(Object.fromEntries(names.map((n) => [n, '']))) as Record<F, string>
  return {
    fields,
    clear() {
      for (const n of names) fields[n] = ''
    },
    apply(error: unknown): boolean {
      if (!isApiError(error) || !error.field) return false
      // An item of a list ("attendance[3].member_id") shows under the list's field ("attendance")
      // when the form has no field for the item itself; the message says which item.
      const known = names as readonly string[]
      const exact = aliases[error.field] ?? error.field
      const list = error.field.replace(/\[.*$/, '')
      const name = (known.includes(exact) ? exact : (aliases[list] ?? list)) as F
      if (!known.includes(name)) return false
      // Re-setting the same text would not re-trigger el-form-item's display; clear first.
      fields[name] = ''
      queueMicrotask(() => (fields[name] = error.message))
      return true
    },
  }
}
