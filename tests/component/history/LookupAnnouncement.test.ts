import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import LookupView from '@/views/LookupView.vue'
import { useRequestsStore } from '@/stores/requests'
import { freshHistoryEnvironment, requestId } from '../../unit/stores/history-support'
import { json, searchPath, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

let wrapper: VueWrapper | null = null

beforeEach(() => {
  sessionStorage.clear()
  freshHistoryEnvironment()
  // Search finds none of the ids asked.
  server.on('GET', searchPath(), json({ status: '101', error_text: 'No response found' }))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('look up: the summary of a look-up is announced', () => {
  it('from a region in the page before the first look-up, and again for the same outcome', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useRequestsStore().ready
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:p(.*)*', component: LookupView }],
    })
    await router.push('/lookup')
    wrapper = mount(LookupView, { global: { plugins: [pinia, router] } })
    await flushPromises()
    const region = wrapper.get('[data-testid="lookup-outcome"]')
    expect(region.attributes('role')).toBe('status')
    expect(region.text()).toBe('')

    const said: string[] = []
    const observer = new MutationObserver(() =>
      said.push(region.element.textContent!.replace(/\s+/g, ' ').trim()),
    )
    observer.observe(region.element, { childList: true, characterData: true, subtree: true })
    await wrapper.get('textarea').setValue(requestId(1))
    for (let i = 0; i < 2; i++) {
      await wrapper.get('form').trigger('submit')
      await flushPromises()
    }
    observer.disconnect()
    const summary = '0 found, 1 not found (1 search call).'
    expect(region.text().replace(/\s+/g, ' ')).toBe(summary)
    // Said twice: the region empties while the second look-up runs, then says it again.
    expect(said.filter((text, i) => text === summary && said[i - 1] !== summary)).toHaveLength(2)
    expect(wrapper.get('[data-testid="lookup-outcome"]').element).toBe(region.element)
  })
})
