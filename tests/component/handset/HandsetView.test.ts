import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest, HandsetMessage } from '@contract/admin'
import HandsetView from '@/views/HandsetView.vue'
import { useRequestsStore } from '@/stores/requests'
import { deferred } from '../../support/deferred'
import { entry, freshHistoryEnvironment } from '../../unit/stores/history-support'
import { heldUntil, json, noAnswer, useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

const server = useDeskServer()
const MESSAGES = 'sandbox/__admin/messages'
const REQUESTS = 'sandbox/__admin/requests'
const ACCOUNTS_PATH = 'sandbox/__admin/accounts'
/** The sandbox holds `messages`: the answer to a read of its messages. */
const messagesAnswer = (messages: HandsetMessage[]) => json({ messages, total: messages.length })
/** The sandbox holds `requests`: the answer to a read of its requests. */
const requestsAnswer = (requests: AdminRequest[]) => json({ requests, total: requests.length })
/** How many times the page read the handset's messages. */
const messageReads = () => server.callsTo('GET', MESSAGES).length

const ID_A = 'a'.repeat(32)
const ID_B = 'b'.repeat(32)
/** The sandbox's accounts with no configuration: the dashboard acts as the default one. */
const ACCOUNTS = [
  {
    api_key: 'sandbox',
    account_id: 'sandbox',
    pin_code_allowed: false,
    throttle_per_second: 30,
    is_default: true,
  },
  {
    api_key: 'sandbox-pin',
    account_id: 'sandboxpin',
    pin_code_allowed: true,
    throttle_per_second: 30,
    is_default: false,
  },
]

function message(over: Partial<HandsetMessage>): HandsetMessage {
  return {
    id: 'm1',
    request_id: ID_A,
    account_id: 'sandbox',
    event_id: 'm1',
    number: '447700900001',
    channel: 'sms',
    sender: 'VERIFY',
    text: 'Your Acme PIN is: 1234.',
    pin: '1234',
    lg: 'en-us',
    language: 'en',
    sent_at: '2026-11-25T20:00:00.000Z',
    ...over,
  }
}

function request(over: Partial<AdminRequest>): AdminRequest {
  return {
    request_id: ID_B,
    account_id: 'sandbox',
    kind: 'request',
    number: '447700900002',
    normalized_number: '447700900002',
    brand: 'Their App',
    status: 'IN PROGRESS',
    submitted_at: '2026-11-25T20:01:00.000Z',
    date_submitted: '2026-11-25 20:01:00',
    payee: '',
    amount: '',
    ...over,
  } as AdminRequest
}

/** The page mounted last, unmounted after each test (so that it closes its event stream). */
let view: VueWrapper | null = null
afterEach(async () => {
  if (view && !view.vm.$.isUnmounted) view.unmount()
  view = null
  await useRequestsStore().dispose()
})

async function mountView(options: { attach?: boolean } = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>home</p>' } },
      { path: '/handset', component: HandsetView },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
    ],
  })
  await router.push('/handset')
  const wrapper = mount(
    { template: '<RouterView />' },
    { global: { plugins: [router] }, ...(options.attach ? { attachTo: document.body } : {}) },
  )
  view = wrapper
  await flushPromises()
  return { wrapper, router }
}

beforeEach(async () => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  // History holds request A (started from this dashboard).
  const history = useRequestsStore()
  await history.ready
  await history.upsert(entry(1, { request_id: ID_A, number: '447700900001' }))
  server.on(
    'GET',
    MESSAGES,
    messagesAnswer([
      message({}),
      message({
        id: 'm2',
        number: '447700900003',
        text: 'Your Acme PIN is: 9999.',
        pin: '9999',
        sent_at: '2026-11-25T19:00:00.000Z',
      }),
    ]),
  )
  server.on('GET', REQUESTS, requestsAnswer([]))
  server.on(
    'GET',
    'sandbox/__admin/clock',
    json({ now: '2026-11-25T20:02:00.000Z', now_ms: 0, offset_ms: 0, next_due_at: null }),
  )
  server.on('GET', 'sandbox/__admin/faults', json({ faults: [] }))
  server.on('GET', 'sandbox/__admin/test-numbers', json({ test_numbers: [] }))
  server.on('GET', ACCOUNTS_PATH, json({ accounts: ACCOUNTS }))
})

