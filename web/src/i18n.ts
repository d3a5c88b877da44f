// UI language: zh-CN first, English second; the choice is remembered in localStorage.
import type { Ref } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'
import en from './locales/en.json'
import type { Lang } from './api/client'

export const LANGUAGES: Array<{ value: Lang; label: string }> = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
]

export const LANG_STORAGE_KEY = 'jiceng.lang'

export type MessageSchema = typeof zhCN

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** The remembered language, else Chinese (the interface is Chinese-first whatever the browser says). */
export function initialLanguage(): Lang {
  const saved = storage()?.getItem(LANG_STORAGE_KEY)
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const i18n = createI18n<[MessageSchema], Lang>({
  legacy: false,
  locale: initialLanguage(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

// Composition mode: the global locale is a ref (the generic typing does not say so).
function localeRef(): Ref<Lang> {
  return i18n.global.locale as unknown as Ref<Lang>
}

export function currentLanguage(): Lang {
  return localeRef().value
}

export function setLanguage(lang: Lang): void {
  localeRef().value = lang
  storage()?.setItem(LANG_STORAGE_KEY, lang)
  applyDocumentLanguage(lang)
}

export function applyDocumentLanguage(lang: Lang): void {
  if (typeof document === 'undefined') return
  document.documentElement.lang = lang
  document.title = i18n.global.t('app.title')
}
