#!/usr/bin/env node
// Prints what each page costs on first load: the entry chunk plus the page's own chunks
// (their static imports, transitively) and their CSS, raw and gzipped, from the Vite manifest
// of the last build (npm run build). A bench, not a test: it exits 1 only when a page's initial
// load is over the budget (250 KB gzipped JS+CSS for the login and hierarchy pages).
//   node scripts/bundle-size.mjs [--json]
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DIST = join(WEB, 'dist')
const MANIFEST = join(DIST, '.vite', 'manifest.json')
const BUDGET_KB = 250
const SHELL_PAGES = ['src/views/LoginView.vue', 'src/layouts/AppLayout.vue', 'src/views/HierarchyView.vue']

if (!existsSync(MANIFEST)) {
  console.error(`${MANIFEST} is missing: run npm run build first`)
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'))
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)
// The login page, the layout and the hierarchy page live in the shell chunk (vite.config.ts),
// which has no manifest key of its own pages: a page missing from the manifest is in the shell.
const shellKey = Object.keys(manifest).find((k) => manifest[k].name === 'shell')
const keyOf = (k) => (manifest[k] ? k : shellKey && SHELL_PAGES.includes(k) ? shellKey : k)

const sizeCache = new Map()
function sizes(file) {
  if (!sizeCache.has(file)) {
    const data = readFileSync(join(DIST, file))
    sizeCache.set(file, { raw: data.length, gz: gzipSync(data, { level: 9 }).length })
  }
  return sizeCache.get(file)
}

/** Every file loaded with these manifest entries: their static imports, transitively, and CSS. */
function closure(keys) {
  const js = new Set()
  const css = new Set()
  const visit = (key) => {
    const chunk = manifest[key]
    if (!chunk || js.has(chunk.file)) return
    js.add(chunk.file)
    for (const c of chunk.css ?? []) css.add(c)
    for (const imp of chunk.imports ?? []) visit(imp)
  }
  keys.forEach(visit)
  return { js: [...js], css: [...css] }
}

function total(files) {
  return files.reduce((acc, f) => {
    const s = sizes(f)
    return { raw: acc.raw + s.raw, gz: acc.gz + s.gz }
  }, { raw: 0, gz: 0 })
}

const kb = (n) => (n / 1024).toFixed(1)

const PAGES = [
  { page: 'login (/login)', keys: ['src/views/LoginView.vue'], budget: true },
  { page: 'hierarchy (/units)', keys: ['src/layouts/AppLayout.vue', 'src/views/HierarchyView.vue'], budget: true },
  { page: 'unit page (/units/540424)', keys: ['src/layouts/AppLayout.vue', 'src/views/UnitView.vue'] },
  { page: 'users (/admin/users)', keys: ['src/layouts/AppLayout.vue', 'src/views/UsersView.vue'] },
  { page: 'audit (/admin/audit)', keys: ['src/layouts/AppLayout.vue', 'src/views/AuditView.vue'] },
  { page: 'account (/me)', keys: ['src/layouts/AppLayout.vue', 'src/views/AccountView.vue'] },
  { page: 'organization (/orgs/:id)', keys: ['src/layouts/AppLayout.vue', 'src/views/OrgView.vue', 'src/components/party/MemberList.vue'] },
  { page: 'member (/members/:id)', keys: ['src/layouts/AppLayout.vue', 'src/views/MemberView.vue'] },
]

const rows = []
// The entry imports the shell dynamically, at once; index.html preloads it. It is part of
// every page's first load.
const bootKeys = shellKey ? [entryKey, shellKey] : [entryKey]
let over = false
const entry = closure([entryKey])
const entryJs = total(entry.js)
const entryCss = total(entry.css)
rows.push({ what: 'entry (index.html)', js: entryJs, css: entryCss, files: entry.js.length + entry.css.length })
for (const p of PAGES) {
  p.keys = p.keys.map(keyOf)
  const missing = p.keys.filter((k) => !manifest[k])
  if (missing.length) {
    console.error(`not in the manifest: ${missing.join(', ')}`)
    process.exit(1)
  }
  const c = closure([...bootKeys, ...p.keys])
  const js = total(c.js)
  const css = total(c.css)
  const gz = js.gz + css.gz
  const verdict = p.budget ? (gz <= BUDGET_KB * 1024 ? 'within budget' : 'OVER BUDGET') : ''
  if (p.budget && gz > BUDGET_KB * 1024) over = true
  rows.push({ what: p.page, js, css, files: c.js.length + c.css.length, verdict })
}
// Chunks loaded only when needed.
const lazy = [['ECharts (with the first chart)', Object.keys(manifest).find((k) => manifest[k].name === 'echarts')]]
for (const [what, key] of lazy) {
  if (!key) continue
  rows.push({ what, js: sizes(manifest[key].file), css: { raw: 0, gz: 0 }, files: 1 })
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2))
} else {
  console.log(`Initial load per page (KB; gzip -9; budget ${BUDGET_KB} KB gzipped JS+CSS for login and hierarchy)\n`)
  const header = ['what', 'files', 'JS raw', 'JS gz', 'CSS raw', 'CSS gz', 'total gz', '']
  const lines = rows.map((r) => [
    r.what,
    String(r.files),
    kb(r.js.raw),
    kb(r.js.gz),
    kb(r.css.raw),
    kb(r.css.gz),
    kb(r.js.gz + r.css.gz),
    r.verdict ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const fmt = (cols) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
  console.log(fmt(header))
  for (const l of lines) console.log(fmt(l))
}
process.exit(over ? 1 : 0)
