import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { RouterView, createMemoryHistory, createRouter } from 'vue-router'
import HistoryView from '@/views/HistoryView.vue'
import { useRequestsStore } from '@/stores/requests'
import { entry, freshHistoryEnvironment } from '../../unit/stores/history-support'

let wrapper: VueWrapper | null = null

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('leaving History right after typing a search', () => {
  it('goes where the agent clicked, and Back brings the typed search back', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const history = useRequestsStore()
    await history.ready
    await history.importJson(JSON.stringify([entry(1)]))
    // The request page loads slowly (a lazy chunk on a slow network): the search box's address
    // write falls due while the navigation is still under way.
    let loaded: () => void = () => undefined
    const requestPage = new Promise<void>((resolve) => (loaded = resolve))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/history', component: HistoryView },
        {
          path: '/requests/:id',
          component: async () => {
            await requestPage
            return defineComponent({ render: () => h('p', 'request page') })
          },
        },
      ],
    })
    await router.push('/history')
    await router.isReady()
    wrapper = mount(defineComponent({ render: () => h(RouterView) }), {
      global: { plugins: [pinia, router] },
      attachTo: document.body,
    })
    await flushPromises()

    await wrapper.find('input[type="search"]').setValue('abcd')
    const navigation = router.push('/requests/abc')
    await new Promise((resolve) => setTimeout(resolve, 400)) // past the address write's delay
    loaded()
    expect(await navigation).toBeUndefined() // not cancelled
    expect(router.currentRoute.value.fullPath).toBe('/requests/abc')
    expect(wrapper.text()).toBe('request page')

    router.back()
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/history?q=abcd'))
    expect((wrapper.find('input[type="search"]').element as HTMLInputElement).value).toBe('abcd')
  })
})
