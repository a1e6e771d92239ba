import * as fakeIndexedDb from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, getActivePinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import type { VerificationRequest } from '@contract/types'
import type { CheckResponse } from '@contract/types'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { useWatchStore } from '@/stores/watch'
import { apiRequest, BACKGROUND_HEADER } from '@/api/client'
import RequestView from '@/views/RequestView.vue'
import { statusInfo } from '@contract/status'
import { parseCsv } from '../../unit/utils/csv-support'
import { longWait } from '../../unit/utils/admin-request-support'
import { adminRequest } from '../verify/support'
import {
  errorAnswer,
  heldUntil,
  json,
  noAnswer,
  useDeskServer,
  type DeskAnswer,
} from '../support/desk-server'
import {
  adminLookup,
  euros,
  formStartedEntry,
  mountOnAnyPath,
  mountRequestPage,
  NOT_FOUND,
  SEARCH_FAILS,
  searchAnswer as answerFor,
  serveRequest,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'
import { deferred } from '../../support/deferred'
import { eventually, EVENTUALLY_MS } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()
const ADMIN = 'sandbox/__admin/requests'
const CHECK = 'sandbox/verify/check/json'
const CONTROL = 'sandbox/verify/control/json'
const SEARCH = 'sandbox/verify/search/json'
const LIVE_CHECK = 'live/verify/check/json'
const LIVE_CONTROL = 'live/verify/control/json'
const LIVE_SEARCH = 'live/verify/search/json'

const ID = 'c'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
let served: ServedRequest

/** The bodies of the calls `method` `path` that reached the server, in order. */
const sent = (method: string, path: string) => server.callsTo(method, path).map((c) => c.body)

/** An answer held until the test gives it (`answer` with the body the server then answers). */
function held(): { answer: DeskAnswer; give: (body: unknown) => void } {
  const answer = deferred<Response>()
  return { answer: heldUntil(answer.promise), give: (body) => answer.resolve(json(body)) }
}

/** A read of the request held until the test answers it with what the sandbox then held. */
function heldRead(): { answer: DeskAnswer; give: (admin: AdminRequest | null) => void } {
  const admin = deferred<AdminRequest | null>()
  return {
    answer: (call) => admin.promise.then((value) => adminLookup(call, value)),
    give: admin.resolve,
  }
}

/** Status 16: the code checked is not the PIN. */
const WRONG_CODE = {
  request_id: ID,
  status: '16',
  error_text: 'The code provided does not match the expected value',
}

/** Status 17: the third wrong code, which ends the request. */
const TOO_MANY = {
  request_id: ID,
  status: '17',
  error_text: 'The wrong code was provided too many times',
}

/** The reads of the request get what the sandbox holds (`served.admin`). */
const readsAnswer = (): DeskAnswer => (call) => adminLookup(call, served.admin)

/** A search answer for ID, in progress unless `status` says otherwise. */
function searchAnswer(status: VerificationRequest['status'] = 'IN PROGRESS'): VerificationRequest {
  return answerFor(ID, { status })
}

async function mountRequest(admin: AdminRequest | null) {
  served.admin = admin
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await mountRequestPage(pinia, ID)
  return wrapper
}

/**
 * Mounts the page of the sandbox request `admin` history holds: its only calls are its reads of
 * the request from the sandbox's admin API, which the call log leaves out unless asked.
 */
async function mountKnownRequest(admin: AdminRequest) {
  served.admin = admin
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(startedEntry(ID, t0))
  wrapper = await mountRequestPage(pinia, ID)
  return wrapper
}

/**
 * Workflow 2 with a 15-minute wait: the PIN sent at the start expired 1 s ago (300 s), the next
 * message (with a new PIN) is 9 min 59 s away, the request still in progress.
 */
function mountWithPinExpired() {
  const sent = t0 - 291_000
  return mountRequest(adminRequest(ID, sent, longWait(sent)))
}

/** Mounts the page for ID with `pinia`, on a router where every path shows it. */
function mountAnyPath(pinia: Pinia): Promise<VueWrapper> {
  return mountOnAnyPath(pinia, ID)
}

/** A search answer for ID, submitted at t0 (in whole seconds, as the API's dates are). */
function submittedAtT0(patch: Partial<VerificationRequest> = {}): VerificationRequest {
  const submitted = new Date(t0).toISOString().replace('T', ' ').slice(0, 19)
  return { ...searchAnswer(), date_submitted: submitted, ...patch }
}

function tick(ms: number) {
  vi.advanceTimersByTime(ms)
  return flushPromises()
}

const text = (selector: string) => wrapper!.get(selector).text()
const reason = (id: string) =>
  wrapper!.find(`#${id}-reason`).exists() ? text(`#${id}-reason`) : ''

/** The request changes in the sandbox: its event stream says so. */
async function pushed(admin: AdminRequest): Promise<void> {
  served.admin = admin
  await server.stream.push('request', admin)
}

beforeEach(() => {
  localStorage.clear()
  // The clock only moves forward: Vue ignores DOM events that look older than their listener.
  t0 = Date.now()
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
  vi.setSystemTime(t0 + 10_000)
  served = serveRequest(server, ID, t0)
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

describe('request page: countdowns and disabled reasons', () => {
  it('counts down to cancel, the next event and PIN expiry, and enables cancel after 30 s', async () => {
    await mountRequest(adminRequest(ID, t0))
    expect(text('.summary')).toContain('IN PROGRESS')
    expect(text('[data-test="status-next-step"]')).toContain('Next: Enter the code')
    const cancel = wrapper!.get('#cancel')
    expect((cancel.element as HTMLButtonElement).disabled).toBe(true)
    expect(reason('cancel')).toBe('cancel possible in 20 s')
    expect(cancel.attributes('aria-describedby')).toBe('cancel-reason')
    expect(text('[data-test="countdown-next"]')).toContain('in 1 min 55 s')
    expect(text('[data-test="countdown-pin"]')).toContain('in 4 min 50 s')
    expect(text('[data-test="countdown-cancel"]')).toContain('possible in 20 s')

    await tick(8_000)
    expect(reason('cancel')).toBe('cancel possible in 12 s')
    await tick(12_000)
    expect((cancel.element as HTMLButtonElement).disabled).toBe(false)
    expect(reason('cancel')).toBe('')
    expect(text('[data-test="countdown-cancel"]')).toContain('possible now')
    expect(text('[data-test="countdown-next"]')).toContain('in 1 min 35 s')
    expect((wrapper!.get('#next-event').element as HTMLButtonElement).disabled).toBe(false)
  })

  it('says why cancel is gone once a second message or call went out', async () => {
    const admin = adminRequest(ID, t0 - 200_000)
    admin.events.push({
      id: 'e2',
      type: 'tts',
      index: 1,
      sent_at: new Date(t0 - 75_000).toISOString(),
      new_pin: false,
      price: '0.02',
    })
    await mountRequest(admin)
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(true)
    expect(reason('cancel')).toBe(
      'cancel no longer possible: a second message or call has gone out',
    )
  })

  it('says the other buttons wait while a cancel is on its way', async () => {
    const cancel = held()
    server.on('POST', CONTROL, cancel.answer)
    await mountRequest(adminRequest(ID, t0 - 40_000))
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(false)
    await wrapper!.get('#cancel').trigger('click')
    await flushPromises()
    expect(wrapper!.get('#cancel').attributes('aria-busy')).toBe('true')
    // Off for the time being, yet focusable (a disabled button would drop the focus): clicks and
    // submits do nothing.
    const next = wrapper!.get('#next-event')
    expect(next.attributes('aria-disabled')).toBe('true')
    expect(wrapper!.get('#cancel').attributes('aria-disabled')).toBe('true')
    expect(reason('next-event')).toBe('waiting for the cancel to finish')
    await next.trigger('click')
    await wrapper!.get('#cancel').trigger('click')
    expect(wrapper!.get('.pin-entry button').attributes('aria-disabled')).toBe('true')
    expect(text('#pin-reason')).toBe('Check not possible: waiting for the cancel to finish')
    await wrapper!.get('#pin-code').setValue('1234')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await wrapper!.get('.pin-entry button').trigger('click')
    await flushPromises()
    // The cancel alone reached the server: no check, no next event.
    expect(sent('POST', CHECK)).toEqual([])
    expect(sent('POST', CONTROL)).toEqual([{ request_id: ID, cmd: 'cancel' }])

    served.admin = adminRequest(ID, t0 - 40_000, {
      status: 'CANCELLED',
      finalized_at: new Date(t0).toISOString(),
    })
    cancel.give({ status: '0', command: 'cancel' })
    await flushPromises()
    expect(reason('next-event')).toBe('request already cancelled')
  })

  it('says "no events left" when the workflow has sent everything', async () => {
    await mountRequest(adminRequest(ID, t0 - 60_000, { workflow_id: 6, next_event_at: null }))
    expect((wrapper!.get('#next-event').element as HTMLButtonElement).disabled).toBe(true)
    expect(reason('next-event')).toBe('no events left')
    expect(text('[data-test="countdown-next"]')).toContain('no events left')
  })

  it('says "request already verified" on every action once verified', async () => {
    await mountRequest(
      adminRequest(ID, t0 - 60_000, {
        status: 'SUCCESS',
        finalized_at: new Date(t0).toISOString(),
        price: '0.05',
      }),
    )
    expect(reason('cancel')).toBe('request already verified')
    expect(text('[data-test="status-next-step"]')).toBe(
      'Next: Nothing left to do: the number is verified.',
    )
    expect(reason('next-event')).toBe('request already verified')
    expect(text('#pin-reason')).toContain('request already verified')
    expect((wrapper!.get('.pin-entry button').element as HTMLButtonElement).disabled).toBe(true)
    expect(text('.summary')).toContain(euros(0.05))
    expect(wrapper!.get('.summary [title="0.05 EUR"]').text()).toBe(euros(0.05))
    expect(wrapper!.findAll('[data-test="timeline-item"]').at(-1)?.text()).toContain('Verified')
  })
})

describe('request page: PIN entry', () => {
  it('warns by the field, once the PIN has expired, that a code checked now uses up an attempt', async () => {
    await mountWithPinExpired()
    expect(text('[data-test="countdown-pin"]')).toContain('expired')
    expect(text('[data-test="pin-entry-expired"]')).toBe(
      'The PIN has expired: a code checked now, even this PIN, is answered as a wrong code (status 16) and uses up an attempt. Next: wait for the next message or call (in 9 min 59 s), which brings a new PIN, or trigger the next event now.',
    )
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')?.split(' ')).toContain(
      'pin-expired',
    )
    // Said once on the page: by the field, not again among the countdowns.
    expect(wrapper!.text().split('The PIN has expired').length - 1).toBe(1)
  })

  it('shows the attempts left for the current PIN', async () => {
    await mountRequest(adminRequest(ID, t0, { attempts_left: 3 }))
    expect(text('[data-test="attempts-left"]')).toBe('3 attempts left for this PIN.')
    wrapper!.unmount()
    await useRequestsStore().dispose()
    await mountRequest(adminRequest(ID, t0, { attempts_left: 1 }))
    expect(text('[data-test="attempts-left"]')).toBe(
      '1 attempt left: a wrong code now ends the request (FAILED).',
    )
  })

  it('sends a code exactly once however often it is submitted, then explains the answer', async () => {
    const check = held()
    server.on('POST', CHECK, check.answer)
    await mountRequest(adminRequest(ID, t0))
    await wrapper!.get('#pin-code').setValue('1234')
    const form = wrapper!.get('form.pin-entry')
    await form.trigger('submit')
    await form.trigger('submit')
    await wrapper!.get('.pin-entry button').trigger('click')
    await flushPromises()
    expect(sent('POST', CHECK)).toEqual([{ request_id: ID, code: '1234' }])
    expect(wrapper!.get('.pin-entry button').attributes('aria-busy')).toBe('true')

    served.admin = adminRequest(ID, t0, { attempts_left: 2 })
    check.give({
      request_id: ID,
      status: '16',
      error_text: 'The code provided does not match the expected value',
    })
    await flushPromises()
    expect(text('[data-test="action-outcome"]')).toContain('Status 16: Wrong code.')
    expect(text('[data-test="action-outcome"]')).toContain('the third wrong code ends the request')
    expect(text('[data-test="attempts-left"]')).toBe('2 attempts left for this PIN.')
    expect(server.callsTo('POST', CHECK)).toHaveLength(1)
  })

  it('checks the typed code before sending anything', async () => {
    await mountRequest(adminRequest(ID, t0))
    await wrapper!.get('#pin-code').setValue('12ab')
    await wrapper!.get('form.pin-entry').trigger('submit')
    expect(text('#pin-error')).toBe('The code has digits only.')
    await wrapper!.get('#pin-code').setValue('12')
    expect(text('#pin-error')).toBe('The code has at least 4 digits.')
    expect(wrapper!.get('#pin-code').attributes('aria-invalid')).toBe('true')
    expect(sent('POST', CHECK)).toEqual([])
  })

  it("sends a code of another length than the request's PIN, with a note that does not block", async () => {
    // A test number's fixed PIN (123456) on a 4-digit request, then a 5-digit wrong code.
    server.on('POST', CHECK, json(WRONG_CODE))
    await mountRequest(adminRequest(ID, t0, { code_length: 4, pin: '1234' }))
    const field = wrapper!.get('#pin-code')
    await field.setValue('123456')
    expect(text('[data-test="pin-length-hint"]')).toBe(
      "This request's PIN has 4 digits: a code of 6 digits is checked as a wrong code, unless it is a test number's fixed PIN.",
    )
    expect(field.attributes('aria-describedby')).toContain('pin-length-hint')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(wrapper!.find('#pin-error').exists()).toBe(false)
    expect(sent('POST', CHECK)).toEqual([{ request_id: ID, code: '123456' }])

    await field.setValue('12345')
    expect(text('[data-test="pin-length-hint"]')).toContain('a code of 5 digits')
    await field.setValue('1234')
    expect(wrapper!.find('[data-test="pin-length-hint"]').exists()).toBe(false)
  })
})

describe('request page: a check without a usable answer', () => {
  const MAY_HAVE_RUN =
    ' The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.'

  /**
   * The check of a live request started here gets `answer`; the searches after it get `searches`
   * when given.
   */
  async function checkWith(answer: Response, searches?: Response) {
    server.on('POST', LIVE_CHECK, answer)
    await mountLiveStarted()
    if (searches) server.on('GET', LIVE_SEARCH, searches)
    // A moment after the page's first search: that search knows nothing of the check.
    await tick(1_000)
    await wrapper!.get('#pin-code').setValue('1234')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    return {
      outcome: text('[data-test="action-outcome"]'),
      code: (wrapper!.get('#pin-code').element as HTMLInputElement).value,
    }
  }

  it('504: names the failure, says the code may have been checked, and clears it', async () => {
    const { outcome, code } = await checkWith(
      errorAnswer(
        504,
        'upstream_timeout',
        `The Vonage API (https://api.nexmo.com) did not answer within 15 s.${MAY_HAVE_RUN}`,
        { delivery: 'maybe' },
      ),
      // Vonage still does not answer: no search after it settles whether the check went through.
      json(SEARCH_FAILS[1], SEARCH_FAILS[0]),
    )
    expect(outcome).toMatch(/^No answer from Vonage \(HTTP 504\)\. /)
    expect(outcome).not.toContain('Status')
    expect(outcome).toContain(
      'Next: The code may have been checked: refresh the request and look at its status before entering the code again.',
    )
    expect(code).toBe('')
  })

  it('queue_full: nothing was sent; the typed code is kept to send again', async () => {
    const { outcome, code } = await checkWith(
      json(
        {
          error: {
            code: 'queue_full',
            message:
              'Too many calls are already waiting for the Vonage API rate limit on this server: this call was NOT sent. Wait a few seconds and try again.',
            delivery: 'not_sent',
          },
        },
        503,
        { 'Retry-After': '1' },
      ),
    )
    expect(outcome).toMatch(/^The server is busy \(HTTP 503\)\. /)
    expect(outcome).toContain('Next: Nothing was sent. Wait 1 s, then check the code again.')
    expect(code).toBe('1234')
  })

  it('Vonage not reached ("Nothing was sent"): the typed code is kept', async () => {
    const { outcome, code } = await checkWith(
      errorAnswer(
        502,
        'upstream_unreachable',
        "The Vonage API (https://api.nexmo.com) could not be reached (ECONNREFUSED). Nothing was sent. If it persists, check the server's network connection and its VONAGE_API_HOST setting.",
        { delivery: 'not_sent' },
      ),
    )
    expect(outcome).toMatch(/^Vonage could not be reached \(HTTP 502\)\. /)
    expect(outcome).toContain('Next: Nothing was sent: check the code again;')
    expect(code).toBe('1234')
  })

  it('status 1 (throttled): said once, and the typed code is kept', async () => {
    const { outcome, code } = await checkWith(
      json({ request_id: ID, status: '1', error_text: 'Throttled' }),
    )
    expect(outcome).toMatch(/^Status 1: Throttled\. Next: /)
    expect(outcome.match(/Throttled/g)).toHaveLength(1)
    expect(code).toBe('1234')
  })

  it('status 16 (wrong code) clears the typed code', async () => {
    const { code } = await checkWith(json(WRONG_CODE))
    expect(code).toBe('')
  })

  it('status 16 once the PIN has expired: says to wait for a new PIN, not to enter the code again', async () => {
    server.on('POST', CHECK, json(WRONG_CODE))
    await mountWithPinExpired()
    await wrapper!.get('#pin-code').setValue('1234')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    const outcome = text('[data-test="action-outcome"]')
    expect(outcome).toMatch(/^Status 16: /)
    expect(outcome).toContain(
      'Next: The PIN had expired, so no code can match it: wait for the next message or call, which brings a new PIN, or trigger the next event now.',
    )
    expect(outcome).not.toContain('Enter the code again')
    // The clock moving on says nothing new.
    await tick(2_000)
    expect(text('[data-test="action-outcome"]')).toBe(outcome)
  })

  it('keeps a next code typed while the wrong one was being checked', async () => {
    const check = held()
    server.on('POST', CHECK, check.answer)
    await mountRequest(adminRequest(ID, t0))
    await wrapper!.get('#pin-code').setValue('1234')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await wrapper!.get('#pin-code').setValue('5678')
    check.give(WRONG_CODE)
    await flushPromises()
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).value).toBe('5678')
  })
})

