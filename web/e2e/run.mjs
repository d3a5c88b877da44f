// End-to-end tests of the web interface against the real jiceng binary, in Debian's chromium.
// Run by `npm test` after `npm run build`. Prints "N passed, M failed" last; exits 1 on failure.
//   node e2e/run.mjs [filter]   runs only the tests whose name contains `filter` (or one of
//                               several, separated by |)
import assert from 'node:assert/strict'
import { AxeBuilder } from '@axe-core/playwright'
import { PASSWORD, USERS, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs'

const filters = (process.argv[2] ?? '').split('|').filter(Boolean)
const tests = []
const test = (name, fn) => tests.push({ name, fn })

let base = ''
let browser = null
const shotDir = ensureScreenshotDir()
const groupName = `本冬村民小组${Date.now() % 100000}`
const DESKTOP = { width: 1440, height: 900 }
const PHONE = { width: 360, height: 740 }

// Network errors the tests provoke on purpose (signed-out probes, wrong passwords, lockout,
// invalid form input, duplicate names, out-of-area requests) are logged by Chromium as console
// errors; they are not the application's errors. Anything else in the console fails the test.
const EXPECTED_NETWORK = /Failed to load resource: the server responded with a status of (400|401|403|404|409|429)/

async function open({ viewport = DESKTOP, path = '/', lang } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  if (lang) {
    await context.addInitScript((l) => localStorage.setItem('jiceng.lang', l), lang)
  }
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  const errors = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !EXPECTED_NETWORK.test(msg.text())) errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  await page.goto(base + path)
  const done = async () => {
    await context.close()
    assert.deepEqual(errors, [], 'console errors')
  }
  return { context, page, errors, done }
}

async function login(page, user = USERS.admin, password = PASSWORD) {
  await page.locator('input[data-testid="username"]').fill(user.username)
  await page.locator('input[data-testid="password"]').fill(password)
  await page.locator('[data-testid="login-submit"]').click()
}

async function openSignedIn(user, options = {}) {
  const target = options.path ?? '/units'
  const s = await open({ ...options, path: `/login?redirect=${encodeURIComponent(target)}` })
  await login(s.page, user)
  await s.page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return s
}

