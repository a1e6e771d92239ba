/**
 * A check whose answer was lost (the connection reset, a 504) may have used an attempt: until a
 * search sent after it settles that, the page never states an attempts-left number that may be
 * false, and the check's answer says it may still have been processed; once a search settles it,
 * that answer says what became of it instead, never both. The real API layer runs (only `fetch` is
 * replaced), so the page learns of the check and of the searches from the call log, as in the
 * browser.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { VerificationRequest } from '@contract/types'
import { configureClient } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
// Imported here (the mock below is in place first): loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { formStartedEntry, mountOnAnyPath, searchAnswer } from './support'

vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'b'.repeat(32)
const SETTLED_ID = 'c'.repeat(32)
const MAY_HAVE_BEEN_PROCESSED =
  'Vonage dropped the connection before answering (ECONNRESET). The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.'
const IN_DOUBT =
  '2 or 3 attempts left for this PIN: a check whose answer was lost may have used one.'

let wrapper: VueWrapper | null = null
/** The request the page shows: set by `openPage`. */
let id = ''
let t0 = 0
/** What the stub upstream answers to a check and to a search: [HTTP status, body]. */
let checkAnswer: () => [number, unknown]
let searchAnswerNow: () => [number, unknown]
let checksSent = 0

const apiDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const json = ([status, body]: [number, unknown]) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** The request in progress, one SMS sent at the start; `patch` changes it. */
function request(patch: Partial<VerificationRequest> = {}): [number, VerificationRequest] {
  return [
    200,
    searchAnswer(id, {
      date_submitted: apiDate(t0),
      first_event_date: apiDate(t0),
      last_event_date: apiDate(t0),
      events: [{ type: 'sms', id: 'e1' }],
      ...patch,
    }),
  ]
}

const SEARCH_FAILS: [number, unknown] = [
  504,
  { error: { code: 'upstream_timeout', message: 'Vonage did not answer within 15 s.' } },
]

const text = (selector: string) => wrapper!.get(selector).text()
const attemptsLine = () => text('[data-test="attempts-left"]')

async function submitCode(code: string): Promise<void> {
  await wrapper!.get('#pin-code').setValue(code)
  await wrapper!.get('form.pin-entry').trigger('submit')
  await vi.waitFor(() => expect(wrapper!.find('[data-test="action-outcome"]').exists()).toBe(true))
  await settle()
}

async function refresh(): Promise<void> {
  await wrapper!
    .findAll('.toolbar button')
    .find((b) => b.text() === 'Refresh')!
    .trigger('click')
  await settle()
}

/** Lets the calls on their way (real promises of the API layer) come back. */
async function settle(): Promise<void> {
  await vi.waitFor(() => expect(wrapper!.find('.toolbar .spinner').exists()).toBe(false))
  await flushPromises()
}

/** Opens the page of `requestId` (in progress, one SMS sent) on the stub upstream, settled. */
async function openPage(requestId: string): Promise<void> {
  id = requestId
  localStorage.clear()
  t0 = Date.now() - 60_000
  checksSent = 0
  searchAnswerNow = () => request()
  checkAnswer = () => [500, { error: 'unexpected check' }]
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = input instanceof Request ? input : new Request(input, init)
      const path = new URL(call.url).pathname
      if (path.endsWith('/live/verify/search/json')) return json(searchAnswerNow())
      if (path.endsWith('/live/verify/check/json')) {
        checksSent++
        return json(checkAnswer())
      }
      return json([404, { error: { code: 'not_found', message: `no ${path} here` } }])
    }) as typeof fetch,
  })
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(formStartedEntry(id, t0))
  wrapper = await mountOnAnyPath(pinia, id)
  await settle()
}
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Checks a code whose answer is lost (reset before the answer) while searches fail. */
async function loseACheck(): Promise<void> {
  expect(attemptsLine()).toBe('3 attempts left for this PIN.')
  searchAnswerNow = () => SEARCH_FAILS
  checkAnswer = () => [
    502,
    { error: { code: 'upstream_reset', message: MAY_HAVE_BEEN_PROCESSED, delivery: 'maybe' } },
  ]
  await submitCode('1234')
  expect(checksSent).toBe(1)
  expect(text('[data-test="action-outcome"]')).toContain('The check may still have been processed')
}

/** From now on the searches list the lost check, as a wrong code. */
function searchesListTheCheckAsWrong(): void {
  searchAnswerNow = () =>
    request({
      checks: [
        { date_received: apiDate(Date.now()), code: '1234', status: 'INVALID', ip_address: '' },
      ],
    })
}

describe('request page: attempts left after a check whose answer was lost', () => {
  beforeEach(() => openPage(ID))

  it('says the range, never "3 attempts left", while the searches after it fail', async () => {
    await loseACheck()
    expect(attemptsLine()).toBe(IN_DOUBT)
    await refresh()
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true)
    expect(attemptsLine()).toBe(IN_DOUBT)
    // The code can still be checked: at least 2 attempts are left either way.
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).disabled).toBe(false)
  })

  it('says 2 once a search lists the check as wrong', async () => {
    await loseACheck()
    searchesListTheCheckAsWrong()
    await refresh()
    expect(attemptsLine()).toBe('2 attempts left for this PIN.')
  })

  it('says 3 again once a search sent after it lists no check: it was not processed', async () => {
    await loseACheck()
    await refresh()
    expect(attemptsLine()).toBe(IN_DOUBT)
    searchAnswerNow = () => request()
    await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
    // Later failed searches do not bring the doubt back.
    searchAnswerNow = () => SEARCH_FAILS
    for (let i = 0; i < 12; i++) await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
  })

  it('a check that was answered (status 16) leaves no doubt', async () => {
    searchAnswerNow = () => SEARCH_FAILS
    checkAnswer = () => [
      200,
      { request_id: ID, status: '16', error_text: 'The code provided does not match' },
    ]
    await submitCode('1234')
    expect(attemptsLine()).toBe('2 attempts left for this PIN.')
  })
})

const outcomeText = () => text('[data-test="action-outcome"]')

describe('request page: the answer of a lost check once a search settled it', () => {
  beforeEach(() => openPage(SETTLED_ID))

  it('says the lost check was not processed once a search lists no check', async () => {
    await loseACheck()
    searchAnswerNow = () => request()
    await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
    expect(outcomeText()).toBe(
      'The lost check was not processed. A search sent after it lists no such check: it used no attempt. Next: Press Check code: the code it sent is back in the field.',
    )
    // Later failed searches (the settling one drops out of the call log) do not bring it back.
    searchAnswerNow = () => SEARCH_FAILS
    for (let i = 0; i < 12; i++) await refresh()
    expect(outcomeText()).not.toContain('may still have been processed')
  })

  it('says the lost check was processed once a search lists it', async () => {
    await loseACheck()
    searchesListTheCheckAsWrong()
    await refresh()
    expect(attemptsLine()).toBe('2 attempts left for this PIN.')
    expect(outcomeText()).toBe(
      'The lost check was processed. A search sent after it lists it: the attempts left count it.',
    )
  })

  it('keeps saying it may have been processed while the searches fail', async () => {
    await loseACheck()
    await refresh()
    expect(attemptsLine()).toBe(IN_DOUBT)
    expect(outcomeText()).toContain(MAY_HAVE_BEEN_PROCESSED)
  })
})