describe('request page: a sandbox reset', () => {
  it('says at once that the request is gone, stops its countdowns and disables every action', async () => {
    served.clock = { now: '', now_ms: t0 + 150_000, offset_ms: 150_000, next_due_at: null }
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    expect(wrapper!.find('[data-test="countdown-cancel"]').exists()).toBe(true)
    // The reload after the reset: the sandbox no longer knows the request.
    const reload = heldRead()
    server.on('GET', ADMIN, reload.answer)
    server.on('GET', SEARCH, json(NOT_FOUND))
    const searchesBefore = server.callsTo('GET', SEARCH).length
    await server.stream.push('reset', { at: new Date(t0 + 10_000).toISOString() })

    // Before the reload is answered.
    expect(text('[data-test="request-gone"]')).toContain(
      'The sandbox was reset: this request no longer exists.',
    )
    expect(wrapper!.get('[data-test="request-gone"]').attributes('role')).toBe('status')
    const gone = 'the request no longer exists in the sandbox'
    expect(reason('cancel')).toBe(gone)
    expect(reason('next-event')).toBe(gone)
    expect(text('#pin-reason')).toBe(`Check not possible: ${gone}`)
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(true)
    expect((wrapper!.get('#next-event').element as HTMLButtonElement).disabled).toBe(true)
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).disabled).toBe(true)
    for (const countdown of ['cancel', 'next', 'pin']) {
      expect(wrapper!.find(`[data-test="countdown-${countdown}"]`).exists()).toBe(false)
    }
    // Its status in progress is no longer true: not shown; the card names the number.
    expect(wrapper!.find('.summary').exists()).toBe(false)
    expect(text('[data-test="request-gone"]')).toContain(
      'Next: start a new verification to +447700900123.',
    )
    expect(document.title).toBe('Request …cccccc Not found · Verify Desk')

    reload.give(null)
    await tick(60_000)
    // Final: the reload's 101 does not bring back "has just finished", nor the countdowns.
    expect(text('[data-test="request-gone"]')).toContain('The sandbox was reset')
    expect(wrapper!.find('[data-test="search-not-found"]').exists()).toBe(false)
    expect(wrapper!.text()).not.toContain('can take up to a minute')
    expect(wrapper!.find('[data-test="countdown-cancel"]').exists()).toBe(false)
    expect(reason('cancel')).toBe(gone)
    // A background reload: it never takes a fault injected into the sandbox.
    const reloads = server.callsTo('GET', SEARCH).slice(searchesBefore)
    expect(reloads.map((c) => [c.query, c.headers.get(BACKGROUND_HEADER)])).toContainEqual([
      { request_id: ID },
      '1',
    ])
  })

  it('says a sandbox request history holds is gone when the sandbox does not know it', async () => {
    await mountRequest(adminRequest(ID, t0))
    wrapper!.unmount()
    server.on('GET', SEARCH, json(NOT_FOUND))
    const pinia = getActivePinia()!
    served.admin = null
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    expect(text('[data-test="request-gone"]')).toContain(
      'The sandbox does not know this request any more',
    )
    expect(reason('cancel')).toBe('the request no longer exists in the sandbox')
    expect(wrapper!.find('[data-test="search-not-found"]').exists()).toBe(false)
  })

  it('shows what history knows of a finished request the sandbox no longer holds', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const requests = useRequestsStore()
    await requests.ready
    const submitted = new Date(t0).toISOString().replace('T', ' ').slice(0, 19)
    const expired = new Date(t0 + 300_000).toISOString().replace('T', ' ').slice(0, 19)
    await requests.upsert({
      request_id: ID,
      environment: 'sandbox',
      number: '447700900123',
      brand: 'Café 🚀',
      status: 'EXPIRED',
      source: 'started',
      lastSearch: {
        events: [{ type: 'sms', id: 'e1' }],
        checks: [],
        price: '0.10000000',
        currency: 'EUR',
        estimatedPrice: '',
        accountId: 'sandbox',
        senderId: 'verify',
        dateSubmitted: submitted,
        dateFinalized: expired,
        firstEventDate: submitted,
        lastEventDate: submitted,
        fetchedAt: t0 + 300_000,
      },
    })
    server.on('GET', SEARCH, json(NOT_FOUND))
    served.admin = null
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    expect(text('[data-test="request-gone"]')).toContain(
      'The sandbox does not know this request any more',
    )
    expect(text('[data-test="request-gone"]')).toContain('This page shows what history last knew.')
    const summary = text('.summary')
    for (const part of ['447700900123', 'Café 🚀', 'EXPIRED']) expect(summary).toContain(part)
    expect(wrapper!.findAll('[data-test="timeline-item"]').length).toBeGreaterThan(0)
    // Read-only: every action is off.
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(true)
    expect((wrapper!.get('#next-event').element as HTMLButtonElement).disabled).toBe(true)
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).disabled).toBe(true)
  })

  it('comes back if the request is in the sandbox after all', async () => {
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    served.admin = null
    server.on('GET', SEARCH, json(NOT_FOUND))
    await server.stream.push('reset', { at: new Date(t0 + 10_000).toISOString() })
    expect(wrapper!.find('[data-test="request-gone"]').exists()).toBe(true)
    await pushed(adminRequest(ID, t0))
    expect(wrapper!.find('[data-test="request-gone"]').exists()).toBe(false)
    expect(text('.summary')).toContain('IN PROGRESS')
  })
})

