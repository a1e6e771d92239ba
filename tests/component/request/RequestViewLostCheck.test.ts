/**
 * A check whose answer was lost (the connection reset, a 504) may have used an attempt: until a
 * search sent after it settles that, the page never states an attempts-left number that may be
 * false, and the check's answer says it may still have been processed; once a search settles it,
 * that answer says what became of it instead, never both. The real API layer runs (only `fetch` is
 * replaced), so the page learns of the check and of the searches from the call log, as in the
 * browser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import type { VerificationRequest } from '@contract/types'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import {
  apiDate,
  CHECK_LOST,
  CHECK_LOST_TEXT,
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

eachTestInNewTab()

const ID = 'b'.repeat(32)
const SETTLED_ID = 'c'.repeat(32)
const IN_DOUBT =
  '2 or 3 attempts left for this PIN: a check whose answer was lost may have used one.'

let wrapper: VueWrapper | null = null
/** The request the page shows: set by `openPage`. */
let id = ''
let t0 = 0
let upstream: StubUpstream

/** The request in progress, one SMS sent at the start; `patch` changes it. */
const request = (patch: Partial<VerificationRequest> = {}) => inProgressAnswer(id, t0, patch)

const text = (selector: string) => wrapper!.get(selector).text()
const attemptsLine = () => text('[data-test="attempts-left"]')
const submitCode = (code: string) => checkCode(wrapper!, code)
const refresh = () => refreshPage(wrapper!)

/** Opens the page of `requestId` (in progress, one SMS sent) on the stub upstream, settled. */
async function openPage(requestId: string): Promise<void> {
  id = requestId
  localStorage.clear()
  t0 = Date.now() - 60_000
  upstream = await stubUpstream('live', () => request())
  wrapper = await openEntryPage(createPinia(), formStartedEntry(id, t0))
}
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Checks a code whose answer is lost (reset before the answer) while searches fail. */
async function loseACheck(): Promise<void> {
  expect(attemptsLine()).toBe('3 attempts left for this PIN.')
  upstream.search = () => SEARCH_FAILS
  upstream.check = () => CHECK_LOST
  await submitCode('1234')
  expect(upstream.checksSent).toBe(1)
  expect(text('[data-test="action-outcome"]')).toContain('The check may still have been processed')
}

/** From now on the searches list the lost check, as a wrong code. */
function searchesListTheCheckAsWrong(): void {
  upstream.search = () =>
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
    upstream.search = () => request()
    await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
    // Later failed searches do not bring the doubt back.
    upstream.search = () => SEARCH_FAILS
    for (let i = 0; i < 12; i++) await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
  })

  it('a check that was answered (status 16) leaves no doubt', async () => {
    upstream.search = () => SEARCH_FAILS
    upstream.check = () => [
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
    upstream.search = () => request()
    await refresh()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
    expect(outcomeText()).toBe(
      'The lost check was not processed. The request as read after it lists no such check: it used no attempt. Next: Press Check code: the code it sent is back in the field.',
    )
    // Later failed searches (the settling one drops out of the call log) do not bring it back.
    upstream.search = () => SEARCH_FAILS
    for (let i = 0; i < 12; i++) await refresh()
    expect(outcomeText()).not.toContain('may still have been processed')
  })

  it('says the lost check was processed once a search lists it', async () => {
    await loseACheck()
    searchesListTheCheckAsWrong()
    await refresh()
    expect(attemptsLine()).toBe('2 attempts left for this PIN.')
    expect(outcomeText()).toBe(
      'The lost check was processed. The request as read after it lists it: the attempts left count it.',
    )
  })

  it('keeps saying it may have been processed while the searches fail', async () => {
    await loseACheck()
    await refresh()
    expect(attemptsLine()).toBe(IN_DOUBT)
    expect(outcomeText()).toContain(CHECK_LOST_TEXT)
  })
})