async function axe(page, label) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const summary = bad.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`,
  )
  assert.deepEqual(summary, [], `axe on ${label}`)
}

async function shot(page, name) {
  const w = page.viewportSize().width
  await page.screenshot({ path: `${shotDir}/${name}-${w}.png`, fullPage: true })
}

// Waits until the app has no request in flight and shows no loading mask. (Playwright's
// 'networkidle' belongs to the document load and says nothing after client-side navigation.)
// A request the last action triggers is started by then: Vue flushes its watchers before the
// next frame, so two animation frames later it is counted in data-pending.
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))))
  await page.waitForFunction(
    () => (document.documentElement.dataset.pending ?? '0') === '0' && !document.querySelector('.el-loading-mask'),
  )
}

/** Waits for the unit page to show `name` (the URL changes before the unit has loaded). */
async function unitTitle(page, name) {
  await page.locator('[data-testid="unit-title"]').filter({ hasText: new RegExp(`^${name}$`) }).waitFor()
}

async function childrenOf(page, code) {
  await page.locator(`[data-testid="children-table"][data-parent="${code}"]`).waitFor()
  await settle(page)
}

// ---------------------------------------------------------------------------

test('login page is Chinese, accessible, and shows the server message for a wrong password', async () => {
  const s = await open({ path: '/units' })
  const { page } = s
  await page.waitForURL(/\/login\?redirect=(%2F|\/)units/)
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
  assert.match(await page.locator('h1').innerText(), /登录/)
  await axe(page, 'login')
  await login(page, USERS.admin, 'not-the-password')
  const alert = page.locator('[data-testid="login-alert"]')
  await alert.waitFor()
  assert.match(await alert.innerText(), /用户名或密码/)
  await s.done()
})

test('repeated wrong passwords lock the account, with the wait shown', async () => {
  const s = await open({ path: '/login' })
  const { page } = s
  let text = ''
  for (let i = 0; i < 8; i++) {
    await login(page, USERS.locked, `wrong-${i}`)
    const alert = page.locator('[data-testid="login-alert"]')
    await alert.waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-testid="login-submit"].is-loading'))
    text = await alert.innerText()
    if (await page.locator('[data-testid="login-submit"]').isDisabled()) break
  }
  assert.match(text, /分钟|秒/, `lockout message, got: ${text}`)
  assert.equal(await page.locator('[data-testid="login-submit"]').isDisabled(), true)
  assert.match(await page.locator('[data-testid="login-submit"]').innerText(), /请在 \d+ (分钟|秒)后再试/)
  await s.done()
})

test('log in and browse Tibet (54) → Nyingchi (5404) → Bomi (540424)', async () => {
  const s = await openSignedIn(USERS.admin)
  const { page } = s
  await page.waitForURL(/\/units$/)
  await settle(page)
  assert.match(await page.locator('[data-testid="user-menu"]').innerText(), /系统管理员/)
  await page.getByRole('link', { name: '西藏自治区', exact: true }).click()
  await page.waitForURL(/\/units\/54$/)
  await unitTitle(page, '西藏自治区')
  await childrenOf(page, '54')
  await page.getByRole('link', { name: '林芝市', exact: true }).click()
  await page.waitForURL(/\/units\/5404$/)
  await childrenOf(page, '5404')
  await page.getByRole('link', { name: '波密县', exact: true }).click()
  await page.waitForURL(/\/units\/540424$/)
  await unitTitle(page, '波密县')
  await childrenOf(page, '540424')
  const crumbs = await page.locator('[data-testid="unit-breadcrumb"]').innerText()
  for (const name of ['全国', '西藏自治区', '林芝市', '波密县']) assert.ok(crumbs.includes(name), `breadcrumb has ${name}: ${crumbs}`)
  await settle(page)
  assert.match(await page.locator('.children .card-title').innerText(), /共 10 个/)
  // The chart of villages per township loads ECharts on demand.
  await page.locator('.chart canvas').waitFor()
  // Back up through the breadcrumb.
  await page.locator('[data-testid="unit-breadcrumb"]').getByText('林芝市').click()
  await page.waitForURL(/\/units\/5404$/)
  await s.done()
})

test('search 瀘定 finds 泸定县 (traditional → simplified)', async () => {
  const s = await openSignedIn(USERS.admin)
  const { page } = s
  await page.locator('input[data-testid="unit-search"]').fill('瀘定')
  await page.locator('[data-testid="unit-search-submit"]').click()
  await page.waitForURL(/q=/)
  const row = page.locator('[data-testid="unit-table"] tbody tr').filter({ hasText: '泸定县' })
  await row.first().waitFor()
  assert.match(await row.first().innerText(), /四川省/)
  await row.first().getByRole('link', { name: '泸定县' }).click()
  await page.waitForURL(/\/units\/513322$/)
  await s.done()
})

// A context signed in through the API (the session cookie set), without the app's login page.
async function signedInContext(user, options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options })
  const r = await context.request.post(`${base}/api/v1/session`, { data: { username: user.username, password: PASSWORD } })
  assert.equal(r.status(), 200, `sign-in of ${user.username}: ${await r.text()}`)
  return context
}

test('without JavaScript: the server renders the hierarchy pages; links and the search form work', async () => {
  const context = await signedInContext(USERS.admin, { javaScriptEnabled: false })
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(15000)
    await page.goto(`${base}/units`)
    assert.match(await page.locator('h1').innerText(), /区划浏览/)
    await page.getByRole('link', { name: '西藏自治区', exact: true }).click()
    await page.waitForURL(/\/units\/54$/)
    assert.equal(await page.locator('h1').innerText(), '西藏自治区')
    await page.locator('table').getByRole('link', { name: '林芝市', exact: true }).waitFor()
    await shot(page, 'first-paint-54')
    await page.locator('table').getByRole('link', { name: '林芝市', exact: true }).click()
    await page.waitForURL(/\/units\/5404$/)
    await page.locator('table').getByRole('link', { name: '波密县', exact: true }).click()
    await page.waitForURL(/\/units\/540424$/)
    const crumbs = await page.locator('nav.fp-crumbs').innerText()
    for (const name of ['全国', '西藏自治区', '林芝市', '波密县']) assert.ok(crumbs.includes(name), `breadcrumb has ${name}: ${crumbs}`)
    // Back up through the breadcrumb, then search in traditional characters.
    await page.locator('nav.fp-crumbs').getByRole('link', { name: '全国' }).click()
    await page.waitForURL(/\/units$/)
    await page.locator('input[name="q"]').fill('瀘定')
    await page.locator('input[name="q"]').press('Enter')
    await page.waitForURL(/\/units\?q=/)
    const row = page.locator('tbody tr').filter({ hasText: '泸定县' })
    assert.match(await row.first().innerText(), /四川省/)
    await row.first().getByRole('link', { name: '泸定县' }).click()
    await page.waitForURL(/\/units\/513322$/)
    assert.equal(await page.locator('h1').innerText(), '泸定县')
  } finally {
    await context.close()
  }
  // A village cadre's page holds their village only; a unit above it is not rendered.
  const cadre = await signedInContext(USERS.cadre, { javaScriptEnabled: false })
  try {
    const page = await cadre.newPage()
    await page.goto(`${base}/units`)
    const links = await page.locator('table a').allInnerTexts()
    assert.equal(links.length, 1, `one unit listed for the cadre: ${links}`)
    await page.goto(`${base}/units/540424`)
    assert.equal(await page.locator('[data-first-paint]').count(), 0, 'Bomi is outside the cadre\'s area')
  } finally {
    await cadre.close()
  }
})

test('the server-rendered page is accessible and reads like the app (desktop and phone)', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const context = await signedInContext(USERS.admin, { viewport })
    try {
      // The app's scripts held back: what a user sees before they arrive.
      await context.route('**/assets/*.js', (route) => route.abort())
      const page = await context.newPage()
      await page.goto(`${base}/units/540424`)
      await page.locator('[data-first-paint] h1').waitFor()
      await shot(page, 'first-paint-540424')
      await axe(page, `server-rendered unit page @${viewport.width}`)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      assert.ok(overflow <= 0, `nothing scrolls sideways at ${viewport.width} px (${overflow} px)`)
    } finally {
      await context.close()
    }
  }
})

test('with JavaScript the app mounts over the server-rendered page and works', async () => {
  const context = await signedInContext(USERS.admin)
  const errors = []
  try {
    const html = await (await context.request.get(`${base}/units/540424`)).text()
    assert.ok(html.includes('data-first-paint'), 'the server rendered /units/540424')
    const page = await context.newPage()
    page.setDefaultTimeout(15000)
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !EXPECTED_NETWORK.test(msg.text())) errors.push(msg.text())
    })
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
    await page.goto(`${base}/units/540424`)
    await unitTitle(page, '波密县')
    await childrenOf(page, '540424')
    assert.equal(await page.locator('[data-first-paint]').count(), 0, 'the app replaced the server\'s page')
    assert.equal(await page.locator('[data-testid="unit-title"]').count(), 1)
    // The app works: a client-side navigation through its breadcrumb and its own search.
    await page.locator('[data-testid="unit-breadcrumb"]').getByText('林芝市').click()
    await page.waitForURL(/\/units\/5404$/)
    await childrenOf(page, '5404')
    await page.goto(`${base}/units?q=${encodeURIComponent('瀘定')}`)
    await page.locator('[data-testid="unit-table"] tbody tr').filter({ hasText: '泸定县' }).first().waitFor()
    assert.equal(await page.locator('input[data-testid="unit-search"]').inputValue(), '瀘定')
    assert.equal(await page.locator('[data-first-paint]').count(), 0)
  } finally {
    await context.close()
  }
  assert.deepEqual(errors, [], 'console errors')
})

test('add a villager group under a village; a duplicate name is shown on the name field', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424' })
  const { page } = s
  await childrenOf(page, '540424')
  await page.getByRole('link', { name: '扎木镇', exact: true }).click()
  await page.waitForURL(/\/units\/540424100$/)
  await childrenOf(page, '540424100')
  const firstVillage = page.locator('[data-testid="children-table"] tbody tr a').first()
  const villageName = await firstVillage.innerText()
  await firstVillage.click()
  await page.waitForURL(/\/units\/540424100\d{3}$/)
  await childrenOf(page, page.url().split('/').pop())
  await unitTitle(page, villageName)
  await page.locator('[data-testid="add-group"]').click()
  await page.locator('input[data-testid="group-name"]').fill(groupName)
  await page.locator('[data-testid="group-save"]').click()
  await page.locator('.el-message--success').waitFor()
  await page.locator('[data-testid="children-table"] tbody tr', { hasText: groupName }).waitFor()

  // Same name again: the server's conflict names the field.
  await page.locator('[data-testid="add-group"]').click()
  await page.locator('input[data-testid="group-name"]').fill(groupName)
  await page.locator('[data-testid="group-save"]').click()
  const item = page.locator('.el-form-item.is-error')
  await item.waitFor()
  assert.match(await item.locator('.el-form-item__error').innerText(), new RegExp(groupName))
  await page.keyboard.press('Escape')
  await s.done()
})

test('rename, retire and reinstate the villager group', async () => {
  const group = await groupFixture()
  const villagePath = group.villagePath
  const groupName = group.name
  const s = await openSignedIn(USERS.admin, { path: villagePath })
  const { page } = s
  await childrenOf(page, villagePath.split('/').pop())
  const renamed = `${groupName}（改）`
  let row = page.locator('[data-testid="children-table"] tbody tr', { hasText: groupName })
  await row.getByRole('button', { name: '改名' }).click()
  const input = page.locator('input[data-testid="group-name"]')
  assert.equal(await input.inputValue(), groupName)
  await input.fill(renamed)
  await page.locator('[data-testid="group-save"]').click()
  row = page.locator('[data-testid="children-table"] tbody tr', { hasText: renamed })
  await row.waitFor()
  await row.getByRole('button', { name: '撤销' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '撤销' }).click()
  await row.waitFor({ state: 'detached' })
  await page.locator('[data-testid="show-retired"]').click()
  await row.waitFor()
  assert.match(await row.innerText(), /已撤销/)
  await row.getByRole('button', { name: '恢复' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '恢复' }).click()
  await page.locator('.el-message--success', { hasText: '已恢复' }).waitFor()
  await settle(page)
  assert.doesNotMatch(await row.innerText(), /已撤销/)
  await s.done()
})

test('the audit log shows the new villager group', async () => {
  await groupFixture()
  const s = await openSignedIn(USERS.admin, { path: '/admin/audit' })
  const { page } = s
  await settle(page)
  const row = page.locator('[data-testid="audit-table"] tbody tr', { hasText: '新建村民小组' })
  await row.first().waitFor()
  assert.match(await row.first().innerText(), /admin/)
  await s.done()
})

test('switch to English: menu, Element Plus and server messages follow, and it is remembered', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units?q=%E9%95%87' })
  const { page } = s
  await settle(page)
  assert.match(await page.locator('.el-pagination').innerText(), /共/)
  await page.locator('[data-testid="lang-switch"]').click()
  await page.locator('[data-testid="lang-en"]').click()
  await page.waitForFunction(() => document.documentElement.lang === 'en')
  assert.match(await page.locator('[data-testid="menu-units"]').innerText(), /Units/)
  assert.match(await page.locator('.el-pagination').innerText(), /Total/)
  await page.reload()
  await settle(page)
  assert.equal(await page.locator('html').getAttribute('lang'), 'en')
  assert.match(await page.locator('h1').innerText(), /Units/)
  // The server answers in English too (Accept-Language: en).
  await page.goto(`${base}/units/999999`)
  await page.locator('.el-result').waitFor()
  assert.match(await page.locator('.el-result').innerText(), /No (such )?unit/i)
  await s.done()
})

test('log out returns to the login page and protects the pages', async () => {
  const s = await openSignedIn(USERS.admin)
  const { page } = s
  await page.locator('[data-testid="user-menu"]').click()
  await page.locator('[data-testid="logout"]').click()
  await page.waitForURL(/\/login/)
  await page.goto(`${base}/admin/users`)
  await page.waitForURL(/\/login\?redirect=(%2F|\/)admin(%2F|\/)users/)
  await s.done()
})

test('outside one\'s permissions or area: a clear "no permission" message', async () => {
  const s = await openSignedIn(USERS.cadre, { path: '/admin/users' })
  const { page } = s
  await page.waitForURL(/\/forbidden/)
  assert.match(await page.locator('.el-result').innerText(), /没有权限/)
  assert.equal(await page.locator('[data-testid="menu-users"]').count(), 0)
  await page.goto(`${base}/units/11`)
  await page.locator('.el-result').waitFor()
  assert.match(await page.locator('.el-result').innerText(), /没有权限|权限|范围/)
  await s.done()
})

test('an API token is shown once, with a copy button, and can be revoked', async () => {
  const s = await openSignedIn(USERS.bomi, { path: '/me?tab=tokens' })
  const { page } = s
  await page.locator('[data-testid="token-create"]').click()
  await page.getByLabel('令牌名称').fill('县级报表同步')
  await page.getByRole('button', { name: '新建令牌' }).last().click()
  const secret = page.locator('input[data-testid="token-secret"]')
  await secret.waitFor()
  assert.match(await secret.inputValue(), /^jct_/)
  await page.getByRole('button', { name: '我已保存' }).click()
  const row = page.locator('[data-testid="tokens-table"] tbody tr', { hasText: '县级报表同步' })
  await row.waitFor()
  await row.getByRole('button', { name: '吊销' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click()
  await row.waitFor({ state: 'detached' })
  await s.done()
})

test('create a user; a taken username is shown on the username field', async () => {
  const s = await openSignedIn(USERS.bomi, { path: '/admin/users' })
  const { page } = s
  await settle(page)
  for (const attempt of [1, 2]) {
    await page.locator('[data-testid="user-create"]').click()
    await page.locator('input[data-testid="user-username"]').fill('zhaxi')
    await page.locator('input[data-testid="user-display-name"]').fill('扎西')
    const picker = page.getByRole('dialog').getByLabel('所属单位')
    await picker.click()
    await picker.pressSequentially('波密')
    await page.locator('.el-select-dropdown__item', { hasText: '波密县' }).first().click()
    await page.locator('input[data-testid="user-password"]').fill('Zhaxi-pass-2026')
    await page.locator('input[data-testid="user-password-confirm"]').fill('Zhaxi-pass-2026')
    await page.locator('[data-testid="user-save"]').click()
    if (attempt === 1) {
      await page.locator('.el-message--success').waitFor()
      await page.locator('.users-table tbody tr', { hasText: '扎西' }).waitFor()
    } else {
      const item = page.getByRole('dialog').locator('.el-form-item.is-error')
      await item.waitFor()
      assert.match(await item.innerText(), /用户名/)
    }
  }
  await s.done()
})

test('phones (360 px): the menu is a drawer and nothing scrolls sideways', async () => {
  const s = await openSignedIn(USERS.admin, { viewport: PHONE, path: '/units/540424' })
  const { page } = s
  await settle(page)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`)
  await page.locator('[data-testid="open-menu"]').click()
  await page.locator('.menu-drawer [data-testid="menu-audit"]').waitFor()
  await page.locator('.menu-drawer [data-testid="menu-units"]').click()
  await page.waitForURL(/\/units$/)
  await s.done()
})