describe('request page: live status and loading', () => {
  it('leaves a change of a request in history to the app announcer: said once', async () => {
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    expect(useRequestsStore().byId(ID)).toBeDefined()
    await pushed(
      adminRequest(ID, t0, {
        status: 'EXPIRED',
        finalized_at: new Date(t0 + 5_000).toISOString(),
      }),
    )
    expect(text('.summary')).toContain('EXPIRED')
    // The app's announcer says "Request …cccccc to +447700900123 is now expired (EXPIRED)."
    expect(text('[data-test="status-announcement"]')).toBe('')
  })

  it('announces a status change pushed by the sandbox event stream for a request not in history', async () => {
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    await useRequestsStore().remove(ID)
    await pushed(
      adminRequest(ID, t0, {
        status: 'SUCCESS',
        finalized_at: new Date(t0 + 5_000).toISOString(),
      }),
    )
    expect(text('[data-test="status-announcement"]')).toBe(
      'Request …cccccc to +447700900123 is now verified (SUCCESS).',
    )
    expect(wrapper!.get('[data-test="status-announcement"]').attributes('aria-live')).toBe('polite')
    expect(text('.summary')).toContain('SUCCESS')
  })

  it('names the request and its status in the tab title, as the status changes', async () => {
    await mountRequest(adminRequest(ID, t0))
    expect(document.title).toBe('Request …cccccc IN PROGRESS · Verify Desk')
    await server.stream.open()
    await pushed(
      adminRequest(ID, t0, {
        status: 'SUCCESS',
        finalized_at: new Date(t0 + 5_000).toISOString(),
      }),
    )
    expect(document.title).toBe('Request …cccccc SUCCESS · Verify Desk')
  })

  it('shows a loading state, then the 101 explanation for an id nobody knows', async () => {
    const read = heldRead()
    server.on('GET', ADMIN, read.answer)
    server.on('GET', SEARCH, json(NOT_FOUND))
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    expect(wrapper.text()).toContain('Loading the request…')
    read.give(null)
    await flushPromises()
    expect(wrapper.text()).toContain('Status 101: No request found')
    expect(wrapper.text()).toContain('Next: Check the request_id and the environment')
    expect(wrapper.text()).toContain('can take up to a minute to appear in search')
  })

  it('lists the calls about the request with a Vonage-style curl command', async () => {
    await mountKnownRequest(adminRequest(ID, t0))
    useCallsStore().record({
      id: 1,
      key: 'test-1',
      method: 'POST',
      path: 'sandbox/verify/control/json',
      query: {},
      body: { request_id: ID, cmd: 'trigger_next_event' },
      startedAt: t0,
      durationMs: 12,
      httpStatus: 200,
      response: { status: '0', command: 'trigger_next_event' },
      error: null,
    })
    await flushPromises()
    const call = wrapper!.get('.call')
    expect(call.text()).toContain('POST /verify/control/json')
    expect(call.text()).toContain('status 0')
    expect(call.text()).toContain('-d "api_key=$VONAGE_API_KEY"')
    expect(call.text()).toContain(`-d "request_id=${ID}"`)
    expect(call.find('time').attributes('title')).toMatch(/UTC$/)
  })

  it("shows the request's own status for a history search of several ids", async () => {
    await mountKnownRequest(adminRequest(ID, t0))
    const other = 'd'.repeat(32)
    useCallsStore().record({
      id: 2,
      key: 'test-2',
      method: 'GET',
      path: 'sandbox/verify/search/json',
      query: { request_ids: [other, ID] },
      body: null,
      startedAt: t0,
      durationMs: 12,
      httpStatus: 200,
      response: {
        verification_requests: [
          { ...searchAnswer(), request_id: other },
          { ...searchAnswer('EXPIRED'), request_id: ID },
        ],
      },
      error: null,
    })
    await flushPromises()
    expect(wrapper!.get('.call summary').text().replace(/\s+/g, ' ')).toContain(
      '→ 200 · status EXPIRED',
    )
  })
})

