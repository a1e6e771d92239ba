import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import RequestPinEntry from '@/components/request/RequestPinEntry.vue'
import { PIN_DRAFTS_KEY } from '@/stores/pin-drafts'
import { useRequestsStore } from '@/stores/requests'
import { entry, requestId } from '../../unit/stores/history-support'

const SANDBOX = requestId(1)
const LIVE = requestId(2)
const open = { allowed: true, reason: null, opensAt: null }

/** The request page's PIN field for `id`, in a page load that shares `pinia` (null: a new load). */
async function openPinField(id: string, pinia: Pinia | null = null) {
  const store = pinia ?? createPinia()
  setActivePinia(store)
  const history = useRequestsStore(store)
  await history.upsertMany([entry(1), entry(2, { environment: 'live' })])
  const Page = defineComponent({
    render: () => h(RequestPinEntry, { availability: open, attemptsLeft: 3 }),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/requests/:id', component: Page }],
  })
  await router.push(`/requests/${id}`)
  const wrapper = mount(Page, { global: { plugins: [store, router] } })
  const input = () => wrapper.get<HTMLInputElement>('#pin-code')
  return { wrapper, input, pinia: store }
}

beforeEach(() => sessionStorage.clear())

describe('a typed PIN outlives the page until it is sent', () => {
  it('comes back after leaving the page in the app (History, then Back)', async () => {
    const first = await openPinField(LIVE)
    await first.input().setValue('4821')
    first.wrapper.unmount()
    const back = await openPinField(LIVE, first.pinia)
    expect(back.input().element.value).toBe('4821')
  })

  it('comes back after a reload in the sandbox, never for live', async () => {
    const sandbox = await openPinField(SANDBOX)
    await sandbox.input().setValue('1234')
    const live = await openPinField(LIVE)
    await live.input().setValue('9876')
    // A reload: the page goes away (which writes what was typed at once), then a new Pinia, the
    // same tab's session storage.
    window.dispatchEvent(new Event('pagehide'))
    expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBe(JSON.stringify({ [SANDBOX]: '1234' }))
    expect((await openPinField(SANDBOX)).input().element.value).toBe('1234')
    expect((await openPinField(LIVE)).input().element.value).toBe('')
  })

  it('is kept in memory only for a request this browser has no history of (it may be live)', async () => {
    const unknown = requestId(3)
    const page = await openPinField(unknown)
    await page.input().setValue('5555')
    window.dispatchEvent(new Event('pagehide'))
    expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBeNull()
    page.wrapper.unmount()
    expect((await openPinField(unknown, page.pinia)).input().element.value).toBe('5555')
  })

  it('is written to session storage once typing pauses, even if the page never says it goes away', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const page = await openPinField(SANDBOX)
      for (const typed of ['1', '12', '123', '1234']) await page.input().setValue(typed)
      // Not on every keystroke: nothing is written while typing goes on.
      expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBeNull()
      await vi.runAllTimersAsync()
      expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBe(JSON.stringify({ [SANDBOX]: '1234' }))
      expect((await openPinField(SANDBOX)).input().element.value).toBe('1234')
    } finally {
      vi.useRealTimers()
    }
  })

  it('is not restored once sent: the check may have gone through', async () => {
    const first = await openPinField(SANDBOX)
    await first.input().setValue('1234')
    await first.wrapper.get('form').trigger('submit')
    expect(first.input().element.value).toBe('1234')
    expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBeNull()
    first.wrapper.unmount()
    expect((await openPinField(SANDBOX, first.pinia)).input().element.value).toBe('')
  })
})

describe('a typed PIN written to storage after the typing pause', () => {
  it('is removed from session storage at once when sent, and not shown again after History and Back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const first = await openPinField(SANDBOX)
      await first.input().setValue('1234')
      await vi.runAllTimersAsync()
      expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBe(JSON.stringify({ [SANDBOX]: '1234' }))
      await first.wrapper.get('form').trigger('submit')
      expect(sessionStorage.getItem(PIN_DRAFTS_KEY)).toBeNull()
      first.wrapper.unmount()
      expect((await openPinField(SANDBOX, first.pinia)).input().element.value).toBe('')
    } finally {
      vi.useRealTimers()
    }
  })
})