describe('HandsetView', () => {
  it('shows the most recently messaged number first, and another number on request', async () => {
    const { wrapper, router } = await mountView()
    const numbers = wrapper.findAll('.handset-numbers button')
    expect(numbers.map((b) => b.attributes('aria-label'))).toEqual([
      '+447700900001, 1 message',
      '+447700900003, 1 message',
    ])
    expect(numbers[0]!.attributes('aria-pressed')).toBe('true')
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('1234')

    await numbers[1]!.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.number).toBe('447700900003')
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('9999')
  })

  it('shows a message from the live stream at once, newest first, without reloading', async () => {
    const { wrapper } = await mountView()
    expect(messageReads()).toBe(1)
    await server.stream.open()
    expect(wrapper.get('.handset-view__connection').text()).toContain('Live')
    // Opened after the first load was read: read once more (what came between was not pushed).
    expect(messageReads()).toBe(2)

    await server.stream.push(
      'message',
      message({
        id: 'm3',
        text: 'Your Acme PIN is: 5678.',
        pin: '5678',
        sent_at: '2026-11-25T20:05:00.000Z',
      }),
    )
    const pins = wrapper.findAll('[data-testid="pin"]').map((p) => p.text())
    expect(pins).toEqual(['5678', '1234'])
    expect(wrapper.get('.handset-numbers button').attributes('aria-label')).toBe(
      '+447700900001, 2 messages',
    )
    expect(messageReads()).toBe(2)
    expect(wrapper.get('[aria-live="polite"]').text()).toBe('New SMS to +447700900001, PIN 5678.')
  })

  it('reads out the first message on an empty handset, and a call as "New voice call"', async () => {
    server.on('GET', MESSAGES, messagesAnswer([]))
    const { wrapper } = await mountView()
    const live = wrapper.get('[aria-live="polite"]')
    // What the first load brings is not news; the region is there, empty, before anything arrives.
    expect(live.text()).toBe('')
    await server.stream.open()
    expect(live.text()).toBe('')

    await server.stream.push('message', message({}))
    expect(wrapper.get('[aria-live="polite"]').element).toBe(live.element)
    expect(live.text()).toBe('New SMS to +447700900001, PIN 1234.')

    await server.stream.push(
      'message',
      message({
        id: 'm2',
        channel: 'tts',
        text: 'Your Acme code is 1, 2, 3, 4.',
        sent_at: '2026-11-25T20:03:00.000Z',
      }),
    )
    expect(live.text()).toBe('New voice call to +447700900001, PIN 1234.')
  })

  it('does not read out the messages the page loads when it opens', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.findAll('[data-testid="pin"]')).toHaveLength(1)
    expect(wrapper.get('[aria-live="polite"]').text()).toBe('')
  })

  it('keeps a message and a request that arrive while the page is still loading', async () => {
    const answer = deferred<Response>()
    const answerAgain = deferred<Response>()
    server.on('GET', MESSAGES, heldUntil(answer.promise), heldUntil(answerAgain.promise))
    const { wrapper } = await mountView()
    await server.stream.open()
    // The stream is quicker than the load: its answer was read before these were sent.
    const m3 = message({ id: 'm3', pin: '5678', sent_at: '2026-11-25T20:05:00.000Z' })
    await server.stream.push('message', m3)
    await server.stream.push('request', request({}))
    // The load the open asks for once this one is done: its reads go out after these were sent.
    server.on('GET', REQUESTS, requestsAnswer([request({})]))
    answer.resolve(messagesAnswer([message({})]))
    await flushPromises()
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['5678', '1234'])
    expect(wrapper.text()).toContain('Their App')
    answerAgain.resolve(messagesAnswer([m3, message({})]))
    await flushPromises()
    expect(wrapper.findAll('[data-testid="pin"]').map((p) => p.text())).toEqual(['5678', '1234'])
    expect(wrapper.text()).toContain('Their App')
  })

  it('lists a request made by another client and adds it to history from the handset', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.text()).toContain('None: every sandbox request is already in your history.')

    await server.stream.open()
    await server.stream.push('request', request({}))
    const add = wrapper.get('button[aria-label="Add to history: request to +447700900002"]')
    await add.trigger('click')
    await eventually(() =>
      expect(useRequestsStore().byId(ID_B)).toMatchObject({
        request_id: ID_B,
        environment: 'sandbox',
        number: '447700900002',
        brand: 'Their App',
        status: 'IN PROGRESS',
        source: 'handset',
        createdAt: Date.parse('2026-11-25T20:01:00.000Z'),
      }),
    )
  })

  it('does not list requests that are already in history', async () => {
    server.on('GET', REQUESTS, requestsAnswer([request({ request_id: ID_A })]))
    const { wrapper } = await mountView()
    expect(wrapper.find('button[aria-label^="Add request"]').exists()).toBe(false)
  })

  it('says what to do when there are no messages yet', async () => {
    server.on('GET', MESSAGES, messagesAnswer([]))
    const { wrapper } = await mountView()
    expect(wrapper.get('.empty').text()).toContain('Start a verification')
  })

  it('shows a failed load in place and loads again on "Try again"', async () => {
    server.on(
      'GET',
      MESSAGES,
      noAnswer('connection refused'),
      messagesAnswer([
        message({}),
        message({
          id: 'm2',
          number: '447700900003',
          text: 'Your Acme PIN is: 9999.',
          pin: '9999',
          sent_at: '2026-11-25T19:00:00.000Z',
        }),
      ]),
    )
    const { wrapper } = await mountView()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toContain(
      'The sandbox could not be read: No answer: the connection to the server failed or was lost (connection refused).',
    )
    await alert.get('button').trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('1234')
  })

  it('says live updates wait for the access token when the server refuses it, not that the connection is lost', async () => {
    const { wrapper } = await mountView()
    const connection = wrapper.get('.handset-view__connection')
    await server.stream.refuse()
    await eventually(() =>
      expect(connection.text()).toBe(
        'Live updates wait for the access token: they resume once it is entered.',
      ),
    )
    expect(connection.text()).not.toContain('paused')
  })

  it('says live updates are paused when the stream drops, not that the server is lost', async () => {
    const { wrapper } = await mountView()
    const connection = wrapper.get('.handset-view__connection')
    await server.stream.open()
    await eventually(() =>
      expect(connection.text()).toBe('Live: new messages appear as they are sent.'),
    )
    await server.stream.drop()
    await eventually(() => expect(connection.text()).toBe('Live updates paused, reconnecting…'))
  })

  it('closes the stream when the page is left', async () => {
    const { wrapper } = await mountView()
    await eventually(() => expect(server.stream.active).toBe(1))
    wrapper.unmount()
    await flushPromises()
    expect(server.stream.active).toBe(0)
  })
})