describe('request page: a history entry deleted while the page is open', () => {
  it.each(['live', 'sandbox'] as const)(
    'stays deleted when the %s page refreshes',
    async (environment) => {
      const pinia = createPinia()
      setActivePinia(pinia)
      const requests = useRequestsStore()
      await requests.upsert(formStartedEntry(ID, t0, { environment }))
      // The sandbox has moved on: a refresh would update the entry if it were still there.
      served.admin = adminRequest(ID, t0, {
        status: 'SUCCESS',
        finalized_at: new Date(t0 + 5_000).toISOString(),
      })
      wrapper = await mountAnyPath(pinia)
      await flushPromises()
      await requests.remove(ID)
      const refresh = wrapper.findAll('.toolbar button').find((b) => b.text() === 'Refresh')
      await refresh!.trigger('click')
      await flushPromises()
      expect(requests.byId(ID)).toBeUndefined()
    },
  )
})

describe('request page: live (no admin API, times from search and the parameters sent)', () => {
  it('searches live for a request started there and estimates its countdowns', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const requests = useRequestsStore()
    await requests.upsert({
      request_id: ID,
      environment: 'live',
      kind: 'request',
      number: '447700900123',
      brand: 'Acme',
      params: { number: '447700900123', brand: 'Acme', workflow_id: '4' },
      status: 'IN PROGRESS',
      createdAt: t0,
      source: 'started',
    })
    const found = submittedAtT0({ events: [{ type: 'sms', id: 'e1' }] })
    const { date_submitted: submitted } = found
    server.on(
      'GET',
      LIVE_SEARCH,
      json({ ...found, first_event_date: submitted, last_event_date: submitted }),
    )
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    // Searched on live, as the user's own read (not a background one); the sandbox not asked.
    const searches = server.callsTo('GET', LIVE_SEARCH)
    expect(searches.map((c) => [c.query, c.headers.get(BACKGROUND_HEADER)])).toContainEqual([
      { request_id: ID },
      null,
    ])
    expect(server.callsTo('GET', SEARCH)).toEqual([])
    expect(server.callsTo('GET', ADMIN)).toEqual([])
    expect(text('.summary')).toContain('Live')
    // Workflow 4: SMS, 120 s, SMS. t0 was 10 s ago (whole seconds in the API's dates).
    expect(text('[data-test="countdown-next"]')).toContain('in 1 min 50 s')
    expect(wrapper.text()).toContain("Times are estimated from the workflow's schedule.")
    expect(wrapper.findAll('[data-test="timeline-item"]').map((i) => i.text())).toHaveLength(2)
  })
})

