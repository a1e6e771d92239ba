import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import App from '@/App.vue'
import {
  apiRequest,
  configureClient,
  getAccessToken,
  setAccessToken,
  TOKEN_HEADER,
} from '@/api/client'
import { openSandboxEvents } from '@/api/sandbox'
import { appRoutes } from './support'

async function mountApp() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: appRoutes({
      '/handset': { template: '<section><h1>Handset</h1><button>x</button></section>' },
    }),
  })
  await router.push('/')
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body })
  // The badge and the live region are loaded after the first paint.
  await vi.waitFor(
    () => {
      expect(wrapper.find('.env-badge').exists()).toBe(true)
      expect(wrapper.find('[data-testid="announcer"]').exists()).toBe(true)
    },
    { timeout: 10_000 },
  )
  return { wrapper, router }
}

const ENVIRONMENTS = {
  environments: [
    { id: 'sandbox', label: 'Sandbox', available: true },
    { id: 'live', label: 'Live', available: false },
  ],
  default: 'sandbox',
}

beforeEach(() => {
  configureClient({
    prefixUrl: 'http://localhost/api',
    fetch: async () =>
      new Response(JSON.stringify(ENVIRONMENTS), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
  })
  localStorage.clear()
  setActivePinia(createPinia())
  setAccessToken(null)
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('App chrome', () => {
  it('starts with a skip link to the main content', async () => {
    const { wrapper } = await mountApp()
    const skip = wrapper.get('a.skip-link')
    expect(skip.text()).toBe('Skip to content')
    expect(skip.attributes('href')).toBe('#main')
    expect(wrapper.find('main#main').exists()).toBe(true)
    wrapper.unmount()
  })

  it('moves focus to the new page heading after a navigation', async () => {
    const { wrapper, router } = await mountApp()
    await router.push('/handset')
    await flushPromises()
    expect(document.activeElement?.tagName).toBe('H1')
    expect(document.activeElement?.textContent).toBe('Handset')
    wrapper.unmount()
  })

  it('opens and closes the narrow-screen menu by button and Escape', async () => {
    const { wrapper, router } = await mountApp()
    const toggle = wrapper.get('#app-nav-toggle')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    await wrapper.get('nav').trigger('keydown', { key: 'Escape' })
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(document.activeElement?.id).toBe('app-nav-toggle')

    await toggle.trigger('click')
    await router.push('/handset')
    await flushPromises()
    expect(toggle.attributes('aria-expanded')).toBe('false')
    wrapper.unmount()
  })

  it('asks for the access token when the server refuses a call without it', async () => {
    const reload = vi.fn()
    vi.stubGlobal('location', { ...window.location, reload, origin: 'http://localhost' })
    const { wrapper } = await mountApp()
    expect(wrapper.find('#access-token').exists()).toBe(false)

    // From now on the server wants a token: s3cret.
    configureClient({
      prefixUrl: 'http://localhost/api',
      fetch: async (input: RequestInfo | URL, init?: RequestInit) =>
        new Headers(input instanceof Request ? input.headers : init?.headers).get(TOKEN_HEADER) ===
        's3cret'
          ? new Response(
              JSON.stringify({
                environments: [{ id: 'sandbox', label: 'Sandbox', available: true }],
                default: 'sandbox',
              }),
              { status: 200, headers: { 'content-type': 'application/json' } },
            )
          : new Response(
              JSON.stringify({
                error: { code: 'unauthorized', message: 'needs its access token' },
              }),
              { status: 401, headers: { 'content-type': 'application/json' } },
            ),
    })

    await apiRequest('GET', 'environments').catch(() => undefined)
    await vi.waitFor(() => expect(wrapper.find('#access-token').exists()).toBe(true), {
      timeout: 10_000,
    })
    const input = wrapper.get('#access-token')
    expect(wrapper.get('form[aria-labelledby="token-title"]').text()).toContain(
      'This server needs an access token',
    )

    await wrapper.get('form[aria-labelledby="token-title"]').trigger('submit')
    expect(wrapper.get('#access-token-error').text()).toContain('Enter the token')
    expect(reload).not.toHaveBeenCalled()

    await input.setValue('s3cret')
    await wrapper.get('form[aria-labelledby="token-title"]').trigger('submit')
    await flushPromises()
    expect(getAccessToken()).toBe('s3cret')
    // Taken without reloading the tab (what the page holds in memory stays): the prompt closes
    // and the calls go on with the token.
    await vi.waitFor(() => expect(wrapper.find('#access-token').exists()).toBe(false), {
      timeout: 10_000,
    })
    await apiRequest('GET', 'environments')
    expect(wrapper.find('#access-token').exists()).toBe(false)
    expect(reload).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('asks for the token again when the event stream is refused, even on a page that makes no call', async () => {
    vi.stubGlobal('location', { ...window.location, reload: vi.fn(), origin: 'http://localhost' })
    localStorage.setItem(
      'verify-desk:settings',
      JSON.stringify({ accessToken: 'old-token-0123456789' }),
    )
    const { wrapper } = await mountApp()
    expect(getAccessToken()).toBe('old-token-0123456789')
    expect(wrapper.find('#access-token').exists()).toBe(false)
    // The server restarted with another token: only the handset's stream notices.
    const sent: Request[] = []
    configureClient({
      prefixUrl: 'http://localhost/api',
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        sent.push(input instanceof Request ? input : new Request(input, init))
        return new Response(
          JSON.stringify({ error: { code: 'unauthorized', message: 'needs its access token' } }),
          { status: 401, headers: { 'content-type': 'application/json' } },
        )
      },
    })
    const stream = openSandboxEvents(() => undefined)
    await vi.waitFor(() => expect(wrapper.find('#access-token').exists()).toBe(true), {
      timeout: 10_000,
    })
    expect(wrapper.get('form[aria-labelledby="token-title"]').text()).toContain(
      'The token in use was refused',
    )
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(['/api/sandbox/__admin/events'])
    stream.close()
    wrapper.unmount()
  })
})