test('keyboard: skip link first, visible focus, menu reachable', async () => {
  const s = await openSignedIn(USERS.admin)
  const { page } = s
  await settle(page)
  await page.keyboard.press('Tab')
  const first = await page.evaluate(() => ({
    cls: document.activeElement?.className,
    outline: getComputedStyle(document.activeElement).outlineStyle,
  }))
  assert.match(String(first.cls), /skip-link/)
  assert.notEqual(first.outline, 'none')
  await page.keyboard.press('Enter')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main')
  // Tab into the search box and search with Enter.
  await page.locator('input[data-testid="unit-search"]').focus()
  await page.keyboard.type('波密')
  await page.keyboard.press('Enter')
  await page.waitForURL(/q=/)
  await page.locator('[data-testid="unit-table"] a', { hasText: '波密县' }).first().focus()
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)
  assert.notEqual(outline, 'none')
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/units\/540424$/)
  await s.done()
})

test('Bomi → organizations tab → a branch → its members → a member\'s timeline', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424' })
  const { page } = s
  await unitTitle(page, '波密县')
  await page.getByRole('tab', { name: '党组织' }).click()
  await page.waitForURL(/tab=organizations/)
  await page.locator('[data-testid="org-tree"][data-unit="540424"]').waitFor()
  await settle(page)
  const tree = page.locator('[data-testid="org-tree"]')
  assert.match(await tree.innerText(), /中共波密县委员会/)
  assert.match(await tree.innerText(), /临时党支部/)
  // The coverage report of the county: the demo gives every one of Bomi's 85 villages its branch.
  const villages = page.locator('[data-testid="coverage-villages"]')
  assert.match(await villages.innerText(), /已覆盖 85 \/ 85/)
  const branch = tree.locator('a[data-testid="org-link"]', { hasText: /村党支部$/ }).first()
  const branchName = await branch.innerText()
  await branch.click()
  await page.waitForURL(/\/orgs\/\d+$/)
  await page.locator('[data-testid="org-title"]', { hasText: branchName }).waitFor()
  await settle(page)
  const rows = page.locator('[data-testid="member-table"] tbody tr')
  await rows.first().waitFor()
  // A page of the branch's members, at every stage (a demo village branch has 16 or more).
  const all = await rows.count()
  assert.ok(all >= 10 && all <= 20, `${all} members on the first page`)
  // ID numbers never appear in full in a list; the stage filter goes into the URL.
  await page.locator('[data-testid="filter-stage"]').click()
  await page.locator('.el-select-dropdown__item', { hasText: '正式党员' }).click()
  await page.locator('[data-testid="member-search-submit"]').click()
  await page.waitForURL(/stage=full/)
  await settle(page)
  const full = await rows.count()
  assert.ok(full > 0 && full <= all, `${full} full members on the first page`)
  for (let i = 0; i < full; i++) assert.match(await rows.nth(i).innerText(), /正式党员/)
  const member = rows.first().locator('a').first()
  const memberName = await member.innerText()
  await member.click()
  await page.waitForURL(/\/members\/\d+$/)
  await page.locator('[data-testid="member-title"]', { hasText: memberName }).waitFor()
  await settle(page)
  const timeline = page.locator('[data-testid="member-timeline"]')
  await timeline.waitFor()
  const text = await timeline.innerText()
  assert.match(text, /登记为正式党员/)
  assert.match(text, /交纳\d{4}年\d+月党费 ¥\d+\.\d{2}/)
  assert.match(text, /\d{4}年\d{1,2}月\d{1,2}日/)
  await s.done()
})