describe('request page: a live request started elsewhere', () => {
  it('says its countdowns assume workflow 1, since its parameters are not known', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useRequestsStore().upsert({
      request_id: ID,
      environment: 'live',
      status: 'IN PROGRESS',
      createdAt: t0,
      source: 'looked-up',
    })
    server.on('GET', LIVE_SEARCH, json(submittedAtT0({ events: [{ type: 'sms', id: 'e1' }] })))
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    expect(text('[data-test="countdown-estimated"]')).toContain(
      'assuming workflow 1 with its default waits',
    )
    expect(text('.summary')).toContain('not known (1: SMS → TTS → TTS assumed)')
    // Workflow 1 waits 125 s after its SMS; t0 was 10 s ago.
    expect(text('[data-test="countdown-next"]')).toContain('in 1 min 55 s')
  })
})

describe('request page: the call log survives a reload', () => {
  // History in IndexedDB here (the other tests keep it in memory): a "reload" keeps the database.
  beforeEach(() => {
    const classes = Object.entries(fakeIndexedDb).filter(([name]) => name.startsWith('IDB'))
    Object.assign(globalThis, Object.fromEntries(classes), {
      indexedDB: new fakeIndexedDb.IDBFactory(),
    })
  })
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'indexedDB')
  })

  /**
   * The call the earlier page made (a POST; the page's own reads are GETs) as the log lists it,
   * once IndexedDB (timer-driven in the fake) has read it back: on a busy machine that takes more
   * than Vitest's default second.
   */
  function shownCall() {
    return vi.waitFor(
      async () => {
        await flushPromises()
        const call = wrapper!.findAll('.call').find((c) => c.text().includes('POST /verify/'))
        expect(call, 'the call made before the reload is listed').toBeDefined()
        return call!
      },
      { timeout: EVENTUALLY_MS },
    )
  }

  /** Makes one real client call (answered by the server) in a page that is then closed. */
  async function callInEarlierPage(environment: 'sandbox' | 'live', path: string, form: object) {
    server.on('POST', `${environment}/${path}`, json({ request_id: ID, status: '0' }))
    const pinia = createPinia()
    setActivePinia(pinia)
    const requests = useRequestsStore()
    await requests.upsert({
      request_id: ID,
      environment,
      number: '447700900123',
      status: 'IN PROGRESS',
      params: { number: '447700900123', brand: 'Acme', workflow_id: '1' },
      createdAt: t0,
      source: 'started',
    })
    await apiRequest('POST', `${environment}/${path}`, { form: form as Record<string, string> })
    await requests.flushCalls()
    await requests.dispose()
  }

  it('lists the calls made before the reload, with their curl command', async () => {
    await callInEarlierPage('sandbox', 'verify/control/json', { request_id: ID, cmd: 'cancel' })
    await mountRequest(adminRequest(ID, t0))
    const call = await shownCall()
    expect(call.text()).toContain('POST /verify/control/json')
    expect(call.text()).toContain('cmd=cancel')
    expect(call.text()).toContain('-d "cmd=cancel"')
    expect(wrapper!.text()).not.toContain('No call about this request is recorded yet')
  })

  it('shows a check the earlier page sent and never got an answer to as "may have reached the sandbox"', async () => {
    // The earlier page sent the check, then was reloaded before its answer arrived.
    const checkAnswer = held()
    server.on('POST', CHECK, checkAnswer.answer)
    const earlier = createPinia()
    setActivePinia(earlier)
    const requests = useRequestsStore()
    await requests.upsert(startedEntry(ID, t0))
    const check = apiRequest('POST', 'sandbox/verify/check/json', {
      form: { request_id: ID, code: '4321' },
    }).catch(() => undefined)
    await requests.flushCalls()
    await requests.dispose()

    await mountRequest(adminRequest(ID, t0))
    const call = await shownCall()
    expect(call.text()).toContain('POST /verify/check/json')
    expect(call.text()).toContain('→ no answer received — it may have reached the sandbox')
    expect(call.text()).toContain('No answer was recorded')
    expect(call.text()).not.toContain('waiting for the answer')
    expect(call.text()).toContain('-d "code=4321"')
    checkAnswer.give({})
    await check
  })

  it('shows a check on its way as waiting, then its answer in the same line', async () => {
    const checkAnswer = held()
    server.on('POST', CHECK, checkAnswer.answer)
    await mountRequest(adminRequest(ID, t0))
    const check = apiRequest('POST', 'sandbox/verify/check/json', {
      form: { request_id: ID, code: '4321' },
    })
    await flushPromises()
    expect(wrapper!.findAll('.call')).toHaveLength(1)
    expect(text('.call summary')).toContain('→ sent, waiting for the answer…')
    await eventually(() => expect(server.callsTo('POST', CHECK)).toHaveLength(1))
    checkAnswer.give({ request_id: ID, status: '16', error_text: 'Wrong code' })
    await check
    await flushPromises()
    expect(wrapper!.findAll('.call')).toHaveLength(1)
    expect(text('.call summary')).toContain('→ 200 · status 16')
    expect(text('.call summary')).not.toContain('waiting')
  })

  it('shows a live check after a reload with the PIN as $CODE, and says so', async () => {
    await callInEarlierPage('live', 'verify/check/json', { request_id: ID, code: '4321' })
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountAnyPath(pinia)
    const call = await shownCall()
    expect(call.text()).toContain('POST /verify/check/json')
    expect(call.text()).toContain('-d "code=$CODE"')
    expect(call.get('[data-test="call-masked"]').text()).toBe(
      'code not stored for live requests (shown as $CODE).',
    )
    expect(call.text()).not.toContain('4321')
  })
})

describe('request page: a search that answers without the request', () => {
  async function mountLiveInHistory() {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useRequestsStore().upsert({
      request_id: ID,
      environment: 'live',
      status: 'IN PROGRESS',
      createdAt: t0,
      source: 'started',
    })
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
  }

  it.each([
    ['1', 'Throttled'],
    ['5', 'Internal Error'],
    ['6', 'The requestId does not exist or its no longer active.'],
  ])(
    'status %s: says what it means and the next step for a search, from the status table',
    async (status, errorText) => {
      server.on('GET', LIVE_SEARCH, json({ status, error_text: errorText }))
      await mountLiveInHistory()
      const info = statusInfo(status, 'search')
      const card = wrapper!.get('[data-test="search-failure"]')
      expect(card.text()).toContain(`The search answered status ${status}: ${info.title}.`)
      expect(card.text()).toContain(`Next: ${info.nextStep}`)
      expect(card.text()).not.toContain('check the connection')
      // The failing call was this search: its advice is never "search the request".
      expect(card.text()).not.toMatch(/Next: Search the request/i)
    },
  )

  it("status 2 about the credentials: says the server's credentials were not received, not a parameter to fill in", async () => {
    server.on('GET', LIVE_SEARCH, json({ status: '2', error_text: 'Missing api_key' }))
    await mountLiveInHistory()
    const card = wrapper!.get('[data-test="search-failure"]')
    expect(card.text()).toContain('The search answered status 2: Credentials not received.')
    expect(card.text()).toContain('VONAGE_API_KEY')
    expect(card.text()).not.toMatch(/fill in/i)
  })

  it('status 1 with a Retry-After: says to wait as long as the server said, then refresh', async () => {
    server.on(
      'GET',
      LIVE_SEARCH,
      json({ status: '1', error_text: 'Throttled' }, 200, { 'Retry-After': '60' }),
    )
    await mountLiveInHistory()
    const card = wrapper!.get('[data-test="search-failure"]')
    expect(card.text()).toContain('The search answered status 1')
    expect(card.text()).toContain('Next: Wait 60 s, then refresh.')
  })

  it('status 101 for a request already in history: a note with its meaning, history still shown', async () => {
    server.on('GET', LIVE_SEARCH, json(NOT_FOUND))
    await mountLiveInHistory()
    const note = wrapper!.get('[data-test="search-not-found"]')
    expect(note.text()).toContain('Status 101: No request found (No response found).')
    expect(note.text()).toContain('can take up to a minute to appear in search')
    expect(text('.summary')).toContain('IN PROGRESS')
  })
})

