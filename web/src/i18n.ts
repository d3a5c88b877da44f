// UI language: zh-CN first, English second; the choice is remembered in localStorage and in the
// jiceng_lang cookie, from which the server renders the hierarchy pages' first screen in it.
// Chinese ships in the entry chunk; English (and Element Plus's English) loads when chosen.
// Each language's messages are one file per domain under locales/<lang>/ (locales/catalogue.ts).
import { ref, type Ref } from 'vue'
import { createI18n } from 'vue-i18n'
import type { Language } from 'element-plus/es/locale'
import zhCN from './locales/zh-CN'
import type { Messages } from './locales/catalogue'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import type { Lang } from './api/client'

export const LANGUAGES: Array<{ value: Lang; label: string }> = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
]

export const LANG_STORAGE_KEY = 'jiceng.lang'
/** The cookie the server reads (src/api/first_paint.h, kLangCookie). */
export const LANG_COOKIE = 'jiceng_lang'

export type MessageSchema = Messages

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
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<Lang, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
})

/** Element Plus's own strings (pagination, date picker, dialogs) in the UI language. */
export const elementLocale = ref<Language>(elementZhCn)
const elementLocales: Partial<Record<Lang, Language>> = { 'zh-CN': elementZhCn }

// Composition mode: the global locale is a ref (the generic typing does not say so).
function localeRef(): Ref<Lang> {
  return i18n.global.locale as unknown as Ref<Lang>
}

export function currentLanguage(): Lang {
  return localeRef().value
}

/** Loads a language's catalogues once (English is a separate chunk). */
export async function loadLanguage(lang: Lang): Promise<void> {
  if (!i18n.global.availableLocales.includes(lang)) {
    const [messages, element] = await Promise.all([
      import('./locales/en').then((m) => m.default),
      import('element-plus/es/locale/lang/en').then((m) => m.default),
    ])
    i18n.global.setLocaleMessage(lang, messages as MessageSchema)
    elementLocales[lang] = element
  }
}

/** Switches the UI language and remembers it. */
export async function setLanguage(lang: Lang): Promise<void> {
  await loadLanguage(lang)
  localeRef().value = lang
  elementLocale.value = elementLocales[lang] ?? elementZhCn
  storage()?.setItem(LANG_STORAGE_KEY, lang)
  rememberLanguageCookie(lang)
  applyDocumentLanguage(lang)
}

/** Tells the server the language for the pages it renders itself (a year; Lax: sent on links). */
export function rememberLanguageCookie(lang: Lang): void {
  if (typeof document === 'undefined') return
  document.cookie = `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`
}

export function applyDocumentLanguage(lang: Lang): void {
  if (typeof document === 'undefined') return
  document.documentElement.lang = lang
}
