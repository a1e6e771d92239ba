/**
 * With no number in the address the handset shows the most recently messaged number and follows
 * new ones as they arrive, but not while the focus is on the messages shown: a message to another
 * number must not take them, and the focus, away from under the user.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { HandsetMessage } from '@contract/admin'
import HandsetView from '@/views/HandsetView.vue'
import { useRequestsStore } from '@/stores/requests'
import { freshHistoryEnvironment } from '../../unit/stores/history-support'
import { json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

function message(over: Partial<HandsetMessage>): HandsetMessage {
  return {
    id: 'm1',
    request_id: 'a'.repeat(32),
    account_id: 'sandbox',
    event_id: 'm1',
    number: '447700900001',
    channel: 'sms',
    sender: 'VERIFY',
    text: 'Your Acme PIN is: 1234.',
    pin: '1234',
    lg: 'en-gb',
    language: 'en',
    sent_at: '2026-11-25T20:00:00.000Z',
    ...over,
  }
}
/** An SMS to another number, newer than the one shown. */
const OTHER = message({
  id: 'm2',
  event_id: 'm2',
  request_id: 'b'.repeat(32),
  number: '447700900002',
  text: 'Your Acme PIN is: 9876.',
  pin: '9876',
  sent_at: '2026-11-25T20:01:00.000Z',
})

let view: VueWrapper | null = null
afterEach(async () => {
  if (view && !view.vm.$.isUnmounted) view.unmount()
  view = null
  await useRequestsStore().dispose()
})

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/handset', component: HandsetView },
      { path: '/:any(.*)*', component: { template: '<p>page</p>' } },
    ],
  })
  await router.push('/handset')
  view = mount(
    { template: '<RouterView />' },
    { global: { plugins: [router] }, attachTo: document.body },
  )
  await flushPromises()
  await server.stream.open()
  return view
}

beforeEach(async () => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  await useRequestsStore().ready
  server.on('GET', 'sandbox/__admin/messages', json({ messages: [message({})], total: 1 }))
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

describe('HandsetView with no number in the address', () => {
  it('keeps the messages the focus is on, and the focus, when another number gets a message', async () => {
    const wrapper = await mountView()
    const copy = wrapper.get('button[aria-label="Copy PIN 1234"]')
    ;(copy.element as HTMLButtonElement).focus()

    await server.stream.push('message', OTHER)

    expect(wrapper.get('#handset-messages-title').text()).toBe('Messages to +447700900001')
    expect(document.activeElement).toBe(copy.element)
    // The new number tops the list and is read out: a press on it shows it.
    const numbers = wrapper.findAll('.handset-numbers button')
    expect(numbers.map((b) => b.attributes('aria-label'))).toEqual([
      '+447700900002, 1 message',
      '+447700900001, 1 message',
    ])
    expect(wrapper.get('[aria-live="polite"]').text()).toBe('New SMS to +447700900002, PIN 9876.')
    await numbers[0]!.trigger('click')
    await flushPromises()
    expect(wrapper.get('#handset-messages-title').text()).toBe('Messages to +447700900002')
  })

  it('follows the newly messaged number while the focus is elsewhere', async () => {
    const wrapper = await mountView()

    await server.stream.push('message', OTHER)

    expect(wrapper.get('#handset-messages-title').text()).toBe('Messages to +447700900002')
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['9876'])
  })
})