describe('request page: a load without an answer', () => {
  async function mountFailing(answer: DeskAnswer) {
    server.on('GET', ADMIN, answer)
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    return wrapper.get('[data-test="load-failure"]').text()
  }

  it('queue_full: names the failure and waits as long as the server said', async () => {
    const text = await mountFailing(
      json(
        {
          error: {
            code: 'queue_full',
            message:
              "Too many calls are already waiting for the sandbox's rate limit on this server: this call was NOT sent. Wait a few seconds and try again.",
            delivery: 'not_sent',
          },
        },
        503,
        { 'Retry-After': '2' },
      ),
    )
    expect(text).toContain('The request could not be loaded: The server is busy (HTTP 503).')
    expect(text).toContain('Next: Wait 2 s, then try again.')
  })

  it('a code the server refuses every time: report it, not "check the connection"', async () => {
    const text = await mountFailing(
      errorAnswer(
        403,
        'cross_site_request',
        'Refused: a call from another site. Only the Verify Desk page served by this server may use its API.',
      ),
    )
    expect(text).toContain(
      'Next: Nothing was sent, and the same call will fail again: report the code cross_site_request (HTTP 403) to whoever runs this server.',
    )
    expect(text).not.toContain('Check the connection')
  })

  it('a failed first read: says so with Try again, no control waits for it, and a later read settles the page', async () => {
    await mountFailing(noAnswer())
    expect(text('[data-test="load-failure"]')).toContain('The request could not be loaded')
    // Nothing is on its way any more: no "loading" anywhere, and the page can be refreshed.
    expect(wrapper!.text()).not.toMatch(/loading/i)
    expect(wrapper!.get('.toolbar button').attributes('disabled')).toBeUndefined()
    expect(wrapper!.find('#pin-code').exists()).toBe(false)
    expect(wrapper!.find('#next-event').exists()).toBe(false)
    served.admin = adminRequest(ID, t0)
    server.on('GET', ADMIN, readsAnswer())
    const retry = wrapper!
      .get('[data-test="load-failure"]')
      .findAll('button')
      .find((b) => b.text() === 'Try again')!
    await retry.trigger('click')
    await flushPromises()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
    expect(text('.summary')).toContain('IN PROGRESS')
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).disabled).toBe(false)
    expect((wrapper!.get('#next-event').element as HTMLButtonElement).disabled).toBe(false)
    expect(wrapper!.text()).not.toMatch(/loading/i)
  })
})

/** A live request started here, in history and in progress, with its page open. */
async function mountLiveStarted(): Promise<ReturnType<typeof useRequestsStore>> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const requests = useRequestsStore()
  await requests.upsert(formStartedEntry(ID, t0))
  server.on('GET', LIVE_SEARCH, json(liveInProgress()))
  wrapper = await mountAnyPath(pinia)
  await flushPromises()
  return requests
}

/** What the live search answers of the request in progress, its first SMS sent. */
const liveInProgress = () => submittedAtT0({ events: [{ type: 'sms', id: 'e1' }] })

const accepted: CheckResponse = {
  request_id: ID,
  event_id: 'e1',
  status: '0',
  price: '0.10000000',
  currency: 'EUR',
  estimated_price_messages_sent: '0.03330000',
}

async function submitCode(code: string): Promise<void> {
  await wrapper!.get('#pin-code').setValue(code)
  await wrapper!.get('form.pin-entry').trigger('submit')
  await flushPromises()
}

function clickRefresh() {
  return wrapper!
    .findAll('.toolbar button')
    .find((b) => b.text() === 'Refresh')!
    .trigger('click')
}

/** The server accepts a check of the code, in either environment. */
function acceptChecks(): void {
  server.on('POST', CHECK, json(accepted))
  server.on('POST', LIVE_CHECK, json(accepted))
}

/** Checks a correct code on the open page. */
async function checkCorrectCode(): Promise<void> {
  acceptChecks()
  await submitCode('1234')
}

/** Cancels the request on the open page (once cancel is allowed). */
async function cancelIt(): Promise<void> {
  server.on('POST', CONTROL, json({ status: '0', command: 'cancel' }))
  server.on('POST', LIVE_CONTROL, json({ status: '0', command: 'cancel' }))
  await tick(30_000)
  await wrapper!.get('#cancel').trigger('click')
  await flushPromises()
}

/** Where in the server's calls the last action (a POST) reached it. */
const lastActionAt = () => server.calls.findLastIndex((c) => c.method === 'POST')

describe('request page: a search sent before an action answers after it', () => {
  it.each([
    ['check', 'SUCCESS', checkCorrectCode],
    ['cancel', 'CANCELLED', cancelIt],
  ] as const)(
    'a %s made while a refresh is on its way stays %s, on the page and in history',
    async (_action, final, act) => {
      const requests = await mountLiveStarted()
      // A slow search, sent before the action: it still sees the request in progress.
      const slow = held()
      server.on('GET', LIVE_SEARCH, slow.answer, json(liveInProgress()))
      await clickRefresh()
      await tick(1_000)
      await act()
      const actedAt = lastActionAt()
      expect(text('.summary')).toContain(final)
      await tick(1_000)
      slow.give(submittedAtT0())
      await flushPromises()
      expect(text('.summary')).toContain(final)
      expect(text('.summary')).not.toContain('IN PROGRESS')
      expect(requests.byId(ID)?.status).toBe(final)
      expect(text('[data-test="status-announcement"]')).not.toContain('IN PROGRESS')
      // The refresh after the action sent a search of its own, after the action's answer.
      expect(actedAt).toBeGreaterThanOrEqual(0)
      const searchesAfter = server.calls
        .slice(actedAt + 1)
        .filter((c) => c.method === 'GET' && c.path === LIVE_SEARCH)
      expect(searchesAfter).toHaveLength(1)
    },
  )

  it('a later search still answering IN PROGRESS (Vonage lags) never turns a verified request back', async () => {
    const requests = await mountLiveStarted()
    acceptChecks()
    await tick(1_000)
    await submitCode('1234')
    await tick(5_000)
    await clickRefresh()
    await flushPromises()
    expect(requests.byId(ID)?.status).toBe('SUCCESS')
    expect(text('.summary')).toContain('SUCCESS')
  })
})

describe('request page: a sandbox read sent before the request ended', () => {
  it('never shows the request in progress again once the event stream said it ended', async () => {
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    const slow = heldRead()
    const fresh = heldRead()
    server.on('GET', ADMIN, slow.answer, fresh.answer)
    const readsBefore = server.callsTo('GET', ADMIN).length
    await clickRefresh()
    await tick(1_000)
    acceptChecks()
    await submitCode('1234')
    const verified = adminRequest(ID, t0, {
      status: 'SUCCESS',
      finalized_at: new Date(t0 + 11_000).toISOString(),
    })
    await pushed(verified)
    expect(text('.summary')).toContain('SUCCESS')
    slow.give(adminRequest(ID, t0))
    await flushPromises()
    expect(text('.summary')).toContain('SUCCESS')
    expect(text('[data-test="status-announcement"]')).not.toContain('IN PROGRESS')
    // The refresh, then the read sent after the check answered.
    expect(server.callsTo('GET', ADMIN)).toHaveLength(readsBefore + 2)
    fresh.give(verified)
    await flushPromises()
    expect(text('.summary')).toContain('SUCCESS')
  })
})

