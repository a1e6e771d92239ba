/**
 * A check whose answer was lost clears the code field (it may have been processed). Once a search
 * sent after it shows it was not processed, the code it sent is put back into the field (never
 * over a code typed since, never for a PIN sent since), also after a reload in the sandbox; once a
 * search shows it processed, the field stays empty. Nothing is sent by itself. The real API layer
 * runs (only `fetch` is replaced): the page learns of the check and the searches from the call log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import * as fakeIndexedDb from 'fake-indexeddb'
import { createPinia, type Pinia } from 'pinia'
import type { VerificationRequest } from '@contract/types'
import { useRequestsStore } from '@/stores/requests'
import { LOST_CHECK_CODES_KEY } from '@/stores/pin-drafts'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import {
  apiDate,
  CHECK_LOST,
  checkCode,
  formStartedEntry,
  inProgressAnswer,
  openEntryPage,
  refreshPage,
  SEARCH_FAILS,
  type StubUpstream,
  stubUpstream,
  eachTestInNewTab,
} from './support'
import { adminRequest } from '../verify/support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const ID = 'd'.repeat(32)
const restoredText = (code: string) =>
  `The code ${code} from the lost check is back in the field: it was not processed.`
const RESTORED = restoredText('2222')

let wrapper: VueWrapper | null = null
let t0 = 0
let env: 'live' | 'sandbox' = 'live'
let upstream: StubUpstream

/** The request in progress, one SMS sent at the start; `patch` changes it. */
const request = (patch: Partial<VerificationRequest> = {}) => inProgressAnswer(ID, t0, patch)

const field = () => wrapper!.get<HTMLInputElement>('#pin-code').element.value
const restoredNote = () => wrapper!.find('[data-test="pin-restored"]')
const outcomeText = () => wrapper!.get('[data-test="action-outcome"]').text()
const refresh = () => refreshPage(wrapper!)

/** Sets up the stub upstream (the request in progress) for `environment`. */
async function stubUpstreamFor(environment: 'live' | 'sandbox'): Promise<void> {
  env = environment
  t0 = Date.now() - 60_000
  upstream = await stubUpstream(environment, () => request())
}

/** Parameters the request was started with, besides its number and brand. */
let extraParams: Record<string, string> = {}

/** A page load: a new pinia is a reload of the tab (same session storage and history). */
async function openPage(pinia: Pinia = createPinia()): Promise<void> {
  const params = { number: '447700900123', brand: 'Acme', ...extraParams }
  wrapper = await openEntryPage(pinia, formStartedEntry(ID, t0, { environment: env, params }))
}

/** Checks `code`; its answer is lost (reset before the answer) while searches fail. */
async function loseACheck(code = '2222'): Promise<void> {
  const sentBefore = upstream.checksSent
  upstream.search = () => SEARCH_FAILS
  upstream.check = () => CHECK_LOST
  // The connection is gone with it: the sandbox's view cannot be read either.
  const admin = upstream.admin
  upstream.admin = () => {
    throw new TypeError('Failed to fetch')
  }
  await checkCode(wrapper!, code)
  upstream.admin = admin
  expect(upstream.checksSent).toBe(sentBefore + 1)
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
    await stubUpstreamFor('live')
    await openPage()
    await loseACheck()
    upstream.search = () => request()
    await refresh()
    expect(field()).toBe('2222')
    expect(restoredNote().text()).toBe(RESTORED)
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')).toContain('pin-restored')
    expect(outcomeText()).toBe(
      'The lost check was not processed. The request as read after it lists no such check: it used no attempt. Next: Press Check code: the code it sent is back in the field.',
    )
    // Nothing is sent by itself: the agent presses Check code.
    expect(upstream.checksSent).toBe(1)
  })

  it('leaves the field empty once a search shows it was processed', async () => {
    await stubUpstreamFor('live')
    await openPage()
    await loseACheck()
    const received = apiDate(Date.now())
    upstream.search = () =>
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
    await stubUpstreamFor('live')
    await openPage()
    await loseACheck()
    await wrapper!.get('#pin-code').setValue('3333')
    upstream.search = () => request()
    await refresh()
    expect(outcomeText()).toContain('The lost check was not processed.')
    expect(field()).toBe('3333')
    expect(restoredNote().exists()).toBe(false)
    expect(outcomeText()).toContain('Next: Enter the code again.')
    // The code typed since, sent and lost in turn, is the one put back.
    await loseACheck('3333')
    upstream.search = () => request()
    await refresh()
    expect(field()).toBe('3333')
    expect(restoredNote().text()).toBe(restoredText('3333'))
  })

  it('does not put back the code once a new PIN was sent since (a newer event)', async () => {
    await stubUpstreamFor('live')
    // PINs valid for 1 minute: the call, a minute after the SMS here (triggered early), brings a
    // new PIN (one sent before the PIN expired would send the same PIN again).
    extraParams = { pin_expiry: '60' }
    await openPage()
    await loseACheck()
    upstream.search = () =>
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
    const newPin = upstream.search
    await loseACheck('5555')
    upstream.search = newPin
    await refresh()
    expect(field()).toBe('5555')
    expect(restoredNote().text()).toBe(restoredText('5555'))
  })

  it('puts the code back after a reload of the tab (sandbox)', async () => {
    await stubUpstreamFor('sandbox')
    upstream.admin = () => adminRequest(ID, t0)
    await openPage()
    await loseACheck()
    // What the reload finds in this tab's session storage.
    expect(sessionStorage.getItem(LOST_CHECK_CODES_KEY)).toContain('"code":"2222"')
    const before = useRequestsStore()
    await eventually(async () => {
      await before.flushCalls()
      expect((await before.loadCalls(ID)).some((c) => c.path.includes('/check/'))).toBe(true)
    })
    wrapper!.unmount()
    wrapper = null
    await before.dispose()
    upstream.search = () => request()
    await openPage()
    // The page's own read of the sandbox's view, sent after the check, lists no such check.
    expect(field()).toBe('2222')
    expect(restoredNote().text()).toBe(RESTORED)
    expect(upstream.checksSent).toBe(1)
  })
})
