/**
 * A check whose answer was lost clears the code field (it may have been processed). Once a search
 * sent after it shows it was not processed, the code it sent is put back into the field (never
 * over a code typed since, never for a PIN sent since), also after a reload in the sandbox; once a
 * search shows it processed, the field stays empty. Nothing is sent by itself. The real API layer
 * runs (only `fetch` is replaced): the page learns of the check and the searches from the call log.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import * as fakeIndexedDb from 'fake-indexeddb'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import type { VerificationRequest } from '@contract/types'
import { configureClient } from '@/api/client'
import { getAdminRequest, getClock } from '@/api/sandbox'
import { searchRequests } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { LOST_CHECK_CODES_KEY } from '@/stores/pin-drafts'
// Imported here (the mock below is in place first): loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { clockAt, formStartedEntry, mountOnAnyPath, searchAnswer } from './support'
import { adminRequest } from '../verify/support'

vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'd'.repeat(32)
const LOST =
  'Vonage dropped the connection before answering (ECONNRESET). The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.'
const restoredText = (code: string) =>
  `The code ${code} from the lost check is back in the field: it was not processed.`
const RESTORED = restoredText('2222')

let wrapper: VueWrapper | null = null
let t0 = 0
let env: 'live' | 'sandbox' = 'live'
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
    searchAnswer(ID, {
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

const field = () => wrapper!.get<HTMLInputElement>('#pin-code').element.value
const restoredNote = () => wrapper!.find('[data-test="pin-restored"]')
const outcomeText = () => wrapper!.get('[data-test="action-outcome"]').text()

async function settle(): Promise<void> {
  await vi.waitFor(() => expect(wrapper!.find('.toolbar .spinner').exists()).toBe(false))
  await flushPromises()
}
async function refresh(): Promise<void> {
  await wrapper!
    .findAll('.toolbar button')
    .find((b) => b.text() === 'Refresh')!
    .trigger('click')
  await settle()
}

/** Sets up the stub upstream (the request in progress) for `environment`. */
function stubUpstream(environment: 'live' | 'sandbox'): void {
  env = environment
  t0 = Date.now() - 60_000
  checksSent = 0
  searchAnswerNow = () => request()
  checkAnswer = () => [500, { error: 'unexpected check' }]
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = input instanceof Request ? input : new Request(input, init)
      const path = new URL(call.url).pathname
      if (path.endsWith(`/${env}/verify/search/json`)) return json(searchAnswerNow())
      if (path.endsWith(`/${env}/verify/check/json`)) {
        checksSent++
        return json(checkAnswer())
      }
      return json([404, { error: { code: 'not_found', message: `no ${path} here` } }])
    }) as typeof fetch,
  })
}

/** Parameters the request was started with, besides its number and brand. */
let extraParams: Record<string, string> = {}

/** A page load: a new pinia is a reload of the tab (same session storage and history). */
async function openPage(pinia: Pinia = createPinia()): Promise<void> {
  setActivePinia(pinia)
  await useRequestsStore().upsert(
    formStartedEntry(ID, t0, {
      environment: env,
      params: { number: '447700900123', brand: 'Acme', ...extraParams },
    }),
  )
  wrapper = await mountOnAnyPath(pinia, ID)
  await settle()
}

/** Checks `code`; its answer is lost (reset before the answer) while searches fail. */
async function loseACheck(code = '2222'): Promise<void> {
  const sentBefore = checksSent
  searchAnswerNow = () => SEARCH_FAILS
  checkAnswer = () => [502, { error: { code: 'upstream_reset', message: LOST, delivery: 'maybe' } }]
  await wrapper!.get('#pin-code').setValue(code)
  await wrapper!.get('form.pin-entry').trigger('submit')
  await vi.waitFor(() => expect(wrapper!.find('[data-test="action-outcome"]').exists()).toBe(true))
  await settle()
  expect(checksSent).toBe(sentBefore + 1)
  expect(outcomeText()).toContain('The check may still have been processed')
  expect(field()).toBe('')
}