describe('request page: an action after its history entry was deleted in another tab', () => {
  async function nextEvent(): Promise<void> {
    server.on('POST', LIVE_CONTROL, json({ status: '0', command: 'trigger_next_event' }))
    await wrapper!.get('#next-event').trigger('click')
    await flushPromises()
  }

  it.each([
    ['check', checkCorrectCode, 'SUCCESS', 'Code accepted: the request is verified.'],
    ['cancel', cancelIt, 'CANCELLED', 'Request cancelled.'],
    ['next event', nextEvent, 'IN PROGRESS', 'The next message or call is on its way.'],
  ] as const)(
    'a %s still works and shows its result, on Live, without bringing the entry back',
    async (_action, act, status, outcome) => {
      const requests = await mountLiveStarted()
      await requests.remove(ID)
      await tick(1_000)
      await act()
      expect(text('[data-test="action-outcome"]')).toContain(outcome)
      expect(text('.summary')).toContain(status)
      await requests.flushCalls()
      expect(requests.byId(ID)).toBeUndefined()
      expect(requests.entries).toHaveLength(0)
      // The page keeps looking where the request lives, with what it knew of it.
      const searches = server.calls.filter((c) => c.path.endsWith('/verify/search/json'))
      const last = searches.at(-1)
      expect([last?.path, last?.query, last?.headers.get(BACKGROUND_HEADER)]).toEqual([
        LIVE_SEARCH,
        { request_id: ID },
        null,
      ])
      expect(text('.summary')).toContain('Live')
      expect(text('.summary')).toContain('447700900123')
      expect(text('.summary')).not.toContain('Sandbox')
    },
  )
})

describe('request page: a correct check while search still answers 101', () => {
  it('shows and exports the price and the check from the check answer', async () => {
    const requests = await mountLiveStarted()
    server.on('GET', LIVE_SEARCH, json(NOT_FOUND))
    await clickRefresh()
    await flushPromises()
    acceptChecks()
    await tick(1_000)
    await submitCode('1234')
    expect(text('.summary')).toContain('SUCCESS')
    expect(text('.summary')).toContain(euros(0.1))
    expect(wrapper!.find('.summary [title="0.10000000 EUR"]').exists()).toBe(true)
    const items = wrapper!.findAll('[data-test="timeline-item"]').map((i) => i.text())
    expect(items.some((t) => t.includes('A code (not kept on live) checked: valid'))).toBe(true)
    const stored = requests.byId(ID)!
    expect(stored.lastSearch).toMatchObject({ price: '0.10000000', currency: 'EUR' })
    expect(stored.lastSearch?.checkEventId).toBe('e1')
    expect(stored.lastSearch?.checks).toEqual([
      expect.objectContaining({ code: '$CODE', status: 'VALID' }),
    ])
    // Nothing else stored holds the code either. The entry's times (epoch ms, its only numbers)
    // are left out of that look: the digits of a time may spell any code.
    const storedText = JSON.stringify(stored, (_key, value: unknown) =>
      typeof value === 'number' ? undefined : value,
    )
    expect(storedText).toContain(ID)
    expect(storedText).not.toContain('1234')
    const [header, row] = parseCsv(await requests.exportCsv())
    expect(row![header!.indexOf('price')]).toBe('0.10000000')
    expect(row![header!.indexOf('currency')]).toBe('EUR')
    expect(row![header!.indexOf('checks')]).toMatch(/^VALID /)
  })
})

describe('request page: a failed load once the connection is back', () => {
  async function mountWithFailedLoad(): Promise<ReturnType<typeof useRequestsStore>> {
    const requests = await mountLiveStarted()
    server.on('GET', LIVE_SEARCH, noAnswer())
    await clickRefresh()
    // Search is tried once more after a network error: the failure shows once both failed.
    await eventually(() => expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true))
    await tick(5_000)
    return requests
  }

  it('goes away once the history poll answers for the request', async () => {
    const requests = await mountWithFailedLoad()
    await requests.applySearchResult(
      'live',
      {
        kind: 'found',
        requests: [submittedAtT0({ events: [{ type: 'sms', id: 'e1' }] })],
        missing: [],
      },
      { existingOnly: true },
    )
    await flushPromises()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
    expect(text('.summary')).toContain('IN PROGRESS')
  })

  it('goes away once a later search of the request is answered, even with nothing new', async () => {
    await mountWithFailedLoad()
    server.on('GET', LIVE_SEARCH, json({ request_id: ID, status: 'IN PROGRESS' }))
    await apiRequest('GET', 'live/verify/search/json', { query: { request_id: ID } })
    await flushPromises()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
  })

  it('stays while the request has not been read again', async () => {
    await mountWithFailedLoad()
    server.on('GET', LIVE_SEARCH, json({ request_id: 'd'.repeat(32), status: 'IN PROGRESS' }))
    await apiRequest('GET', 'live/verify/search/json', { query: { request_id: 'd'.repeat(32) } })
    await flushPromises()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true)
  })
})

