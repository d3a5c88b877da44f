// Every string is in both catalogues, and every key the code names exists.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN.json'
import en from './en.json'

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
