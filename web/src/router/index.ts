// Routes. Every page is its own chunk (route-level code splitting): the login page and the
// hierarchy browser load without the admin pages, and ECharts loads only with a chart.
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission needed to open the page. */
    permission?: string
    /** i18n key of the page title (document title, breadcrumb). */
    title?: string
    /** Which side-menu entry is active. */
    menu?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/',
    component: () => import('@/layouts/AppLayout.vue'),
    children: [
      { path: '', redirect: { name: 'units' } },
      {
        path: 'units',
        name: 'units',
        component: () => import('@/views/HierarchyView.vue'),
        meta: { permission: 'units.read', title: 'menu.units', menu: 'units' },
      },
      {
        path: 'units/:code(\\d+)',
        name: 'unit',
        component: () => import('@/views/UnitView.vue'),
        meta: { permission: 'units.read', title: 'menu.units', menu: 'units' },
      },
      {
        path: 'orgs/:id(\\d+)',
        name: 'org',
        component: () => import('@/views/OrgView.vue'),
        meta: { permission: 'orgs.read', title: 'orgs.title', menu: 'units' },
      },
      {
        path: 'members/:id(\\d+)',
        name: 'member',
        component: () => import('@/views/MemberView.vue'),
        meta: { permission: 'members.read', title: 'members.title', menu: 'units' },
      },
      {
        // A unit's dashboard and its printable report (code 0: the nation).
        path: 'units/:code(\\d+)/:view(dashboard|report)',
        name: 'unit-figures',
        component: () => import('@/views/dashboard/FiguresPage.vue'),
        meta: { permission: 'figures.read', title: 'figures.dashboard', menu: 'units' },
      },
      {
        // Imports into a unit's area (jobs: dry run, then import; ?job= comes back to one).
        path: 'units/:code(\\d+)/import/members',
        name: 'import-members',
        component: () => import('@/views/ImportView.vue'),
        meta: { permission: 'members.write', title: 'jobs.import.title.members', menu: 'units' },
      },
      {
        path: 'units/:code(\\d+)/import/orgs',
        name: 'import-orgs',
        component: () => import('@/views/ImportView.vue'),
        meta: { permission: 'orgs.write', title: 'jobs.import.title.orgs', menu: 'units' },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('@/views/UsersView.vue'),
        meta: { permission: 'users.read', title: 'menu.users', menu: 'users' },
      },
      {
        path: 'admin/roles',
        name: 'roles',
        component: () => import('@/views/RolesView.vue'),
        meta: { permission: 'users.read', title: 'menu.roles', menu: 'roles' },
      },
      {
        path: 'admin/audit',
        name: 'audit',
        component: () => import('@/views/AuditView.vue'),
        meta: { permission: 'audit.read', title: 'menu.audit', menu: 'audit' },
      },
      {
        path: 'me',
        name: 'account',
        component: () => import('@/views/AccountView.vue'),
        meta: { title: 'menu.account', menu: 'account' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/ForbiddenView.vue'),
        meta: { title: 'forbidden.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { public: true, title: 'notFound.title' },
      },
    ],
  },
]

/** Where a navigation may go, given the session; exported for tests. */
export function guard(to: RouteLocationNormalized, session: ReturnType<typeof useSessionStore>) {
  if (to.meta.public) {
    if (to.name === 'login' && session.loggedIn) {
      const target = typeof to.query.redirect === 'string' ? to.query.redirect : '/units'
      return safeRedirect(target)
    }
    return true
  }
  if (!session.accountsAvailable) {
    // The server has no accounts yet: the hierarchy is open, the rest needs accounts.
    return to.meta.permission === 'units.read' ? true : { name: 'units' }
  }
  if (!session.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  if (to.meta.permission && !session.can(to.meta.permission)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
}

/** Only same-site paths are followed after login (no open redirect). */
export function safeRedirect(target: string): string {
  return target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/login') ? target : '/units'
}

/** Starts loading the lazy components of a route (vue-router loads them only after the guards). */
export function preloadComponents(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    for (const c of Object.values(record.components ?? {})) {
      if (typeof c === 'function') (c as () => Promise<unknown>)().catch(() => undefined)
    }
  }
}

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    // Fetch the page's chunks while the session check is under way, not after it.
    preloadComponents(to)
    if (!session.restored) {
      try {
        await session.restore()
      } catch {
        /* the server is unreachable: the login page will say so when used */
      }
    }
    return guard(to, session)
  })
  return router
}
