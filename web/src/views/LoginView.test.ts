import { afterEach, describe, expect, it, vi } from 'vitest'
import LoginView from './LoginView.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { useSessionStore } from '@/stores/session'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper']) {
  await wrapper.find('input[data-testid="username"]').setValue('zhaxi')
  await wrapper.find('input[data-testid="password"]').setValue('wrong-password')
  await wrapper.find('form').trigger('submit')
  for (let i = 0; i < 5; i++) await flush()
}

describe('LoginView', () => {
  it('shows the server\'s message for wrong credentials and clears the password', async () => {
    mockFetch({
      'POST /api/v1/session': () => ({
        status: 401,
        body: { error: { code: 'unauthenticated', message: '用户名或密码错误，请重新输入。' } },
      }),
    })
    const { wrapper } = await mountWithApp(LoginView, {}, '/login')
    await fillAndSubmit(wrapper)
    expect(wrapper.find('[data-testid="login-alert"]').text()).toContain('用户名或密码错误')
    expect((wrapper.find('input[data-testid="password"]').element as HTMLInputElement).value).toBe('')
  })

  it('shows the lockout message and counts down on the disabled button', async () => {
    mockFetch({
      'POST /api/v1/session': () => ({
        status: 429,
        headers: { 'Retry-After': '600' },
        body: { error: { code: 'too_many_requests', message: '尝试次数过多，请在 10 分钟后再试。' } },
      }),
    })
    const { wrapper } = await mountWithApp(LoginView, {}, '/login')
    await fillAndSubmit(wrapper)
    expect(wrapper.find('[data-testid="login-alert"]').text()).toContain('请在 10 分钟后再试')
    const button = wrapper.find('[data-testid="login-submit"]')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.text()).toBe('请在 10 分钟后再试')
  })

  it('signs in and goes to the remembered page', async () => {
    mockFetch({
      'POST /api/v1/session': () => ({
        status: 200,
        body: {
          user: { id: 1, username: 'zhaxi', display_name: '扎西', roles: [], permissions: ['units.read'] },
          csrf_token: 't',
          expires_at: '2026-11-24T00:00:00Z',
          idle_timeout_seconds: 1800,
        },
      }),
    })
    const { wrapper, router } = await mountWithApp(LoginView, {}, '/login?redirect=/units/54')
    await fillAndSubmit(wrapper)
    expect(useSessionStore().loggedIn).toBe(true)
    expect(router.currentRoute.value.fullPath).toBe('/units/54')
  })

  it('does not submit an empty form', async () => {
    const { fn } = mockFetch({})
    const { wrapper } = await mountWithApp(LoginView, {}, '/login')
    await wrapper.find('form').trigger('submit')
    for (let i = 0; i < 3; i++) await flush()
    await waitFor(() => wrapper.text().includes('请输入用户名'))
    expect(fn).not.toHaveBeenCalled()
    expect(wrapper.find('.el-form-item__error').text()).toBe('请输入用户名')
  })
})