test('import members as a job: a bad row is shown with row, column and reason; the fixed file imports', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424?tab=members' })
  const { page } = s
  await unitTitle(page, '波密县')
  await settle(page)
  await page.locator('[data-testid="import-members-link"]').click()
  await page.waitForURL(/\/units\/540424\/import\/members/)
  await page.locator('[data-testid="import-title"]', { hasText: '导入党员' }).waitFor()
  const name = `导入甲${Date.now() % 100000}`
  const header = '姓名,性别,出生日期,所属组织,状态,入党日期,分类\n'
  const csv = (birth) => ({
    name: '党员名册.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${header}${name},女,${birth},中共波密县委员会,正式党员,2015-07-01,在职\n`),
  })
  await page.locator('[data-testid="import-file"]').setInputFiles(csv('1990-02-30'))
  await page.locator('[data-testid="import-check"]').click()
  await page.locator('[data-testid="import-job"][data-status="succeeded"]').waitFor()
  const errors = page.locator('[data-testid="import-errors"] tbody tr')
  assert.equal(await errors.count(), 1)
  const cells = await errors.first().locator('td').allInnerTexts()
  assert.deepEqual(cells.map((c) => c.trim()), ['2', '出生日期', '出生日期格式应为 1980-05-01。'])
  assert.equal(await page.locator('[data-testid="import-commit"]').count(), 0, 'a file with a bad row cannot be imported')
  const firstJob = new URL(page.url()).searchParams.get('job')
  assert.match(firstJob ?? '', /^\d+$/)

  await page.locator('[data-testid="import-file"]').setInputFiles(csv('1990-02-28'))
  await page.locator('[data-testid="import-check"]').click()
  await page.waitForURL((url) => /^\d+$/.test(url.searchParams.get('job') ?? '') && url.searchParams.get('job') !== firstJob)
  await page.locator('[data-testid="import-commit"]').click()
  await page.locator('[data-testid="import-done"]').waitFor()
  assert.match(await page.locator('[data-testid="import-done"]').innerText(), /已导入 1 行/)
  await page.locator('[data-testid="import-list-link"]').click()
  await page.waitForURL(/\/units\/540424\?tab=members/)
  await page.locator('input[data-testid="member-search"]').fill(name)
  await page.locator('[data-testid="member-search-submit"]').click()
  await page.waitForURL(/q=/)
  await settle(page)
  const rows = page.locator('[data-testid="member-table"] tbody tr')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 1)
  assert.match(await rows.first().innerText(), new RegExp(name))
  await s.done()
})

test('export the member list as a job; leave the page and come back; the file downloads', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424?tab=members' })
  const { page } = s
  await unitTitle(page, '波密县')
  await settle(page)
  await page.locator('[data-testid="export-button"]').click()
  await page.locator('[data-testid="export-xlsx"]').click()
  await page.locator('.el-message--success').waitFor()
  // Another page, then a reload of the unit page: the job is still shown.
  await page.goto(`${base}/units`)
  await settle(page)
  await page.goto(`${base}/units/540424`)
  await unitTitle(page, '波密县')
  await settle(page)
  await page.locator('[data-testid="task-indicator"]').click()
  const task = page.locator('[data-testid="task-list"] [data-status="succeeded"]', { hasText: '导出党员名册' }).first()
  await task.waitFor()
  const [download] = await Promise.all([page.waitForEvent('download'), task.locator('[data-testid="task-download"]').click()])
  assert.match(download.suggestedFilename(), /^党员名册-\d{4}-\d{2}-\d{2}\.xlsx$/)
  const path = await download.path()
  const { readFileSync } = await import('node:fs')
  assert.equal(readFileSync(path).subarray(0, 2).toString(), 'PK')
  await s.done()
})

test('record a dues payment; the month and the amount in yuan show on the member page', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424?tab=members' })
  const { page } = s
  await page.locator('[data-testid="member-table"] tbody tr').first().waitFor()
  await page.locator('input[data-testid="member-search"]').fill('次仁')
  await page.locator('[data-testid="member-search-submit"]').click()
  await page.waitForURL(/q=/)
  await settle(page)
  await page.locator('[data-testid="member-table"] tbody tr a', { hasText: /^次仁$/ }).click()
  await page.waitForURL(/\/members\/\d+$/)
  await settle(page)
  await page.locator('[data-testid="dues-pay"]').click()
  const dialog = page.locator('[data-testid="member-action"]')
  await dialog.waitFor()
  // An amount that is not money stays on the amount field.
  await page.locator('input[data-testid="dues-amount"]').fill('12.345')
  await page.locator('[data-testid="member-action-save"]').click()
  await dialog.locator('.el-form-item.is-error', { hasText: '两位小数' }).waitFor()
  await page.locator('input[data-testid="dues-amount"]').fill('2.00')
  await page.locator('[data-testid="member-action-save"]').click()
  await page.locator('.el-message--success', { hasText: '¥2.00' }).waitFor()
  await settle(page)
  await page.getByRole('tab', { name: '党费' }).click()
  const table = page.locator('[data-testid="member-dues-table"]')
  await table.waitFor()
  assert.match(await table.innerText(), /¥2\.00/)
  await s.done()
})

test('pipeline board: advancing too early shows the earliest allowed date under the date field', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424?tab=members&view=pipeline' })
  const { page } = s
  const activists = page.locator('[data-testid="stage-activist"]')
  await activists.waitFor()
  await settle(page)
  assert.match(await activists.locator('[data-testid="stage-count"]').innerText(), /^\d+$/)
  // 2026-04-01 activists: a year has not passed.
  const person = activists.locator('li', { hasText: '拉姆' }).first()
  await person.locator('[data-testid="advance"]').click()
  await page.locator('[data-testid="advance-dialog"]').waitFor()
  await page.locator('[data-testid="advance-save"]').click()
  const error = page.locator('[data-testid="advance-dialog"] .el-form-item.is-error .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /最早可在 \d{4}-\d{2}-\d{2}/)
  await page.keyboard.press('Escape')
  await s.done()
})

// --- forms for organizations and members (issue #6 part 10) ------------------------------------

const stamp = Date.now() % 100000
const newBranchName = `扎木村第二党支部${stamp}`
const newMemberName = `次仁央宗`

/** The dialog's input (Element Plus puts data-testid on the input or on its wrapper). */
function inputOf(page, testid) {
  return page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()
}

