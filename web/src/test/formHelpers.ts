// Helpers for dialog tests: fill an input, set an Element Plus select or date picker by its
// data-testid, press a button, read the error under a form item named by its label.
import type { VueWrapper } from '@vue/test-utils'
import { nextTick } from 'vue'
import { flush } from './mountApp'

/** Types into the native input (or textarea) carrying data-testid. */
export async function fill(testid: string, value: string) {
  const input = document.querySelector(`input[data-testid="${testid}"], textarea[data-testid="${testid}"]`) as HTMLInputElement | null
  if (!input) throw new Error(`no input ${testid}`)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await nextTick()
}

/** Sets the v-model of a component (ElSelect, ElDatePicker, ElRadioGroup…) found by data-testid. */
export async function setModel(wrapper: VueWrapper, component: string, testid: string, value: unknown) {
  const c = wrapper.findAllComponents({ name: component }).find((x) => (x.vm.$attrs as Record<string, unknown>)['data-testid'] === testid)
  if (!c) throw new Error(`no ${component} ${testid}`)
  c.vm.$emit('update:modelValue', value)
  c.vm.$emit('change', value)
  await nextTick()
}

export async function click(testid: string) {
  const el = document.querySelector(`[data-testid="${testid}"]`) as HTMLElement | null
  if (!el) throw new Error(`no button ${testid}`)
  el.click()
  for (let i = 0; i < 6; i++) await flush()
}

/** The form item whose label is `label` (exact). */
export function item(label: string, root: ParentNode = document): Element {
  const found = [...root.querySelectorAll('.el-form-item')].find((i) => i.querySelector('.el-form-item__label')?.textContent?.trim() === label)
  if (!found) throw new Error(`no form item ${label}`)
  return found
}

export function errorUnder(label: string, root: ParentNode = document): string {
  return item(label, root).querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