beforeEach(() => {
  extraParams = {}
  // History in IndexedDB, shared by the page before a reload and the one after.
  const classes = Object.entries(fakeIndexedDb).filter(([name]) => name.startsWith('IDB'))
  Object.assign(globalThis, Object.fromEntries(classes), {
    indexedDB: new fakeIndexedDb.IDBFactory(),
  })
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  localStorage.clear()
  sessionStorage.clear()
  Reflect.deleteProperty(globalThis, 'indexedDB')
})

describe('request page: the code of a lost check once a search settled it', () => {
  it('puts the code back into the field once a search shows it was not processed', async () => {
    stubUpstream('live')
    await openPage()
    await loseACheck()
    searchAnswerNow = () => request()
    await refresh()
    expect(field()).toBe('2222')
    expect(restoredNote().text()).toBe(RESTORED)
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')).toContain('pin-restored')
    expect(outcomeText()).toBe(
      'The lost check was not processed. A search sent after it lists no such check: it used no attempt. Next: Press Check code: the code it sent is back in the field.',
    )
    // Nothing is sent by itself: the agent presses Check code.
    expect(checksSent).toBe(1)
  })

  it('leaves the field empty once a search shows it was processed', async () => {
    stubUpstream('live')
    await openPage()
    await loseACheck()
    const received = apiDate(Date.now())
    searchAnswerNow = () =>
      request({
        checks: [{ date_received: received, code: '2222', status: 'INVALID', ip_address: '' }],
      })
    await refresh()
    expect(outcomeText()).toContain('The lost check was processed.')
    expect(field()).toBe('')
    expect(restoredNote().exists()).toBe(false)
    // Forgotten for good: later searches do not bring it back.
    await refresh()
    expect(field()).toBe('')
  })

  it('never overwrites a code typed since', async () => {
    stubUpstream('live')
    await openPage()
    await loseACheck()
    await wrapper!.get('#pin-code').setValue('3333')
    searchAnswerNow = () => request()
    await refresh()
    expect(outcomeText()).toContain('The lost check was not processed.')
    expect(field()).toBe('3333')
    expect(restoredNote().exists()).toBe(false)
    expect(outcomeText()).toContain('Next: Enter the code again.')
    // The code typed since, sent and lost in turn, is the one put back.
    await loseACheck('3333')
    searchAnswerNow = () => request()
    await refresh()
    expect(field()).toBe('3333')
    expect(restoredNote().text()).toBe(restoredText('3333'))
  })

  it('does not put back the code once a new PIN was sent since (a newer event)', async () => {
    stubUpstream('live')
    // PINs valid for 2 minutes: workflow 1's call at 125 s brings a new PIN.
    extraParams = { pin_expiry: '120' }
    await openPage()
    await loseACheck()
    searchAnswerNow = () =>
      request({
        events: [
          { type: 'sms', id: 'e1' },
          { type: 'tts', id: 'e2' },
        ],
        last_event_date: apiDate(Date.now()),
      })
    await refresh()
    expect(outcomeText()).toContain('The lost check was not processed.')
    expect(field()).toBe('')
    expect(restoredNote().exists()).toBe(false)
    // A code for the new PIN, lost and shown not processed, is put back.
    const newPin = searchAnswerNow
    await loseACheck('5555')
    searchAnswerNow = newPin
    await refresh()
    expect(field()).toBe('5555')
    expect(restoredNote().text()).toBe(restoredText('5555'))
  })

  it('puts the code back after a reload of the tab (sandbox)', async () => {
    stubUpstream('sandbox')
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(ID, t0))
    vi.mocked(getClock).mockResolvedValue(clockAt(Date.now()))
    await openPage()
    await loseACheck()
    // What the reload finds in this tab's session storage.
    expect(sessionStorage.getItem(LOST_CHECK_CODES_KEY)).toContain('"code":"2222"')
    const before = useRequestsStore()
    await vi.waitFor(async () => {
      await before.flushCalls()
      expect((await before.loadCalls(ID)).some((c) => c.path.includes('/check/'))).toBe(true)
    })
    wrapper!.unmount()
    wrapper = null
    await before.dispose()
    searchAnswerNow = () => request()
    await openPage()
    expect(field()).toBe('')
    // A search (the history poll's) lists no such check.
    await searchRequests('sandbox', [ID])
    await settle()
    expect(field()).toBe('2222')
    expect(restoredNote().text()).toBe(RESTORED)
    expect(checksSent).toBe(1)
  })
})