/** An input of the open dialog by its aria-label (a date picker's own attributes go to its popup). */
function dateInput(page, label) {
  return page.locator(`.el-dialog input[aria-label="${label}"]`).first()
}

// ---------------------------------------------------------------------------
// Test data made through the API, as the administrator: every test makes what it needs instead
// of reading what an earlier test left behind, so each runs alone and in any order.

let adminApi = null
let fixtureSeq = 0

async function api(method, path, body) {
  if (!adminApi) {
    const r = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: USERS.admin.username, password: PASSWORD }),
    })
    assert.ok(r.ok, `signing in for test data: ${r.status}`)
    const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    adminApi = { cookie, csrf: (await r.json()).csrf_token }
  }
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Cookie: adminApi.cookie, 'X-CSRF-Token': adminApi.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await r.json().catch(() => null)
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`)
  return json
}

/** A villager group of its own in a demo village: { name, code, villagePath }. */
async function groupFixture(village = '540424100201') {
  const name = `测试村民小组${stamp}-${++fixtureSeq}`
  const r = await api('POST', `/api/v1/units/${village}/groups`, { name })
  return { name, code: r.unit.code, villagePath: `/units/${village}` }
}

/**
 * A branch of its own under a demo village, with the member `newMemberName` in it when `member`:
 * { id, name, path }.
 */
async function branchFixture({ member = false } = {}) {
  const name = `扎木村测试党支部${stamp}-${++fixtureSeq}`
  const r = await api('POST', '/api/v1/orgs', { unit_code: '540424100201', kind: 'branch', name })
  const id = r.org.id
  if (member) {
    await api('POST', '/api/v1/members', {
      org_id: id,
      name: newMemberName,
      gender: 'female',
      birth_date: '1990-03-08',
      stage: 'full',
      stage_since: '2015-07-01',
      situation: 'rural_labour',
    })
  }
  return { id, name, path: `/orgs/${id}` }
}

/** Picks the option of an Element Plus select that contains `text`. */
async function choose(page, testid, text) {
  await page.locator(`[data-testid="${testid}"]`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
}

/** A dialog that has opened: settled, photographed and checked with axe. */
async function dialogChecked(page, testid, name) {
  const dialog = page.locator(`[data-testid="${testid}"]`)
  await dialog.waitFor()
  // The opening transition has ended when Vue has taken its *-enter-active class off again.
  await page.waitForFunction(() => !document.querySelector('[class*="-enter-active"]'))
  await settle(page)
  await shot(page, name)
  await axe(page, `${name} dialog @${page.viewportSize().width}`)
  return dialog
}

test('organizations: create a branch under a demo village; the parent defaults to the town committee', async () => {
  const s = await openSignedIn(USERS.admin, { path: '/units/540424100201?tab=organizations' })
  const { page } = s
  await page.locator('[data-testid="org-tree"][data-unit="540424100201"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="org-create"]').click()
  const dialog = await dialogChecked(page, 'org-dialog', 'org-create')
  assert.match(await dialog.locator('[data-testid="org-parent"]').innerText(), /中共扎木镇委员会/)
  // No name: refused on the spot.
  await page.locator('[data-testid="org-save"]').click()
  await dialog.locator('.el-form-item.is-error', { hasText: '请填写组织名称' }).waitFor()
  await inputOf(page, 'org-name').fill(newBranchName)
  await page.locator('[data-testid="org-save"]').click()
  await page.waitForURL(/\/orgs\/\d+$/)
  await page.locator('[data-testid="org-title"]', { hasText: newBranchName }).waitFor()
  await page.locator('.el-message--success', { hasText: newBranchName }).waitFor()
  await s.done()
})

test('members: add a member to the new branch, then edit the phone on the member page', async () => {
  const b = await branchFixture({ member: false })
  const s = await openSignedIn(USERS.admin, { path: b.path })
  const { page } = s
  await page.locator('[data-testid="org-title"]', { hasText: b.name }).waitFor()
  await settle(page)
  await page.locator('[data-testid="member-add"]').click()
  const dialog = await dialogChecked(page, 'member-dialog', 'member-add')
  await inputOf(page, 'member-name').fill(newMemberName)
  // A birth date in the future: the server's error shows under the birth date.
  await dateInput(page, '出生日期').fill('2999年1月1日')
  await dateInput(page, '出生日期').press('Enter')
  await inputOf(page, 'member-id-number-input').fill('123')
  await page.locator('[data-testid="member-save"]').click()
  await dialog.locator('.el-form-item.is-error', { hasText: '18 位' }).waitFor()
  await inputOf(page, 'member-id-number-input').fill('')
  await page.locator('[data-testid="member-save"]').click()
  const birthError = dialog.locator('.el-form-item.is-error', { hasText: '出生日期' })
  await birthError.waitFor()
  assert.match(await birthError.locator('.el-form-item__error').innerText(), /出生日期|今天|日期/)
  await dateInput(page, '出生日期').fill('1990年3月5日')
  await dateInput(page, '出生日期').press('Enter')
  await choose(page, 'member-situation', '在职')
  await page.locator('[data-testid="member-save"]').click()
  await page.locator('.el-message--success', { hasText: newMemberName }).waitFor()
  const row = page.locator('[data-testid="member-table"] tbody tr', { hasText: newMemberName })
  await row.waitFor()
  assert.match(await row.innerText(), /正式党员/)

  await row.locator('a').first().click()
  await page.waitForURL(/\/members\/\d+$/)
  await page.locator('[data-testid="member-title"]', { hasText: newMemberName }).waitFor()
  await settle(page)
  await page.locator('[data-testid="member-edit"]').click()
  await dialogChecked(page, 'member-dialog', 'member-edit')
  assert.equal(await inputOf(page, 'member-name').inputValue(), newMemberName)
  await inputOf(page, 'member-phone').fill('13908940001')
  await page.locator('[data-testid="member-save"]').click()
  // The message of the add may still be showing: wait for the newest one.
  await page.locator('.el-message--success', { hasText: newMemberName }).last().waitFor()
  await settle(page)
  const facts = page.locator('.el-descriptions')
  await facts.filter({ hasText: '13908940001' }).waitFor()
  assert.match(await facts.innerText(), /1990年3月5日/)
  assert.match(await facts.innerText(), /在职/)
  await s.done()
})

test('meetings: record a meeting with attendance and see it in the calendar', async () => {
  const b = await branchFixture({ member: true })
  const s = await openSignedIn(USERS.admin, { path: `${b.path}?tab=meetings` })
  const { page } = s
  await page.locator('[data-testid="meetings-calendar"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="meeting-record"]').click()
  const dialog = await dialogChecked(page, 'meeting-dialog', 'meeting-record')
  await choose(page, 'meeting-kind', '支部委员会会议')
  await inputOf(page, 'meeting-topic').fill('研究冬季护林防火工作')
  const person = dialog.locator('li', { hasText: newMemberName })
  await person.waitFor()
  await person.getByText('请假').click()
  assert.equal(await dialog.locator('[data-testid="meeting-counts"]').innerText(), '出席 0，缺席 0，请假 1')
  await page.locator('[data-testid="meeting-save"]').click()
  await dialog.waitFor({ state: 'hidden' })
  const row = page.locator('[data-testid="meetings-table"] tbody tr', { hasText: '研究冬季护林防火工作' })
  await row.waitFor()
  assert.match(await row.innerText(), /请假 1/)
  assert.match(await row.innerText(), /\d{4}年\d{1,2}月\d{1,2}日/)
  // This month's committee meeting is now held.
  const committee = page.locator('[data-testid="compliance-committee"]')
  assert.match(await committee.innerText(), /^[^\n]*\n?\s*1\/\d+/m)
  assert.ok((await committee.locator('li.held').count()) >= 1)
  await s.done()
})

test('officers: appoint the new member secretary of the new branch', async () => {
  const b = await branchFixture({ member: true })
  const s = await openSignedIn(USERS.admin, { path: `${b.path}?tab=officers` })
  const { page } = s
  await page.locator('[data-testid="officers-panel"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="officer-appoint"]').click()
  const dialog = await dialogChecked(page, 'officer-dialog', 'officer-appoint')
  await page.locator('[data-testid="officer-save"]').click()
  await dialog.locator('.el-form-item.is-error', { hasText: '请选择党员' }).waitFor()
  await choose(page, 'officer-member', newMemberName)
  await page.locator('[data-testid="officer-save"]').click()
  await page.locator('.el-message--success', { hasText: newMemberName }).waitFor()
  const row = page.locator('[data-testid="officers-table"] tbody tr', { hasText: newMemberName })
  await row.waitFor()
  assert.match(await row.innerText(), /书记/)
  await s.done()
})

test('pairings: pair the new branch with a demo branch and log a shared activity', async () => {
  const b = await branchFixture({ member: true })
  const s = await openSignedIn(USERS.admin, { path: `${b.path}?tab=pairings` })
  const { page } = s
  await page.locator('[data-testid="pairings-panel"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="pairing-create"]').click()
  await dialogChecked(page, 'pairing-dialog', 'pairing-create')
  await page.locator('[data-testid="pairing-partner"]').first().click()
  await page.keyboard.type('村党支部')
  const option = page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /村党支部（/ }).first()
  const partner = (await option.innerText()).split('（')[0]
  await option.click()
  await page.locator('[data-testid="pairing-save"]').click()
  const row = page.locator('[data-testid="pairings-table"] tbody tr', { hasText: partner })
  await row.waitFor()
  assert.match(await row.innerText(), /区域相邻|区域/)
  await row.locator('[data-testid="pairing-log"]').click()
  await dialogChecked(page, 'activity-dialog', 'pairing-activity')
  await inputOf(page, 'activity-title').fill('联合开展护林巡山')
  await page.locator('[data-testid="activity-save"]').click()
  await page.locator('[data-testid="activity-dialog"] .el-form-item.is-error', { hasText: '请填写参加人数' }).waitFor()
  await dateInput(page, '参加人数').fill('18')
  await page.locator('[data-testid="activity-save"]').click()
  await page.locator('.el-message--success', { hasText: '联合开展护林巡山' }).waitFor()
  await settle(page)
  await row.locator('[data-testid="pairing-activity-count"]', { hasText: '1' }).waitFor()
  await row.locator('.el-table__expand-icon').click()
  await page.locator('[data-testid="pairing-activity"]', { hasText: '联合开展护林巡山' }).waitFor()
  await s.done()
})

test('an empty organization is dissolved, and shows as dissolved', async () => {
  const b = await branchFixture({ member: false })
  const s = await openSignedIn(USERS.admin, { path: b.path })
  const { page } = s
  await page.locator('[data-testid="org-title"]', { hasText: b.name }).waitFor()
  await settle(page)
  // An organization with nobody in it: a sub-organization of the new branch.
  await page.locator('[data-testid="org-add-child"]').click()
  const dialog = page.locator('[data-testid="org-dialog"]')
  await dialog.waitFor()
  await inputOf(page, 'org-name').fill(`${b.name}第一党小组`)
  await page.locator('[data-testid="org-save"]').click()
  await page.locator('[data-testid="org-title"]', { hasText: `${b.name}第一党小组` }).waitFor()
  await settle(page)
  assert.match(await page.locator('.crumbs').innerText(), new RegExp(b.name))
  await page.locator('[data-testid="org-dissolve"]').click()
  await dialogChecked(page, 'end-dialog', 'org-dissolve')
  await page.locator('[data-testid="end-save"]').click()
  await page.locator('.el-message--success', { hasText: '已撤销' }).waitFor()
  await page.locator('.meta .el-tag', { hasText: '已撤销' }).waitFor()
  assert.equal(await page.locator('[data-testid="org-actions"]').count(), 0)
  await s.done()
})

test('the new dialogs at 360 px: accessible and nothing scrolls sideways', async () => {
  const b = await branchFixture({ member: true })
  const s = await openSignedIn(USERS.admin, { viewport: PHONE, path: `${b.path}?tab=meetings` })
  const { page } = s
  await page.locator('[data-testid="meetings-calendar"]').waitFor()
  await settle(page)
  const noSideways = async () =>
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll')
  for (const [button, dialog, name] of [
    ['meeting-record', 'meeting-dialog', 'meeting-record'],
    ['meeting-review', 'review-dialog', 'meeting-review'],
    ['org-rename', 'org-dialog', 'org-rename'],
    ['org-merge', 'merge-dialog', 'org-merge'],
    ['org-split', 'split-dialog', 'org-split'],
  ]) {
    await page.locator(`[data-testid="${button}"]`).click()
    await dialogChecked(page, dialog, name)
    await noSideways()
    await page.keyboard.press('Escape')
    await page.locator(`[data-testid="${dialog}"]`).waitFor({ state: 'hidden' })
  }
  await page.goto(`${base}${b.path}?tab=officers`)
  await page.locator('[data-testid="officers-panel"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="officer-appoint"]').click()
  await dialogChecked(page, 'officer-dialog', 'officer-appoint')
  await noSideways()
  await page.keyboard.press('Escape')
  await page.goto(`${base}${b.path}?tab=teams`)
  await page.locator('[data-testid="teams-panel"]').waitFor()
  await settle(page)
  await page.locator('[data-testid="team-create"]').click()
  await dialogChecked(page, 'team-dialog', 'team-create')
  await noSideways()
  await page.keyboard.press('Escape')
  await page.goto(`${base}/units/540424100201?tab=members`)
  await page.locator('[data-testid="member-table"] tbody tr').first().waitFor()
  await settle(page)
  await page.locator('[data-testid="member-add"]').click()
  await dialogChecked(page, 'member-dialog', 'member-add')
  await noSideways()
  await s.done()
})

test('split: the new member goes to a new branch split off the first; the original keeps its history', async () => {
  const b = await branchFixture({ member: true })
  const s = await openSignedIn(USERS.admin, { path: b.path })
  const { page } = s
  await page.locator('[data-testid="org-title"]', { hasText: b.name }).waitFor()
  await settle(page)
  await page.locator('[data-testid="org-split"]').click()
  const dialog = await dialogChecked(page, 'split-dialog', 'org-split')
  // No name and nobody chosen: refused with the part's fields named.
  await page.locator('[data-testid="split-save"]').click()
  await dialog.locator('.el-form-item.is-error').first().waitFor()
  await inputOf(page, 'split-name-0').fill(`${b.name}第二支部`)
  await choose(page, 'split-members-0', newMemberName)
  await page.keyboard.press('Escape')
  await page.locator('[data-testid="split-save"]').click()
  await page.locator('.el-message--success', { hasText: '拆分' }).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  // The member now belongs to the new branch, which names the original.
  const orgId = Number(b.path.split('/').pop())
  const parts = await page.evaluate(async (id) => {
    const r = await fetch('/api/v1/orgs?limit=200&under=540424100201')
    const body = await r.json()
    return body.items.filter((o) => o.split_from_id === id).map((o) => ({ name: o.name, members: o.member_count }))
  }, orgId)
  assert.deepEqual(parts, [{ name: `${b.name}第二支部`, members: 1 }])
  await page.locator('[data-testid="member-table"] tbody tr', { hasText: newMemberName }).waitFor({ state: 'detached' })
  await s.done()
})

// --- dashboards (issue #7 part 4) ----------------------------------------------------------

/** An API answer fetched from inside the page, with its session. */
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { headers: { Accept: 'application/json' } })
    if (!r.ok) throw new Error(`${p}: ${r.status}`)
    return r.json()
  }, path)
}

async function dashboardOf(page, code) {
  await page.locator(`[data-testid="dashboard"][data-loaded="${code}"]`).waitFor()
  await settle(page)
}

async function cardTotal(page, indicator) {
  const el = page.locator(`[data-testid="figure-card"][data-indicator="${indicator}"] [data-testid="figure-total"]`)
  return { total: Number(await el.getAttribute('data-total')), text: (await el.innerText()).trim() }
}

test('dashboard: Bomi\'s figures are the API\'s; drill down, switch period, export CSV, open the report', async () => {
  const s = await openSignedIn(USERS.bomi, { path: '/units/540424/dashboard' })
  const { page } = s
  await dashboardOf(page, '540424')
  assert.match(await page.locator('[data-testid="figures-title"]').innerText(), /波密县 · 统计看板/)

  // The members card shows what the API says.
  const api = await apiGet(page, '/api/v1/figures?unit=540424&indicator=members%2Cdues.paid&period=' + new Date().getFullYear())
  const members = api.figures.find((f) => f.indicator === 'members').total
  assert.ok(members > 0, 'the demo has members in Bomi')
  const card = await cardTotal(page, 'members')
  assert.equal(card.total, members)
  assert.equal(card.text, members.toLocaleString('en-US'))
  // Dues are kept in fen and shown in yuan.
  const dues = api.figures.find((f) => f.indicator === 'dues.paid').total
  const duesCard = await cardTotal(page, 'dues.paid')
  assert.equal(duesCard.total, dues)
  assert.match(duesCard.text, /^¥[\d,]+(\.\d)?万?$|^¥[\d,]+\.\d\d$/)
  assert.match(await page.locator('[data-testid="as-of"]').innerText(), /数据截至 变更 #[\d,]+ · 计算用时 [\d.,]+ 毫秒/)
  // ECharts came with the trend chart.
  await page.locator('[data-testid="trend-chart"] canvas').first().waitFor()

  // The townships side by side: 扎木镇's row is the API's figure for 扎木镇 (it holds the demo's
  // members; earlier tests may have imported some elsewhere in Bomi).
  const table = page.locator('[data-testid="figures-table"][data-domain="members"]')
  assert.equal(await table.locator('tbody tr').count(), 10)
  const zhamuApi = await apiGet(page, '/api/v1/figures?unit=540424100&indicator=members&period=' + new Date().getFullYear())
  const zhamuMembers = zhamuApi.figures[0].total
  assert.ok(zhamuMembers > 0 && zhamuMembers <= members)
  const zhamu = table.locator('tbody tr', { hasText: '扎木镇' }).first()
  assert.match(await zhamu.innerText(), new RegExp(`\\b${zhamuMembers}\\b`))

  // CSV of the table: UTF-8 with a BOM, Chinese names.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="export-csv"]').first().click(),
  ])
  const { readFile } = await import('node:fs/promises')
  const csv = await readFile(await download.path(), 'utf8')
  assert.equal(csv.charCodeAt(0), 0xfeff, 'BOM')
  assert.match(csv, /扎木镇,540424100,/)
  assert.match(download.suggestedFilename(), /\.csv$/)

  // The same table as .xlsx, made by the server (导出 Excel): a zip, named in Chinese.
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="export-xlsx"]').first().click(),
  ])
  const book = await readFile(await xlsx.path())
  assert.equal(book.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip')
  assert.match(xlsx.suggestedFilename(), /^波密县-统计-.*\.xlsx$/)

  // Every village under Bomi.
  await page.locator('[data-testid="level-select"]').first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '所有村（社区）' }).click()
  await page.waitForURL(/level=village/)
  await settle(page)
  assert.equal(await table.locator('tbody tr').count(), 85)
  await page.locator('[data-testid="level-select"]').first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '直属下级' }).click()
  await page.waitForURL((url) => !url.search.includes('level='))
  await settle(page)

  // Drill down: a click on the row opens Zhamu town's dashboard.
  await table.locator('tbody tr', { hasText: '扎木镇' }).first().locator('td').nth(1).click()
  await page.waitForURL(/\/units\/540424100\/dashboard/)
  await dashboardOf(page, '540424100')
  assert.equal((await cardTotal(page, 'members')).total, zhamuMembers)

  // All time: the flows change to the API's all-time figures.
  await page.locator('[data-testid="period-all"]').click()
  await page.waitForURL(/period=all/)
  await dashboardOf(page, '540424100')
  const all = await apiGet(page, '/api/v1/figures?unit=540424100&indicator=dues.payments&period=all')
  assert.equal((await cardTotal(page, 'dues.payments')).total, all.figures[0].total)
  assert.equal(await page.locator('[data-testid="dashboard"]').getAttribute('data-period'), 'all')

  // The report of the same unit and period.
  await page.locator('[data-testid="open-report"]').click()
  await page.waitForURL(/\/units\/540424100\/report\?period=all/)
  await page.locator('[data-testid="report"][data-loaded="540424100"]').waitFor()
  await settle(page)
  const reportRow = page.locator('[data-testid="report-figures"] tr[data-indicator="members"] [data-testid="report-total"]')
  assert.equal((await reportRow.innerText()).trim(), zhamuMembers.toLocaleString('en-US'))
  await axe(page, 'report')
  // Printed: no menu, no header, no buttons.
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.aside').isVisible(), false)
  assert.equal(await page.locator('[data-testid="print"]').isVisible(), false)
  assert.equal(await page.locator('[data-testid="report"]').isVisible(), true)
  await page.emulateMedia({ media: 'screen' })
  await s.done()
})

test('dashboard cards on the unit page; ECharts stays out of the hierarchy page', async () => {
  const s = await open({ path: '/login?redirect=%2Funits' })
  const { page } = s
  const scripts = []
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url())
  })
  await login(page, USERS.admin)
  await page.waitForURL(/\/units$/)
  await settle(page)
  assert.deepEqual(scripts.filter((u) => /echarts/.test(u)), [], 'no ECharts on login or hierarchy')
  await page.goto(`${base}/units/540424`)
  await dashboardOf(page, '540424')
  assert.ok((await cardTotal(page, 'members')).total > 0)
  await page.locator('[data-testid="open-dashboard"]').click()
  await page.waitForURL(/\/units\/540424\/dashboard/)
  await dashboardOf(page, '540424')
  // The nation's dashboard, with every province below.
  await page.goto(`${base}/units/0/dashboard?period=all`)
  await dashboardOf(page, '0')
  const provinces = await apiGet(page, '/api/v1/figures/breakdown?indicator=members&period=all')
  assert.ok(provinces.rows.length >= 31, 'every province')
  assert.equal(await page.locator('[data-testid="figures-table"][data-domain="members"] tbody tr').count(), provinces.rows.length)
  await s.done()
})

test('dashboard at 360 px: cards stack, the table scrolls inside, nothing else scrolls sideways', async () => {
  const s = await openSignedIn(USERS.bomi, { viewport: PHONE, path: '/units/540424/dashboard' })
  const { page } = s
  await dashboardOf(page, '540424')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`)
  const boxes = await page.locator('[data-domain="members"] [data-testid="figure-card"]').evaluateAll((els) =>
    els.slice(0, 2).map((e) => e.getBoundingClientRect().top),
  )
  assert.ok(boxes[1] > boxes[0], 'cards are stacked')
  // Keyboard: the period buttons and the units in the table are reachable.
  await page.locator('[data-testid="figures-table"] tbody a').first().focus()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Shift+Tab')
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /镇|乡/)
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none')
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/units\/540424\d{3}\/dashboard/)
  await s.done()
})

