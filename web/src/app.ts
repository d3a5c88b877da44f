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
void Promise.allSettled([setLanguage(initialLanguage()), router.isReady()]).finally(() => app.mount('#app'))
