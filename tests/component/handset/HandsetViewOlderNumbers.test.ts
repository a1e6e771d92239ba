import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest, HandsetMessage } from '@contract/admin'
import HandsetView from '@/views/HandsetView.vue'
import { useRequestsStore } from '@/stores/requests'
import { freshHistoryEnvironment } from '../../unit/stores/history-support'
import { json, useDeskServer, type DeskCall } from '../support/desk-server'
import { eventually } from '../support/eventually'

/*
 * The handset first loads only the newest messages and requests the sandbox holds (a QA run of
 * a few hundred verifications holds more): a number messaged before them must still be found, with
 * all its messages and its request's state.
 */
const server = useDeskServer()
const MESSAGES = 'sandbox/__admin/messages'
const REQUESTS = 'sandbox/__admin/requests'

const NEW_ID = 'a'.repeat(32)
const OLD_ID = 'c'.repeat(32)
const NEW_NUMBER = '447700900001'
const OLD_NUMBER = '447700900009'

function message(over: Partial<HandsetMessage>): HandsetMessage {
  return {
    id: 'm-new',
    request_id: NEW_ID,
    account_id: 'sandbox',
    event_id: 'm-new',
    number: NEW_NUMBER,
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
const NEWEST = message({})
/** The older number's two messages: its request has a new PIN since its first SMS. */
const OLD_SMS = message({
  id: 'm-old-1',
  event_id: 'm-old-1',
  request_id: OLD_ID,
  number: OLD_NUMBER,
  text: 'Your Acme PIN is: 5555.',
  pin: '5555',
  sent_at: '2026-11-25T19:00:00.000Z',
})
const OLD_CALL = message({
  id: 'm-old-2',
  event_id: 'm-old-2',
  request_id: OLD_ID,
  number: OLD_NUMBER,
  channel: 'tts',
  text: 'Your Acme PIN is: seven, seven, seven, seven.',
  pin: '7777',
  sent_at: '2026-11-25T19:05:00.000Z',
})
const OLD_REQUEST = {
  request_id: OLD_ID,
  account_id: 'sandbox',
  kind: 'request',
  number: OLD_NUMBER,
  normalized_number: OLD_NUMBER,
  brand: 'Acme',
  payee: '',
  amount: '',
  status: 'EXPIRED',
  pin: '7777',
  submitted_at: '2026-11-25T19:00:00.000Z',
  date_submitted: '2026-11-25 19:00:00',
  next_event_at: null,
  expires_at: null,
  events: [],
} as unknown as AdminRequest

/**
 * The sandbox holds NEWEST, OLD_SMS and OLD_CALL and OLD_REQUEST: a read of everything answers the
 * newest message only (as past the first load's limit), a read of one number all of its own.
 */
function messagesFor(call: DeskCall) {
  if (call.query.number === OLD_NUMBER) return json({ messages: [OLD_CALL, OLD_SMS], total: 2 })
  if (call.query.number === undefined) return json({ messages: [NEWEST], total: 3 })
  return json({ messages: [NEWEST], total: 1 })
}
function requestsFor(call: DeskCall) {
  if (call.query.number === OLD_NUMBER) return json({ requests: [OLD_REQUEST], total: 1 })
  return json({ requests: [], total: call.query.number === undefined ? 1 : 0 })
}

let view: VueWrapper | null = null
afterEach(async () => {
  if (view && !view.vm.$.isUnmounted) view.unmount()
  view = null
  await useRequestsStore().dispose()
})

async function mountAt(address: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/handset', component: HandsetView },
      { path: '/:any(.*)*', component: { template: '<p>page</p>' } },
    ],
  })
  await router.push(address)
  view = mount({ template: '<RouterView />' }, { global: { plugins: [router] } })
  await flushPromises()
  return view
}

beforeEach(async () => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  await useRequestsStore().ready
  server.on('GET', MESSAGES, messagesFor)
  server.on('GET', REQUESTS, requestsFor)
  server.on(
    'GET',
    'sandbox/__admin/clock',
    json({ now: '2026-11-25T20:02:00.000Z', now_ms: 0, offset_ms: 0, next_due_at: null }),
  )
  server.on('GET', 'sandbox/__admin/faults', json({ faults: [] }))
  server.on('GET', 'sandbox/__admin/test-numbers', json({ test_numbers: [] }))
  server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
})

describe('HandsetView with more messages than it first loads', () => {
  it("shows the messages of the number in its address, not another number's, when they are older than the first load", async () => {
    const wrapper = await mountAt(`/handset?number=${OLD_NUMBER}`)

    await eventually(() =>
      expect(wrapper.get('#handset-messages-title').text()).toBe(`Messages to +${OLD_NUMBER}`),
    )
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['7777', '5555'])
    expect(
      wrapper.findAll('.handset-numbers button').map((b) => b.attributes('aria-label')),
    ).toEqual([`+${NEW_NUMBER}, 1 message`, `+${OLD_NUMBER}, 2 messages`])
    // Its request's state was read too: the PINs are not offered for a finished request.
    expect(wrapper.findAll('.handset-message__spent').map((s) => s.text())).toEqual([
      'finished (Expired): this PIN can no longer be checked.',
      'finished (Expired): this PIN can no longer be checked.',
    ])
    expect(wrapper.find('a[aria-label^="Enter PIN"]').exists()).toBe(false)
  })

  it.each([
    ['a + (which an address reads as a space)', `+${OLD_NUMBER}`],
    ['an encoded +', `%2B${OLD_NUMBER}`],
    ['a + and spaces', '%2B44%207700%20900009'],
  ])(
    'finds the number in its address written with %s, as numbers are shared',
    async (_, written) => {
      const wrapper = await mountAt(`/handset?number=${written}`)

      await eventually(() =>
        expect(wrapper.get('#handset-messages-title').text()).toBe(`Messages to +${OLD_NUMBER}`),
      )
      expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['7777', '5555'])
      expect(server.callsTo('GET', MESSAGES).map((c) => c.query.number)).toContain(OLD_NUMBER)
    },
  )

  it('keeps those messages when the page loads again (the live stream opening)', async () => {
    const wrapper = await mountAt(`/handset?number=${OLD_NUMBER}`)
    await eventually(() =>
      expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['7777', '5555']),
    )
    const reads = server.callsTo('GET', MESSAGES).length

    await server.stream.open()
    await eventually(() => expect(server.callsTo('GET', MESSAGES).length).toBeGreaterThan(reads))
    await flushPromises()
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['7777', '5555'])
    expect(wrapper.get('#handset-messages-title').text()).toBe(`Messages to +${OLD_NUMBER}`)
  })

  it('reads no number on its own when the first load holds every message', async () => {
    server.on('GET', MESSAGES, json({ messages: [NEWEST], total: 1 }))
    server.on('GET', REQUESTS, json({ requests: [], total: 0 }))
    const wrapper = await mountAt(`/handset?number=${NEW_NUMBER}`)
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['1234'])
    expect(server.callsTo('GET', MESSAGES).filter((c) => c.query.number !== undefined)).toEqual([])
  })
})
