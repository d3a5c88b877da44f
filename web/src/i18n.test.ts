// The chosen language is remembered where the server can read it too (the jiceng_lang cookie),
// so that the pages it renders itself (the hierarchy's first screen) come in that language.
import { afterEach, describe, expect, it } from 'vitest'
import { LANG_COOKIE, setLanguage } from './i18n'

function cookie(name: string): string | undefined {
  return document.cookie
    .split('; ')
    .map((c) => c.split('='))
    .find(([k]) => k === name)?.[1]
}

describe('setLanguage', () => {
  afterEach(async () => {
    await setLanguage('zh-CN')
  })

  it('remembers the choice in the jiceng_lang cookie and in localStorage', async () => {
    await setLanguage('en')
    expect(cookie(LANG_COOKIE)).toBe('en')
    expect(localStorage.getItem('jiceng.lang')).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    await setLanguage('zh-CN')
    expect(cookie(LANG_COOKIE)).toBe('zh-CN')
  })
})