// Every main page at 1440 px and 360 px: no serious or critical axe violation; a screenshot.
const PAGES = [
  { name: 'units', path: '/units' },
  { name: 'search', path: '/units?q=%E7%80%98%E5%AE%9A' },
  { name: 'unit-county', path: '/units/540424', wait: '.chart canvas' },
  { name: 'unit-coming', path: '/units/540424?tab=households', wait: '[data-testid="coming-soon"]' },
  { name: 'unit-orgs', path: '/units/540424?tab=organizations', wait: '[data-testid="coverage-groups"]' },
  { name: 'unit-members', path: '/units/540424?tab=members', wait: '[data-testid="member-table"] tbody tr' },
  { name: 'import-members', path: '/units/540424/import/members', wait: '[data-testid="import-check"]' },
  { name: 'pipeline', path: '/units/540424?tab=members&view=pipeline', wait: '[data-testid="stage-full"] li' },
  { name: 'transfers', path: '/units/540424?tab=members&view=transfers', wait: '[data-testid="transfer-table"]' },
  { name: 'cards', path: '/units/540424?tab=members&view=cards', wait: '[data-testid="cards-issued"]' },
  { name: 'org', path: '/orgs/4', wait: '[data-testid="member-table"] tbody tr' },
  { name: 'org-dues', path: '/orgs/4?tab=dues', wait: '[data-testid="org-dues-table"] tbody tr' },
  { name: 'org-meetings', path: '/orgs/4?tab=meetings', wait: '[data-testid="compliance-committee"]' },
  { name: 'org-officers', path: '/orgs/4?tab=officers', wait: '[data-testid="officers-table"] tbody tr' },
  { name: 'org-pairings', path: '/orgs/4?tab=pairings', wait: '[data-testid="pairings-table"] tbody tr' },
  { name: 'org-teams', path: '/orgs/4?tab=teams', wait: '[data-testid="teams-table"] tbody tr' },
  { name: 'member', path: '/members/1', wait: '[data-testid="member-timeline"]' },
  { name: 'member-dues', path: '/members/1?tab=dues', wait: '[data-testid="member-dues-table"] tbody tr' },
  { name: 'unit-village', path: '/units/540424100201' },
  { name: 'dashboard', path: '/units/540424/dashboard', wait: '[data-testid="dashboard"][data-loaded="540424"] [data-testid="trend-chart"] canvas' },
  { name: 'report', path: '/units/540424/report?period=all', wait: '[data-testid="report"][data-loaded="540424"]' },
  { name: 'users', path: '/admin/users' },
  { name: 'roles', path: '/admin/roles', wait: '[data-testid="role-card"]' },
  { name: 'audit', path: '/admin/audit' },
  { name: 'account', path: '/me' },
  { name: 'sessions', path: '/me?tab=sessions', wait: '[data-testid="sessions-table"] tbody tr' },
  { name: 'tokens', path: '/me?tab=tokens' },
  { name: 'password', path: '/me?tab=password' },
]
for (const viewport of [DESKTOP, PHONE]) {
  test(`every page passes axe and is photographed at ${viewport.width} px`, async () => {
    const s = await open({ viewport, path: '/login' })
    const { page } = s
    await page.locator('input[data-testid="username"]').waitFor()
    await shot(page, 'login')
    await axe(page, `login @${viewport.width}`)
    await login(page, USERS.admin)
    await page.waitForURL(/\/units/)
    for (const p of PAGES) {
      await page.goto(base + p.path)
      await settle(page)
      if (p.wait) await page.locator(p.wait).first().waitFor()
      await shot(page, p.name)
      await axe(page, `${p.name} @${viewport.width}`)
    }
    await page.goto(`${base}/units`)
    await settle(page)
    await page.locator('[data-testid="lang-switch"]').click()
    await page.locator('[data-testid="lang-en"]').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await shot(page, 'units-en')
    await axe(page, `units (en) @${viewport.width}`)
    await s.done()
  })
}

