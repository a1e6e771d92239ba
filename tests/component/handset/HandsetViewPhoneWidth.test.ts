/**
 * The Handset at a phone's width, where the messages are below the list of numbers: pressing a
 * number brings its messages into view, with the focus on their heading; keyboard users can skip
 * the list of numbers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { HandsetMessage } from '@contract/admin'
import HandsetView from '@/views/HandsetView.vue'
import { useRequestsStore } from '@/stores/requests'
import { freshHistoryEnvironment } from '../../unit/stores/history-support'
import { json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

/** The message to the `index`th number, sent `index` minutes before 20:00 (the first is newest). */
function message(index: number): HandsetMessage {
  const number = `4477009${String(index).padStart(5, '0')}`
  return {
    id: `m${index}`,
    request_id: String(index).padStart(32, 'c'),
    account_id: 'sandbox',
    event_id: `m${index}`,
    number,
    channel: 'sms',
    sender: 'VERIFY',
    text: `Your Acme PIN is: ${1000 + index}.`,
    pin: String(1000 + index),
    lg: 'en-us',
    language: 'en',
    sent_at: new Date(Date.UTC(2026, 10, 25, 20) - index * 60_000).toISOString(),
  }
}
const MESSAGES = Array.from({ length: 36 }, (_, i) => message(i + 1))

let view: VueWrapper | null = null
/** Whether the page is as narrow as a phone (the layout's media rule matches). */
let narrow = true

beforeEach(async () => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  await useRequestsStore().ready
  narrow = true
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: narrow && query === '(max-width: 760px)',
    media: query,
    addEventListener() {},
    removeEventListener() {},
  }))
  server.on('GET', 'sandbox/__admin/messages', json({ messages: MESSAGES, total: 36 }))
  server.on('GET', 'sandbox/__admin/requests', json({ requests: [], total: 0 }))
  server.on(
    'GET',
    'sandbox/__admin/clock',
    json({ now: '2026-11-25T20:02:00.000Z', now_ms: 0, offset_ms: 0, next_due_at: null }),
  )
  server.on('GET', 'sandbox/__admin/faults', json({ faults: [] }))
  server.on('GET', 'sandbox/__admin/test-numbers', json({ test_numbers: [] }))
  server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
})
afterEach(async () => {
  vi.unstubAllGlobals()
  view?.unmount()
  view = null
  await useRequestsStore().dispose()
})

async function mountView(): Promise<VueWrapper> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>home</p>' } },
      { path: '/handset', component: HandsetView },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
    ],
  })
  await router.push('/handset')
  view = mount(
    { template: '<RouterView />' },
    { global: { plugins: [router] }, attachTo: document.body },
  )
  await flushPromises()
  return view
}

const heading = () => document.getElementById('handset-messages-title')

describe('Handset at a phone’s width', () => {
  it('takes the focus to the messages of the number pressed', async () => {
    const wrapper = await mountView()
    const numbers = wrapper.findAll('.handset-numbers button')
    expect(numbers).toHaveLength(36)
    await numbers[30]!.trigger('click')
    await flushPromises()
    expect(heading()?.textContent?.trim()).toBe('Messages to +447700900031')
    expect(document.activeElement).toBe(heading())
  })

  it('leaves the focus on the number pressed where the messages are beside the list', async () => {
    narrow = false
    const wrapper = await mountView()
    const number = wrapper.findAll('.handset-numbers button')[1]!
    ;(number.element as HTMLElement).focus()
    await number.trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(number.element)
  })

  it('lets keyboard users skip the numbers to the messages shown', async () => {
    const wrapper = await mountView()
    const skip = wrapper.get('button.handset-view__skip')
    expect(skip.text()).toBe('Skip to the messages to +447700900001')
    const firstNumber = wrapper.get('.handset-numbers button').element
    const following = skip.element.compareDocumentPosition(firstNumber)
    expect(following & Node.DOCUMENT_POSITION_FOLLOWING, 'before the list of numbers').toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    )
    await skip.trigger('click')
    expect(document.activeElement).toBe(heading())
  })
})
