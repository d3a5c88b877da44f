// Mounts a component with the app's plugins (pinia, i18n in Chinese, a memory router).
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import { i18n, setLanguage } from '@/i18n'

export async function mountWithApp<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}, path = '/') {
  const pinia = createPinia()
  setActivePinia(pinia)
  await setLanguage('zh-CN')
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div/>' } },
      { path: '/login', name: 'login', component: { template: '<div/>' } },
      { path: '/units', name: 'units', component: { template: '<div/>' } },
      { path: '/units/:code', name: 'unit', component: { template: '<div/>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(component, {
    attachTo: document.body,
    ...options,
    global: { plugins: [pinia, i18n, router], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>)
  return { wrapper, router, pinia }
}

export const flush = () => new Promise((r) => setTimeout(r, 0))

/** Waits (up to ~0.5 s) until `check` returns true; rendering and transitions take a few ticks. */
export async function waitFor(check: () => boolean, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
}