// ---------------------------------------------------------------------------

test('header search: a county user finds a member by name, typed in traditional characters, and opens them with the keyboard', async () => {
  const b = await branchFixture()
  const name = `次仁陈${stamp}`
  const m = await api('POST', '/api/v1/members', {
    org_id: b.id,
    name,
    gender: 'male',
    birth_date: '1988-05-04',
    stage: 'full',
    stage_since: '2012-07-01',
    situation: 'rural_labour',
  })
  const { page, done } = await openSignedIn(USERS.bomi)
  const box = page.locator('input[data-testid="global-search"]')
  await box.fill(`次仁陳${stamp}`)
  const option = page.locator('[data-testid="global-search-results"] [role="option"]', { hasText: name })
  await option.first().waitFor()
  await page.locator('.search-heading', { hasText: '党员' }).first().waitFor()
  await shot(page, 'search-member')
  await box.press('ArrowDown')
  assert.equal(await box.getAttribute('aria-activedescendant'), await page.locator('[role="option"]').first().getAttribute('id'))
  await box.press('Enter')
  await page.waitForURL((url) => url.pathname === `/members/${m.member.id}`)
  // Esc closes the list.
  await box.fill('次仁')
  await page.locator('[data-testid="global-search-results"]').waitFor({ state: 'visible' })
  await box.press('Escape')
  await page.locator('[data-testid="global-search-results"]').waitFor({ state: 'hidden' })
  await done()
})

async function main() {
  const server = await startServer()
  base = server.base
  browser = await launchBrowser()
  let passed = 0
  let failed = 0
  const failures = []
  try {
    for (const t of tests) {
      if (filters.length && !filters.some((f) => t.name.includes(f))) continue
      const started = Date.now()
      try {
        await t.fn()
        passed++
        console.log(`✔ ${t.name} (${Date.now() - started} ms)`)
      } catch (e) {
        failed++
        failures.push(t.name)
        console.log(`✖ ${t.name} (${Date.now() - started} ms)\n  ${String(e?.stack ?? e).split('\n').slice(0, 8).join('\n  ')}`)
      }
    }
  } finally {
    await browser.close()
    await server.stop()
  }
  console.log(`screenshots: ${shotDir}`)
  if (failures.length) console.log(`failed: ${failures.join(' | ')}`)
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed ? 1 : 0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
