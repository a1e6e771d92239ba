/**
 * A typed PIN is kept until an answer shows the check used it or may have gone through: a check
 * that was never sent (offline) or was refused before it was processed (status 1 Throttled) keeps
 * it, also across a reload of the tab (sandbox) and History then Back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { OFFLINE_MESSAGE } from '@/api/client'
import { PIN_DRAFTS_KEY } from '@/stores/pin-drafts'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, noAnswer, useDeskServer } from '../support/desk-server'
import {
  CHECK_LOST,
  clockAt,
  mountRequestPage,
  searchAnswer,
  startedEntry,
  SANDBOX_ACCOUNTS,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()
const CHECK = 'sandbox/verify/check/json'

const ID = 'f'.repeat(32)
/** Status 1: the check was refused before the code was looked at. */
const THROTTLED = { request_id: ID, status: '1', error_text: 'Throttled' }
let t0 = 0
const mounted: VueWrapper[] = []

/** A page load of the tab: a new pinia is a reload, the same one a page re-created in the app. */
async function openPage(pinia: Pinia = createPinia()): Promise<VueWrapper> {
  setActivePinia(pinia)
  await useRequestsStore(pinia).upsert(startedEntry(ID, t0))
  const wrapper = await mountRequestPage(pinia, ID)
  mounted.push(wrapper)
  return wrapper
}

function leave(wrapper: VueWrapper): void {
  wrapper.unmount()
  mounted.splice(mounted.indexOf(wrapper), 1)
}

/** A check answer held until the test gives it (`answer`). */
function holdTheCheck(): (body: unknown) => void {
  let answer!: (body: unknown) => void
  const held = new Promise<Response>((resolve) => (answer = (body) => resolve(json(body))))
  server.on('POST', CHECK, () => held)
  return answer
}

async function sendCode(wrapper: VueWrapper, code: string): Promise<void> {
  await wrapper.get('#pin-code').setValue(code)
  await wrapper.get('form.pin-entry').trigger('submit')
  await flushPromises()
}

const field = (wrapper: VueWrapper) => wrapper.get<HTMLInputElement>('#pin-code').element.value
/** What a reload finds in this tab's session storage (the page going away writes it first). */
function storedDrafts(): unknown {
  window.dispatchEvent(new Event('pagehide'))
  return JSON.parse(sessionStorage.getItem(PIN_DRAFTS_KEY) ?? '{}')
}

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  t0 = Date.now()
  // The sandbox holds the request in progress, its clock unmoved; search finds it.
  const view = adminRequest(ID, t0 - 40_000)
  server.on('GET', 'sandbox/__admin/requests', json({ requests: [view], total: 1 }))
  server.on('GET', 'sandbox/__admin/clock', () => json(clockAt(Date.now())))
  server.on('GET', 'sandbox/__admin/accounts', json(SANDBOX_ACCOUNTS))
  server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(ID)))
})
afterEach(async () => {
  vi.unstubAllGlobals()
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
  await useRequestsStore().dispose()
})

describe('request page: a PIN whose check was not sent or not processed is kept', () => {
  it('keeps the code of a check not sent offline, after a reload and after History and Back', async () => {
    const pinia = createPinia()
    const page = await openPage(pinia)
    // The browser is offline while the code is sent: the check fails without an answer.
    server.on('POST', CHECK, noAnswer())
    vi.stubGlobal('navigator', { ...navigator, onLine: false })
    await sendCode(page, '1234')
    vi.unstubAllGlobals()
    expect(page.get('[data-test="action-outcome"]').text()).toContain(OFFLINE_MESSAGE)
    expect(field(page)).toBe('1234')
    expect(storedDrafts()).toEqual({ [ID]: '1234' })
    leave(page)
    expect(field(await openPage(pinia))).toBe('1234')
    expect(field(await openPage())).toBe('1234')
  })

  it('keeps the code of a check refused with status 1 (Throttled), after a reload', async () => {
    server.on('POST', CHECK, json(THROTTLED))
    const page = await openPage()
    await sendCode(page, '4321')
    expect(page.get('[data-test="action-outcome"]').text()).toContain('Throttled')
    expect(storedDrafts()).toEqual({ [ID]: '4321' })
    expect(field(await openPage())).toBe('4321')
  })

  it('puts the code back into a page re-created while the check was out, once it is refused unprocessed', async () => {
    const answer = holdTheCheck()
    const pinia = createPinia()
    const first = await openPage(pinia)
    await sendCode(first, '5678')
    leave(first)
    const again = await openPage(pinia)
    // Out: it may still go through, so the field is not filled yet.
    expect(field(again)).toBe('')
    answer(THROTTLED)
    await eventually(() => expect(field(again)).toBe('5678'))
    expect(storedDrafts()).toEqual({ [ID]: '5678' })
  })

  it('keeps a code typed while the refused check was out, not the one sent', async () => {
    const answer = holdTheCheck()
    const page = await openPage()
    await sendCode(page, '5678')
    await page.get('#pin-code').setValue('9999')
    answer(THROTTLED)
    await eventually(() =>
      expect(page.get('[data-test="action-outcome"]').text()).toContain('Throttled'),
    )
    expect(field(page)).toBe('9999')
    expect(storedDrafts()).toEqual({ [ID]: '9999' })
  })

  it('does not keep the code of a check that may have gone through or was used', async () => {
    // The connection dropped before Vonage answered: the check may have been processed.
    server.on('POST', CHECK, json(CHECK_LOST[1], CHECK_LOST[0]))
    const page = await openPage()
    // The connection is gone with it: the reads after it fail too, so the doubt stays.
    server.on('GET', 'sandbox/__admin/requests', noAnswer())
    await sendCode(page, '1111')
    expect(page.get('[data-test="action-outcome"]').text()).toContain('may')
    expect(storedDrafts()).toEqual({})
    server.on(
      'GET',
      'sandbox/__admin/requests',
      json({ requests: [adminRequest(ID, t0 - 40_000)], total: 1 }),
    )
    server.on(
      'POST',
      CHECK,
      json({ request_id: ID, status: '16', error_text: 'The code provided does not match' }),
    )
    await sendCode(page, '2222')
    expect(field(page)).toBe('')
    expect(storedDrafts()).toEqual({})
    expect(field(await openPage())).toBe('')
  })
})
