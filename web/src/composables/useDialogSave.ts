// The save of an edit or create dialog (and of the few forms that work the same way): reset the
// form when the dialog opens, validate, call the API once at a time, put the server's field
// errors under their fields (useFieldErrors) and anything else in a message, and on success show
// the success message, hand the result to the caller (to emit it) and close.
//
//   const { saving, errors, save } = useDialogSave({
//     fields: ['name', 'starts_on'] as const,
//     form: formRef,
//     open: () => props.modelValue,
//     reset: () => Object.assign(form, { name: '', starts_on: serverTodayIso() }),
//     close: () => emit('update:modelValue', false),
//   })
//   const submit = () => save(() => createTeam(props.orgId, { ...form }), (res) => emit('saved', res.task_team))
import { nextTick, ref, watch, type Ref } from 'vue'
import { ElMessage, type FormInstance } from 'element-plus'
import { showError } from './useErrorMessage'
import { useFieldErrors, type FieldErrors } from './useFieldErrors'

export interface DialogSaveOptions<F extends string> {
  /** The fields the server's errors may name (useFieldErrors), and their aliases. */
  fields: readonly F[]
  aliases?: Record<string, F>
  /** The el-form: validated before each save; its validation is cleared when the dialog opens. */
  form?: Ref<FormInstance | undefined>
  /** Whether the dialog is open (() => props.modelValue); each opening runs reset, then opened. */
  open?: () => boolean
  /** Puts the form back to its starting values (may load what the form offers). */
  reset?: () => unknown
  /** After an opening has been rendered: to focus the first field. */
  opened?: () => void
  /** Checks the form's rules cannot express: puts messages in errors.fields, false to stop. */
  check?: (errors: FieldErrors<F>) => boolean
  /** Shown after each successful save (read then); a save's own `message` replaces it. */
  successMessage?: () => string
  /** Closes the dialog (() => emit('update:modelValue', false)), after the result is handed over. */
  close?: () => void
  /**
   * Shows an error where the form wants it; true when it did. Replaces the field errors for forms
   * laid out otherwise (a list of parts); what it does not take goes to showError.
   */
  applyError?: (error: unknown) => boolean
}

export interface DialogSave<F extends string> {
  /** True while a save is running: bind to the save button's :loading. */
  saving: Ref<boolean>
  errors: FieldErrors<F>
  /**
   * Validates and runs `call` unless a save is already running; on success passes the result to
   * `saved` (and waits for it, if it returns a promise), shows the success message (`message`'s,
   * else the options') and closes. Resolves true when it saved; on failure the error is shown
   * (under its field, else as a message) and it resolves false.
   */
  save<T>(call: () => Promise<T>, saved?: (result: T) => unknown, message?: (result: T) => string): Promise<boolean>
}

export function useDialogSave<F extends string>(options: DialogSaveOptions<F>): DialogSave<F> {
  const saving = ref(false)
  const errors = useFieldErrors(options.fields, options.aliases)
  const apply = options.applyError ?? ((e: unknown) => errors.apply(e))

  if (options.open) {
    watch(
      options.open,
      async (open) => {
        if (!open) return
        errors.clear()
        await options.reset?.()
        // The form is rendered (and its fields registered) only once the dialog is.
        await nextTick()
        options.form?.value?.clearValidate()
        options.opened?.()
      },
      { immediate: true },
    )
  }

  async function save<T>(call: () => Promise<T>, saved?: (result: T) => unknown, message?: (result: T) => string): Promise<boolean> {
    if (saving.value) return false
    errors.clear()
    if (options.check && !options.check(errors)) return false
    if (options.form && !(await options.form.value?.validate().catch(() => false))) return false
    // A second click while validating must not start a second save.
    if (saving.value) return false
    saving.value = true
    try {
      const result = await call()
      await saved?.(result)
      const text = message ? message(result) : options.successMessage?.()
      if (text) ElMessage({ type: 'success', message: text })
      options.close?.()
      return true
    } catch (e) {
      if (!apply(e)) showError(e)
      return false
    } finally {
      saving.value = false
    }
  }

  return { saving, errors, save }
}
