import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h, onMounted } from 'vue'
import App from '@/App.vue'
import { configureClient, getAccessToken, setAccessToken, TOKEN_HEADER } from '@/api/client'
import { useEnvironmentsStore } from '@/stores/environments'
import { useSettingsStore } from '@/stores/settings'
import { appRoutes } from './support'
import { eventually } from '../support/eventually'

const SETTINGS_KEY = 'verify-desk:settings'
const TOKEN = 's3cret'
const ENVIRONMENTS = {
  environments: [
    { id: 'sandbox', label: 'Sandbox', available: true },
    { id: 'live', label: 'Live', available: false },
  ],
  default: 'sandbox',
}

/** Tokens sent with each call to the server, in order (null: none). */
let sentTokens: (string | null)[] = []
/** How many times the page was mounted (a page loads its data when mounted). */
let pageMounts = 0
let wrapper: VueWrapper | null = null
const reload = vi.fn()

/** A server that answers only calls carrying its access token. */
async function protectedServer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const headers = new Headers(input instanceof Request ? input.headers : init?.headers)
  const token = headers.get(TOKEN_HEADER)
  sentTokens.push(token)
  if (token !== TOKEN) {
    return new Response(
      JSON.stringify({
        error: { code: 'unauthorized', message: 'This Verify Desk server needs its access token.' },
      }),
      { status: 401, headers: { 'content-type': 'application/json' } },
    )
  }
  return new Response(JSON.stringify(ENVIRONMENTS), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  })
}

const Page = defineComponent({
  setup() {
    onMounted(() => pageMounts++)
    return () => h('section', [h('h1', 'New verification')])
  },
})

async function mountApp(): Promise<VueWrapper> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: appRoutes({ '/': Page }),
  })
  await router.push('/')
  wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body })
  // The badge asks the server for its environments: refused for want of the token.
  await vi.waitFor(() => expect(wrapper!.find('#access-token').exists()).toBe(true), {
    timeout: 10_000,
  })
  return wrapper
}

/** What the browser does in this tab when another tab of the same site saves its settings. */
function storedByAnotherTab(key: string, value: string): void {
  localStorage.setItem(key, value)
  window.dispatchEvent(
    new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }),
  )
}

beforeEach(() => {
  localStorage.clear()
  setAccessToken(null)
  setActivePinia(createPinia())
  configureClient({ prefixUrl: 'http://localhost/api', fetch: protectedServer })
  sentTokens = []
  pageMounts = 0
  reload.mockClear()
  vi.stubGlobal('location', { ...window.location, reload, origin: 'http://localhost' })
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
})

describe('the prompt and the page under it', () => {
  /** The level 1 headings a reader meets: not those inside a hidden part. */
  const shownH1s = () =>
    [...document.querySelectorAll('h1')]
      .filter((h) => !h.closest('[style*="display: none"]'))
      .map((h) => h.textContent?.trim())

  it('is the one h1 while shown: the page is hidden, kept, and back once the token is in', async () => {
    const w = await mountApp()
    expect(shownH1s()).toEqual(['This server needs an access token'])
    expect(pageMounts).toBe(1)
    storedByAnotherTab(SETTINGS_KEY, JSON.stringify({ accessToken: TOKEN }))
    await flushPromises()
    await eventually(() => expect(w.find('#access-token').exists()).toBe(false))
    expect(shownH1s()).toEqual(['New verification'])
  })
})

describe('the access token entered in another tab', () => {
  it('closes the prompt here, loads the environments with it and loads the page again', async () => {
    const w = await mountApp()
    const environments = useEnvironmentsStore()
    expect(environments.needsToken).toBe(true)
    expect(pageMounts).toBe(1)

    storedByAnotherTab(SETTINGS_KEY, JSON.stringify({ accessToken: TOKEN }))
    await flushPromises()
    await eventually(() => expect(environments.loaded).toBe(true))

    expect(w.find('#access-token').exists()).toBe(false)
    expect(getAccessToken()).toBe(TOKEN)
    expect(sentTokens.at(-1)).toBe(TOKEN)
    expect(environments.error).toBeNull()
    expect(environments.failureMessage).toBeNull()
    expect(pageMounts).toBe(2)
    // No full reload of this tab: only what depends on the token is loaded again.
    expect(reload).not.toHaveBeenCalled()
  })

  it('keeps the prompt when another tab changes something else than the token', async () => {
    const w = await mountApp()
    storedByAnotherTab('verify-desk:environment', 'live')
    storedByAnotherTab(SETTINGS_KEY, JSON.stringify({ pollSandboxSeconds: 5 }))
    await flushPromises()
    expect(w.find('#access-token').exists()).toBe(true)
    expect(getAccessToken()).toBeNull()
    expect(pageMounts).toBe(1)
    // The other tab's settings are taken over, so this tab never writes back stale ones.
    expect(useSettingsStore().pollSandboxSeconds).toBe(5)
  })

  it('shows the prompt again, as refused, when the token from the other tab is refused too', async () => {
    const w = await mountApp()
    storedByAnotherTab(SETTINGS_KEY, JSON.stringify({ accessToken: 'stale' }))
    await flushPromises()
    await eventually(() => expect(sentTokens.at(-1)).toBe('stale'))
    await eventually(() =>
      expect(w.find('form[aria-labelledby="token-title"]').text()).toContain(
        'The token in use was refused',
      ),
    )
  })
})
