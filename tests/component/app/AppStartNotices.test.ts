import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import AppStartNotices from '@/components/app/AppStartNotices.vue'
import { useStartNoticesStore } from '@/stores/start-notices'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

/** The notices above a page with its main heading, as in the app. */
async function mountWithNotices(numbers: string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const Page = defineComponent({ render: () => h('p', 'page') })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Page },
      { path: '/requests/:id', name: 'request', component: Page },
    ],
  })
  await router.push('/')
  const store = useStartNoticesStore()
  for (const number of numbers) {
    store.add({
      type: 'failed',
      environment: 'sandbox',
      number,
      message: `No answer for +${number}.`,
    })
  }
  const App = defineComponent({
    render: () => h('div', [h(AppStartNotices), h('main', { id: 'main' }, [h('h1', 'History')])]),
  })
  wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const dismissButton = (w: VueWrapper, number: string) =>
  w.get(`button[aria-label="Dismiss the notice about +${number}"]`)

describe('AppStartNotices: dismissing keeps the keyboard focus', () => {
  it("moves the focus to the next notice's Dismiss button, then to the page's heading", async () => {
    const w = await mountWithNotices(['447700900001', '447700900002'])
    const first = dismissButton(w, '447700900001')
    ;(first.element as HTMLElement).focus()
    await first.trigger('click')
    await flushPromises()
    expect(w.findAll('[data-test="start-notice-item"]')).toHaveLength(1)
    expect(document.activeElement).toBe(dismissButton(w, '447700900002').element)

    await dismissButton(w, '447700900002').trigger('click')
    await flushPromises()
    expect(w.find('[data-test="start-notices"]').exists()).toBe(false)
    expect(document.activeElement).toBe(document.querySelector('#main h1'))
  })

  it("dismissing the last notice of several moves the focus to the page's heading", async () => {
    const w = await mountWithNotices(['447700900001', '447700900002'])
    const last = dismissButton(w, '447700900002')
    ;(last.element as HTMLElement).focus()
    await last.trigger('click')
    await flushPromises()
    expect(w.findAll('[data-test="start-notice-item"]')).toHaveLength(1)
    expect(document.activeElement).toBe(document.querySelector('#main h1'))
  })
})
