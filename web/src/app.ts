import { createApp, watch, type Ref } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { currentLanguage, i18n, initialLanguage, setLanguage } from './i18n'
import { createAppRouter } from './router'
import { configureClient } from './api/client'
import { useSessionStore } from './stores/session'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-overlay.css'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
const router = createAppRouter()
app.use(pinia).use(i18n).use(router)

configureClient({
  language: currentLanguage,
  fallbackMessage: (kind, status) =>
    kind === 'network'
      ? i18n.global.t('common.networkError')
      : kind === 'forbidden'
        ? i18n.global.t('forbidden.message')
        : i18n.global.t('common.serverError', { status }),
  onUnauthorized: () => {
    const session = useSessionStore()
    session.expire()
    const current = router.currentRoute.value
    if (current.name !== 'login') {
      void router.push({ name: 'login', query: { redirect: current.fullPath } })
    }
  },
})

function pageTitle() {
  const to = router.currentRoute.value
  const title = to.meta.title ? i18n.global.t(to.meta.title) : ''
  const appTitle = i18n.global.t('app.title')
  document.title = title ? `${title} - ${appTitle}` : appTitle
}
router.afterEach(pageTitle)
watch(i18n.global.locale as unknown as Ref<string>, pageTitle)

// A remembered English choice loads its catalogue before the first render. Mounting replaces
// what index.html shows (the boot screen, or the page the server rendered for /units:
// src/api/first_paint.cc); the first route is awaited too, so that the finished page comes in its
// place at once, not an empty frame first.
void Promise.allSettled([setLanguage(initialLanguage()), router.isReady()]).finally(() => {
  const serverLinks = snapshotServerLinks()
  app.mount('#app')
  if (serverLinks.length) followClicksMadeBeforeMount(serverLinks)
})

interface ServerLink {
  href: string
  rect: DOMRect
}

/** Where the links of the server-rendered page are on screen, just before the app replaces it. */
function snapshotServerLinks(): ServerLink[] {
  const root = document.getElementById('app')
  if (!root?.querySelector('.fp')) return []
  return Array.from(root.querySelectorAll<HTMLAnchorElement>('a[href]'), (a) => ({
    href: a.getAttribute('href') ?? '',
    rect: a.getBoundingClientRect(),
  })).filter((l) => l.href.startsWith('/'))
}

/**
 * A click made on the server-rendered page while the app was mounting is dispatched only after
 * the mount, at the same coordinates, onto whatever the app drew there (another row). Such a
 * click (its timeStamp is from before the app was painted) goes where the user meant it: to the
 * server page's link that was under the pointer, or nowhere.
 */
function followClicksMadeBeforeMount(links: ServerLink[]): void {
  let paintedAt = Number.POSITIVE_INFINITY
  requestAnimationFrame(() => {
    paintedAt = performance.now()
  })
  const stale = (e: Event) => e.timeStamp < paintedAt
  const swallow = (e: Event) => {
    if (!stale(e)) return
    e.preventDefault()
    e.stopImmediatePropagation()
  }
  const onClick = (e: MouseEvent) => {
    if (!stale(e)) return
    swallow(e)
    const hit = links.find(
      (l) => e.clientX >= l.rect.left && e.clientX <= l.rect.right && e.clientY >= l.rect.top && e.clientY <= l.rect.bottom,
    )
    if (hit) void router.push(hit.href)
  }
  const kinds = ['pointerdown', 'mousedown', 'pointerup', 'mouseup'] as const
  for (const kind of kinds) document.addEventListener(kind, swallow, true)
  document.addEventListener('click', onClick, true)
  window.setTimeout(() => {
    for (const kind of kinds) document.removeEventListener(kind, swallow, true)
    document.removeEventListener('click', onClick, true)
  }, 10_000)
}