describe('HandsetView: language and focus', () => {
  it('marks each message with the language it is written in', async () => {
    server.on(
      'GET',
      MESSAGES,
      messagesAnswer([
        message({ lg: 'de-de', language: 'de', text: 'Ihr Acme Code lautet 1234.' }),
      ]),
    )
    const { wrapper } = await mountView()
    expect(wrapper.get('.handset-message__bubble').attributes('lang')).toBe('de-DE')
    wrapper.unmount()
  })

  it("shows each message's lg, so Spanish for Spain and for Mexico tell apart", async () => {
    server.on(
      'GET',
      MESSAGES,
      messagesAnswer([
        message({ id: 'm2', event_id: 'm2', lg: 'es-mx', language: 'es', text: 'Tu PIN: 1234.' }),
        message({ lg: 'es-es', language: 'es', text: 'Su PIN: 1234.' }),
      ]),
    )
    const { wrapper } = await mountView()
    const shown = wrapper.findAll('article.handset-message').map((m) => ({
      meta: m.get('.handset-message__meta').text(),
      lg: m.get('[data-testid="message-lg"]').text(),
      lang: m.get('.handset-message__bubble').attributes('lang'),
    }))
    expect(shown).toEqual([
      { meta: expect.stringContaining('es-mx'), lg: 'language es-mx', lang: 'es-MX' },
      { meta: expect.stringContaining('es-es'), lg: 'language es-es', lang: 'es-ES' },
    ])
    // The lg sits in the meta line, between the sender and the time.
    expect(shown[0]!.meta).toMatch(/^SMS\s*from VERIFY\s*language es-mx\s*\S/)
    wrapper.unmount()
  })

  it('keeps the focus in the list as requests are added to history', async () => {
    const ID_C = 'c'.repeat(32)
    const b = request({})
    const c = request({ request_id: ID_C, normalized_number: '447700900004' })
    server.on('GET', REQUESTS, requestsAnswer([b, c]))
    // Each addition to history is held until the test lets it go on (`added`), to see the page
    // while it is on its way; the page's list follows history.
    const history = useRequestsStore()
    const write = history.upsert
    let added!: () => Promise<void>
    const upsert = vi.spyOn(history, 'upsert').mockImplementation(
      (patch) =>
        new Promise((resolve, reject) => {
          added = async () => {
            await write(patch).then(resolve, reject)
            await flushPromises()
          }
        }),
    )
    const { wrapper } = await mountView({ attach: true })
    const addB = wrapper.get('button[aria-label="Add to history: request to +447700900002"]')
    ;(addB.element as HTMLButtonElement).focus()
    await addB.trigger('click')
    await flushPromises()
    // Being added: off, yet still focused.
    expect(addB.attributes('aria-disabled')).toBe('true')
    expect(document.activeElement).toBe(addB.element)
    await addB.trigger('click')
    expect(upsert).toHaveBeenCalledTimes(1)
    await added()
    await flushPromises()
    const addC = wrapper.get('button[aria-label="Add to history: request to +447700900004"]')
    expect(
      wrapper.find('button[aria-label="Add to history: request to +447700900002"]').exists(),
    ).toBe(false)
    expect(document.activeElement).toBe(addC.element)

    await addC.trigger('click')
    await flushPromises()
    await added()
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('#other-requests-none').element)
    wrapper.unmount()
  })
})

