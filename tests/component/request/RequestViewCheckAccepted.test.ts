/**
 * A check answered status 0 is a success however little the answer says beyond its status: the
 * Node SDK declares `event_id`, `price` and `currency` optional, and an upstream may leave them out.
 * The page and History then say SUCCESS, the controls are off, and the change is said once, with
 * the answer, as for a complete answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { VerificationRequest } from '@contract/types'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import {
  formStartedEntry,
  mountOnAnyPath,
  searchAnswer,
  type StubUpstream,
  stubUpstream,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const ID = 'a'.repeat(32)
const SAID = 'Request …aaaaaa to +447700900123 is now verified (SUCCESS).'
let t0 = 0
let wrapper: VueWrapper | null = null
let upstream: StubUpstream

const text = (selector: string) => wrapper!.get(selector).text()

/** Search's answer for ID, `patch` applied; submitted at t0. */
function found(patch: Partial<VerificationRequest> = {}): () => [number, VerificationRequest] {
  const submitted = new Date(t0).toISOString().replace('T', ' ').slice(0, 19)
  const request = searchAnswer(ID, {
    date_submitted: submitted,
    first_event_date: submitted,
    last_event_date: submitted,
    events: [{ type: 'sms', id: 'e1' }],
    ...patch,
  })
  return () => [200, request]
}

/** A check answered with `body` (HTTP 200), as Vonage answers it. */
const checkAnswers = (body: unknown) => () => [200, body] as [number, unknown]

/** A live request started here, in history and in progress, with its page open. */
async function openLiveRequest(): Promise<ReturnType<typeof useRequestsStore>> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const requests = useRequestsStore()
  await requests.upsert(formStartedEntry(ID, t0))
  upstream.search = found()
  wrapper = await mountOnAnyPath(pinia, ID)
  await flushPromises()
  return requests
}

/** What the page says (its outcome and status regions), then the app's announcer. */
const said = () =>
  [
    text('[data-test="action-outcome-region"]'),
    text('[data-test="status-announcement"]'),
    ...useWatchStore().announcements.map((a) => a.message),
  ].filter(Boolean)

async function submitCode(code: string): Promise<void> {
  await wrapper!.get('#pin-code').setValue(code)
  await wrapper!.get('form.pin-entry').trigger('submit')
  await flushPromises()
}

beforeEach(async () => {
  localStorage.clear()
  t0 = Date.now() - 20_000
  // No check is expected until a test says how it is answered (a 500 until then).
  upstream = await stubUpstream('live', found())
})
afterEach(async () => {
  useWatchStore().stop()
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: a check answered status 0 without event_id', () => {
  it.each<[string, unknown]>([
    ['only a status', { status: '0' }],
    ['request_id, no event_id nor price', { request_id: ID, status: '0' }],
    [
      'null in place of the optional fields',
      { request_id: ID, status: '0', event_id: null, price: null, currency: null },
    ],
  ])(
    '%s: SUCCESS on the page and in History, controls off, while searches fail',
    async (_name, answer) => {
      const requests = await openLiveRequest()
      expect(text('[data-test="attempts-left"]')).toBe('3 attempts left for this PIN.')
      // The searches get no answer: the connection to the server fails.
      upstream.search = () => {
        throw new TypeError('Failed to fetch')
      }
      upstream.check = checkAnswers(answer)
      await submitCode('1234')
      expect(upstream.checksSent).toBe(1)

      expect(text('[data-test="action-outcome"]')).toContain(
        'Code accepted: the request is verified.',
      )
      expect(text('.summary')).toContain('SUCCESS')
      expect(text('.summary')).not.toContain('IN PROGRESS')
      expect(wrapper!.find('[data-test="attempts-left"]').exists()).toBe(false)
      expect(text('#pin-reason')).toBe('Check not possible: request already verified')
      expect((wrapper!.get('.pin-entry button').element as HTMLButtonElement).disabled).toBe(true)
      expect(text('#next-event-reason')).toContain('request already verified')
      expect(text('#cancel-reason')).toContain('request already verified')

      const stored = requests.byId(ID)!
      expect(stored.status).toBe('SUCCESS')
      expect(stored.lastSearch?.checks).toEqual([
        expect.objectContaining({ code: '$CODE', status: 'VALID' }),
      ])
      // Nothing the answer did not say is made up: the price is still what the search said.
      expect(stored.lastSearch?.checkEventId).toBeUndefined()
      expect(stored.lastSearch).toMatchObject({ price: '0', currency: 'EUR' })
    },
  )

  it('is said once, with its answer, when the next search finds the request verified', async () => {
    const requests = await openLiveRequest()
    const watch = useWatchStore()
    await watch.start()
    await flushPromises()
    const finalized = new Date(Date.now()).toISOString().replace('T', ' ').slice(0, 19)
    upstream.search = found({
      status: 'SUCCESS',
      date_finalized: finalized,
      price: '0.05000000',
      checks: [{ date_received: finalized, code: '1234', status: 'VALID', ip_address: '' }],
    })
    upstream.check = checkAnswers({ request_id: ID, status: '0' })
    await submitCode('1234')
    await flushPromises()

    expect(requests.byId(ID)?.status).toBe('SUCCESS')
    expect(said()).toEqual([`Code accepted: the request is verified. ${SAID}`])
  })

  it('is said the same way as a complete answer (with event_id and price)', async () => {
    await openLiveRequest()
    const watch = useWatchStore()
    await watch.start()
    await flushPromises()
    upstream.search = found({ status: 'SUCCESS' })
    upstream.check = checkAnswers({
      request_id: ID,
      event_id: 'e1',
      status: '0',
      price: '0.05000000',
      currency: 'EUR',
      estimated_price_messages_sent: '0.03330000',
    })
    await submitCode('1234')
    await flushPromises()
    expect(said()).toEqual([`Code accepted: the request is verified. ${SAID}`])
  })
})