describe('request page: answers announced once each, and the focus kept', () => {
  const WRONG = WRONG_CODE
  /** The server carries out every next event asked for. */
  const nextEventsGo = () =>
    server.on('POST', CONTROL, json({ status: '0', command: 'trigger_next_event' }))

  /** Mounts the page in the document, so the focus can be followed. */
  async function mountAttached(admin: AdminRequest) {
    await mountRequest(admin)
    const pinia = getActivePinia()!
    wrapper!.unmount()
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:p(.*)*', component: { render: () => h('p') } }],
    })
    wrapper = mount(RequestView, {
      props: { id: ID },
      global: { plugins: [pinia, router] },
      attachTo: document.body,
    })
    await flushPromises()
  }
  const region = () => wrapper!.get('[data-test="action-outcome-region"]')
  const focused = () => document.activeElement

  it('has the answer region in the page before the first answer', async () => {
    await mountRequest(adminRequest(ID, t0))
    expect(region().attributes('role')).toBe('status')
    expect(region().text()).toBe('')
    server.on('POST', CHECK, json(WRONG))
    await submitCode('1111')
    expect(region().text()).toContain('Status 16: Wrong code.')
  })

  it('says a second identical answer too: two wrong codes, next event twice', async () => {
    server.on('POST', CHECK, json(WRONG))
    await mountRequest(adminRequest(ID, t0))
    await submitCode('1111')
    const first = region().text()
    await submitCode('2222')
    const second = region().text()
    expect(second).not.toBe(first)
    // Counted with what the answer said, before its next step (never read as part of it).
    expect(second).toBe(first.replace(' Next: ', ' (2 times in a row) Next: '))

    nextEventsGo()
    await wrapper!.get('#next-event').trigger('click')
    await flushPromises()
    expect(region().text()).toBe('The next message or call is on its way.')
    await wrapper!.get('#next-event').trigger('click')
    await flushPromises()
    expect(region().text()).toBe('The next message or call is on its way. (2 times in a row)')
  })

  it('says the third wrong code and the change to FAILED in one announcement', async () => {
    await mountRequest(adminRequest(ID, t0, { attempts_left: 1 }))
    const watch = useWatchStore()
    await watch.start()
    await flushPromises()
    server.on('POST', CHECK, json(TOO_MANY))
    served.admin = adminRequest(ID, t0, {
      status: 'FAILED',
      attempts_left: 0,
      finalized_at: new Date(t0 + 5_000).toISOString(),
    })
    await submitCode('3333')
    await flushPromises()
    expect(useRequestsStore().byId(ID)?.status).toBe('FAILED')
    const said = [
      region().text(),
      text('[data-test="status-announcement"]'),
      ...watch.announcements.map((a) => a.message),
    ].filter(Boolean)
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/^Status 17: /)
    expect(said[0]).toContain('Request …cccccc to +447700900123 is now failed (FAILED).')

    // A change no action of this page made is still announced by the app, once.
    const other = 'd'.repeat(32)
    await useRequestsStore().upsert({
      request_id: other,
      environment: 'sandbox',
      kind: 'request',
      number: '447700900999',
      status: 'IN PROGRESS',
      createdAt: t0,
      source: 'started',
    })
    await useRequestsStore().updateIfStored({ request_id: other, status: 'EXPIRED' })
    expect(watch.announcements.map((a) => a.message)).toEqual([
      'Request …dddddd to +447700900999 is now expired (EXPIRED).',
    ])
    watch.stop()
  })

  it('keeps the focus on "Trigger next event" while it is sent and after', async () => {
    const control = held()
    server.on('POST', CONTROL, control.answer)
    await mountAttached(adminRequest(ID, t0))
    const next = wrapper!.get('#next-event')
    ;(next.element as HTMLButtonElement).focus()
    await next.trigger('click')
    await flushPromises()
    expect(next.attributes('aria-busy')).toBe('true')
    // Off while it is sent, yet not disabled: a disabled button drops the focus in a browser.
    expect(next.attributes('aria-disabled')).toBe('true')
    expect((next.element as HTMLButtonElement).disabled).toBe(false)
    expect(focused()).toBe(next.element)
    control.give({ status: '0', command: 'trigger_next_event' })
    await flushPromises()
    expect(focused()).toBe(next.element)
  })

  it('leaves the focus where the user put it after an action, while the cancel countdown ticks', async () => {
    nextEventsGo()
    await mountAttached(adminRequest(ID, t0))
    const next = wrapper!.get('#next-event')
    ;(next.element as HTMLButtonElement).focus()
    await next.trigger('click')
    await flushPromises()
    expect(focused()).toBe(next.element)
    // The user clicks a blank part of the page: the focus goes to the body, and stays there.
    ;(next.element as HTMLButtonElement).blur()
    for (let second = 0; second < 3; second++) {
      await vi.advanceTimersByTimeAsync(1000)
      await flushPromises()
    }
    expect(document.activeElement).toBe(document.body)
  })

  it('moves the focus to the answer when the correct code disables the code field', async () => {
    acceptChecks()
    await mountAttached(adminRequest(ID, t0))
    const field = wrapper!.get('#pin-code')
    ;(field.element as HTMLInputElement).focus()
    await field.setValue('1234')
    served.admin = adminRequest(ID, t0, {
      status: 'SUCCESS',
      finalized_at: new Date(t0 + 5_000).toISOString(),
    })
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect((field.element as HTMLInputElement).disabled).toBe(true)
    expect(focused()).toBe(wrapper!.get('#action-outcome').element)
    expect(text('#action-outcome')).toContain('Code accepted')
  })

  it('moves the focus to the answer when the third wrong code ends the request', async () => {
    server.on('POST', CHECK, json(TOO_MANY))
    await mountAttached(adminRequest(ID, t0, { attempts_left: 1 }))
    const button = wrapper!.get('.pin-entry button')
    await wrapper!.get('#pin-code').setValue('3333')
    ;(button.element as HTMLButtonElement).focus()
    served.admin = adminRequest(ID, t0, {
      status: 'FAILED',
      finalized_at: new Date(t0 + 5_000).toISOString(),
    })
    await button.trigger('click')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect((button.element as HTMLButtonElement).disabled).toBe(true)
    expect(focused()).toBe(wrapper!.get('#action-outcome').element)
  })

  it('focuses the code field and says its error on each refused check', async () => {
    await mountAttached(adminRequest(ID, t0))
    const button = wrapper!.get('.pin-entry button')
    await wrapper!.get('#pin-code').setValue('12')
    ;(button.element as HTMLButtonElement).focus()
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(focused()).toBe(wrapper!.get('#pin-code').element)
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')).toContain('pin-error')
    const said = wrapper!.get('[data-test="pin-announcement"]')
    expect(said.attributes('role')).toBe('status')
    expect(said.text()).toBe('Code from the message or call: The code has at least 4 digits.')
    // Again, with the focus already in the field: emptied, then said again.
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(said.element.textContent!.trim()))
    observer.observe(said.element, { childList: true, characterData: true, subtree: true })
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    observer.disconnect()
    expect(texts).toEqual(['', 'Code from the message or call: The code has at least 4 digits.'])
    expect(sent('POST', CHECK)).toEqual([])
  })
})

describe('request page: late answers never undo what the page knows', () => {
  it('status 17 (too many wrong codes) clears the typed code', async () => {
    server.on('POST', CHECK, json(TOO_MANY))
    await mountRequest(adminRequest(ID, t0))
    await submitCode('1234')
    expect(sent('POST', CHECK)).toEqual([{ request_id: ID, code: '1234' }])
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).value).toBe('')
  })

  it('a live cancel stays CANCELLED when a later search still answers IN PROGRESS, with no search in history', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const requests = useRequestsStore()
    await requests.upsert(formStartedEntry(ID, t0))
    // Search does not list the request yet: history holds no search answer of it.
    server.on('GET', LIVE_SEARCH, json(NOT_FOUND))
    wrapper = await mountAnyPath(pinia)
    await flushPromises()
    await cancelIt()
    expect(text('.summary')).toContain('CANCELLED')
    expect(requests.byId(ID)?.lastSearch ?? null).toBeNull()
    await tick(5_000)
    // Vonage lags: a search sent after the cancel answered still says IN PROGRESS.
    server.on('GET', LIVE_SEARCH, json(liveInProgress()))
    await clickRefresh()
    await flushPromises()
    expect(text('.summary')).toContain('CANCELLED')
    expect(text('.summary')).not.toContain('IN PROGRESS')
    expect(requests.byId(ID)?.status).toBe('CANCELLED')
  })

  it('a sandbox read sent before the event stream said the request ended never brings IN PROGRESS back', async () => {
    await mountRequest(adminRequest(ID, t0))
    await server.stream.open()
    const slow = heldRead()
    server.on('GET', ADMIN, slow.answer, readsAnswer())
    const readsBefore = server.callsTo('GET', ADMIN).length
    await clickRefresh()
    await tick(1_000)
    // Cancelled elsewhere (another tab, the app under test): only the event stream says so.
    await pushed(
      adminRequest(ID, t0, {
        status: 'CANCELLED',
        finalized_at: new Date(t0 + 11_000).toISOString(),
      }),
    )
    expect(text('.summary')).toContain('CANCELLED')
    slow.give(adminRequest(ID, t0))
    await flushPromises()
    expect(server.callsTo('GET', ADMIN)).toHaveLength(readsBefore + 1)
    expect(text('.summary')).toContain('CANCELLED')
    expect(text('.summary')).not.toContain('IN PROGRESS')
    expect(text('[data-test="status-announcement"]')).not.toContain('IN PROGRESS')
  })

  it('an answer to a read sent before a failed load does not clear its failure', async () => {
    await mountLiveStarted()
    // A read of the request sent before the load that fails, answered after it; the load's
    // search gets no answer.
    const early = held()
    server.on('GET', LIVE_SEARCH, early.answer, noAnswer())
    const read = apiRequest('GET', LIVE_SEARCH, { query: { request_id: ID } })
    await tick(1_000)
    await clickRefresh()
    // Search is tried once more after a network error: the failure shows once both failed.
    await eventually(() => expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true))
    early.give({ request_id: ID, status: 'IN PROGRESS' })
    await read
    await flushPromises()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true)
  })
})