describe('HandsetView: PINs that can no longer be checked', () => {
  it('marks a message whose PIN a newer event replaced, live, and offers "Enter PIN" only for the current one', async () => {
    server.on(
      'GET',
      MESSAGES,
      messagesAnswer([message({ id: 'm1', text: 'Your Acme PIN is: 9585.', pin: '9585' })]),
    )
    server.on(
      'GET',
      REQUESTS,
      requestsAnswer([
        request({ request_id: ID_A, normalized_number: '447700900001', pin: '9585' }),
      ]),
    )
    const { wrapper } = await mountView()
    expect(wrapper.find('a[aria-label="Enter PIN 9585 on its request"]').exists()).toBe(true)
    expect(wrapper.text()).not.toContain('replaced by a newer PIN')

    await server.stream.open()
    // The next event went out with a new PIN (e.g. "To the next event" on Controls).
    await server.stream.push(
      'request',
      request({ request_id: ID_A, normalized_number: '447700900001', pin: '8696' }),
    )
    await server.stream.push(
      'message',
      message({
        id: 'm2',
        text: 'Your Acme PIN is: 8696.',
        pin: '8696',
        sent_at: '2026-11-25T20:02:05.000Z',
      }),
    )
    const [newer, older] = wrapper.findAll('article')
    expect(newer!.find('a[aria-label="Enter PIN 8696 on its request"]').exists()).toBe(true)
    expect(newer!.text()).not.toContain('replaced')
    expect(older!.text()).toContain('replaced by a newer PIN: this one can no longer be checked.')
    expect(older!.find('a[aria-label^="Enter PIN"]').exists()).toBe(false)
    expect(wrapper.findAll('a[aria-label^="Enter PIN"]')).toHaveLength(1)
  })
})

describe("HandsetView: another account's requests", () => {
  const ID_P = 'p'.repeat(32)
  const theirs = () =>
    request({
      request_id: ID_P,
      account_id: 'sandboxpin',
      normalized_number: '447700900005',
      brand: 'Pin Client',
      pin: '4321',
    })

  it('shows them read-only, naming the account, and offers only its own for history', async () => {
    server.on(
      'GET',
      MESSAGES,
      messagesAnswer([
        message({
          id: 'm5',
          request_id: ID_P,
          account_id: 'sandboxpin',
          number: '447700900005',
          text: 'Your Pin Client PIN is: 4321.',
          pin: '4321',
        }),
      ]),
    )
    server.on('GET', REQUESTS, requestsAnswer([theirs(), request({})]))
    const { wrapper } = await mountView()
    const note =
      /sent for account sandbox-pin: the dashboard acts as account sandbox, so it cannot check or cancel it\./i

    const article = wrapper.get('article')
    expect(article.text()).toMatch(note)
    expect(article.find('a').exists()).toBe(false)
    expect(article.get('[data-testid="pin"]').text()).toBe('4321')

    const rows = wrapper.findAll('.other-requests > li')
    expect(rows).toHaveLength(2)
    const [theirsRow, oursRow] = rows
    expect(theirsRow!.text()).toContain('Pin Client')
    expect(theirsRow!.text()).toMatch(note)
    expect(theirsRow!.find('button').exists()).toBe(false)
    expect(oursRow!.text()).not.toContain('Sent for account')
    expect(
      oursRow!.find('button[aria-label="Add to history: request to +447700900002"]').exists(),
    ).toBe(true)
    expect(wrapper.findAll('.other-requests__add')).toHaveLength(1)
  })

  it('offers every request as before when the accounts cannot be read', async () => {
    server.on('GET', ACCOUNTS_PATH, noAnswer('connection refused'))
    server.on('GET', REQUESTS, requestsAnswer([theirs()]))
    const { wrapper } = await mountView()
    expect(
      wrapper.find('button[aria-label="Add to history: request to +447700900005"]').exists(),
    ).toBe(true)
    expect(wrapper.text()).not.toContain('Sent for account')
  })

  it('lists no request before it knows which account the dashboard acts as', async () => {
    const answer = deferred<Response>()
    server.on('GET', ACCOUNTS_PATH, heldUntil(answer.promise))
    server.on('GET', REQUESTS, requestsAnswer([theirs()]))
    const { wrapper } = await mountView()
    expect(wrapper.find('.other-requests__add').exists()).toBe(false)
    answer.resolve(json({ accounts: ACCOUNTS }))
    await flushPromises()
    expect(wrapper.text()).toContain('Sent for account sandbox-pin')
    expect(wrapper.find('.other-requests__add').exists()).toBe(false)
  })
})
