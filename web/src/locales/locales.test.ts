// Every string is in both catalogues, and every key the code names exists. A catalogue is one
// file per domain (locales/<lang>/<domain>.json): every domain has its file in both languages with
// the same keys, and no two domain files define the same top-level key.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mergeDomains, type Messages } from './catalogue'
import zhCN from './zh-CN'
import en from './en'

const LANGS = ['zh-CN', 'en']
const domainFiles = (lang: string) => readdirSync(join(__dirname, lang)).sort()
const readDomain = (lang: string, file: string) => JSON.parse(readFileSync(join(__dirname, lang, file), 'utf8')) as Messages

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [p] : []
  })
}

describe('domain files', () => {
  it('are JSON files, the same ones in every language', () => {
    const zhFiles = domainFiles('zh-CN')
    expect(zhFiles.length).toBeGreaterThan(1)
    for (const f of zhFiles) expect(f).toMatch(/^[a-zA-Z]+\.json$/)
    for (const lang of LANGS) expect(domainFiles(lang), lang).toEqual(zhFiles)
  })

  it('have the same keys in Chinese and English, file by file', () => {
    for (const f of domainFiles('zh-CN')) {
      expect(keys(readDomain('en', f)).sort(), f).toEqual(keys(readDomain('zh-CN', f)).sort())
    }
  })

  it('do not define the same top-level key twice', () => {
    for (const lang of LANGS) {
      const owners = new Map<string, string[]>()
      for (const f of domainFiles(lang)) {
        for (const k of Object.keys(readDomain(lang, f))) owners.set(k, [...(owners.get(k) ?? []), f])
      }
      const twice = [...owners].filter(([, files]) => files.length > 1).map(([k, files]) => `${k}: ${files.join(', ')}`)
      expect(twice, lang).toEqual([])
    }
  })

  it('are all merged into the catalogue', () => {
    for (const [lang, merged] of [['zh-CN', zhCN], ['en', en]] as const) {
      const top = domainFiles(lang).flatMap((f) => Object.keys(readDomain(lang, f)))
      expect(Object.keys(merged).sort(), lang).toEqual(top.sort())
    }
  })

  it('refuse to merge two files that define the same top-level key', () => {
    expect(mergeDomains({ './a.json': { x: 'a' }, './b.json': { y: 'b' } })).toEqual({ x: 'a', y: 'b' })
    expect(() => mergeDomains({ './a.json': { x: 'a' }, './b.json': { x: { y: 'b' } } })).toThrow(/"x".*a\.json.*b\.json/)
  })
})

describe('message catalogues', () => {
  const zhKeys = keys(zhCN).sort()
  const enKeys = keys(en).sort()

  it('have the same keys in Chinese and English', () => {
    expect(enKeys).toEqual(zhKeys)
  })

  it('have no empty message', () => {
    for (const [k, v] of Object.entries({ ...flat(zhCN), ...flat(en) })) expect(v, k).not.toBe('')
  })

  it('hold every literal key the code uses', () => {
    const root = join(__dirname, '..')
    const known = new Set(zhKeys)
    const missing: string[] = []
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        if (!known.has(m[1])) missing.push(`${file.slice(root.length)}: ${m[1]}`)
      }
      for (const m of text.matchAll(/\btitle: '([a-zA-Z0-9_.]+)'/g)) {
        if (!known.has(m[1])) missing.push(`${file.slice(root.length)}: ${m[1]}`)
      }
      // The unit page's tab registrations (units/tabs/*.ts).
      for (const m of text.matchAll(/\blabelKey: '([a-zA-Z0-9_.]+)'/g)) {
        if (!known.has(m[1])) missing.push(`${file.slice(root.length)}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('uses Chinese in the Chinese catalogue', () => {
    const flatZh = flat(zhCN)
    // Punctuation-only entries (the list separator 、) are Chinese too.
    const withoutHan = Object.entries(flatZh).filter(([, v]) => /[A-Za-z]/.test(v) && !/[\u4e00-\u9fff]/.test(v))
    expect(withoutHan.map(([k]) => k)).toEqual([])
  })
})

function flat(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') Object.assign(out, flat(v as Record<string, unknown>, `${prefix}${k}.`))
    else out[`${prefix}${k}`] = String(v)
  }
  return out
}
