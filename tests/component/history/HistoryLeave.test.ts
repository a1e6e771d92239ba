import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { RouterView, createMemoryHistory, createRouter } from 'vue-router'
import HistoryView from '@/views/HistoryView.vue'
import { useRequestsStore } from '@/stores/requests'
import { entry, freshHistoryEnvironment } from '../../unit/stores/history-support'
import { eventually } from '../support/eventually'

let wrapper: VueWrapper | null = null

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** History at /history with one entry, inside a RouterView; the request page loads when `loaded` resolves. */
async function mountHistory(loaded: Promise<void>, path = '/history') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  await history.ready
  await history.importJson(JSON.stringify([entry(1)]))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/history', component: HistoryView },
      {
        path: '/requests/:id',
        component: async () => {
          await loaded
          return defineComponent({ render: () => h('p', 'request page') })
        },
      },
    ],
  })
  await router.push(path)
  await router.isReady()
  wrapper = mount(defineComponent({ render: () => h(RouterView) }), {
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return { router, wrapper }
}

/**
 * Past the delay after which the search box's text is written into the address: the page's timers
 * are fake from the typing on (`typeOnFakeTimers`), so a write still due fires here, whatever the
 * machine's speed.
 */
const pastAddressWrite = () => vi.advanceTimersByTimeAsync(400)

/** Types `text` into the search box, the page's timers fake from now on. */
async function typeOnFakeTimers(w: VueWrapper, text: string): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  await w.find('input[type="search"]').setValue(text)
}

describe('leaving History right after typing a search', () => {
  it('goes where the agent clicked, and Back brings the typed search back', async () => {
    // The request page loads slowly (a lazy chunk on a slow network): the search box's address
    // write falls due while the navigation is still under way.
    let loaded: () => void = () => undefined
    const { router, wrapper: w } = await mountHistory(new Promise<void>((r) => (loaded = r)))

    await typeOnFakeTimers(w, 'abcd')
    const navigation = router.push('/requests/abc')
    await pastAddressWrite()
    loaded()
    expect(await navigation).toBeUndefined() // not cancelled
    expect(router.currentRoute.value.fullPath).toBe('/requests/abc')
    expect(w.text()).toBe('request page')

    router.back()
    await flushPromises()
    await eventually(() => expect(router.currentRoute.value.fullPath).toBe('/history?q=abcd'))
    expect((w.find('input[type="search"]').element as HTMLInputElement).value).toBe('abcd')
  })

  it('with Back, leaves the address of the page it goes back to as it was', async () => {
    let loaded: () => void = () => undefined
    const { router, wrapper: w } = await mountHistory(new Promise<void>((r) => (loaded = r)))
    loaded()
    await router.push('/requests/abc')
    await router.push('/history')
    await flushPromises()

    await typeOnFakeTimers(w, 'abcd')
    router.back()
    await pastAddressWrite()
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/requests/abc')
    expect(router.options.history.location).toBe('/requests/abc')
    expect(w.text()).toBe('request page')
  })
})
