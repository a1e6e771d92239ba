/**
 * A sandbox request page whose check's answer was lost (the connection reset) while the event
 * stream is away: once the stream is back, the page reads the request again from the sandbox's own
 * view (never by search), and that read settles the doubt, as a search sent after the check does:
 * a view listing no check says it was not processed, one listing it counts it. The check is never
 * sent again. The real API layer runs on the stub desk server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { errorAnswer, noAnswer, useDeskServer } from '../support/desk-server'
import {
  adminLookup,
  apiDate,
  CHECK_LOST_TEXT,
  checkCode,
  mountRequestPage,
  serveRequest,
  settlePage,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const server = useDeskServer()
const ADMIN = 'sandbox/__admin/requests'
const CHECK = 'sandbox/verify/check/json'
const SEARCH = 'sandbox/verify/search/json'

const ID = 'e'.repeat(32)
const IN_DOUBT =
  '2 or 3 attempts left for this PIN: a check whose answer was lost may have used one.'

let t0 = 0
let wrapper: VueWrapper | null = null
let served: ServedRequest

const attemptsLine = () => wrapper!.get('[data-test="attempts-left"]').text()
const outcomeText = () => wrapper!.get('[data-test="action-outcome"]').text()

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  t0 = Date.now() - 40_000
  served = serveRequest(server, ID, t0)
  served.admin = adminRequest(ID, t0)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(startedEntry(ID, t0))
  wrapper = await mountRequestPage(pinia, ID)
  await server.stream.open()
  await settlePage(wrapper)
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** The connection drops while a check is out: its answer is lost, the stream with it. */
async function loseACheckAndTheStream(): Promise<void> {
  expect(attemptsLine()).toBe('3 attempts left for this PIN.')
  server.on(
    'POST',
    CHECK,
    errorAnswer(502, 'upstream_reset', CHECK_LOST_TEXT, { delivery: 'maybe' }),
  )
  await server.stream.drop()
  server.on('GET', ADMIN, noAnswer())
  await checkCode(wrapper!, '9999')
  expect(outcomeText()).toContain('The check may still have been processed')
  expect(attemptsLine()).toBe(IN_DOUBT)
}

/** The connection is back: the stream reopens and the page reads the sandbox's view again. */
async function connectionBack(): Promise<void> {
  server.on('GET', ADMIN, (call) => adminLookup(call, served.admin))
  const reads = server.callsTo('GET', ADMIN).length
  await server.stream.open()
  await settlePage(wrapper!)
  expect(server.callsTo('GET', ADMIN).length).toBeGreaterThan(reads)
}

describe('sandbox request page: a lost check once the connection is back', () => {
  it('says 3 again when the sandbox view read after it lists no check', async () => {
    await loseACheckAndTheStream()
    await connectionBack()
    expect(attemptsLine()).toBe('3 attempts left for this PIN.')
    expect(outcomeText()).not.toContain('may still have been processed')
    expect(outcomeText()).toContain('The lost check was not processed')
    expect(server.callsTo('POST', CHECK)).toHaveLength(1)
  })

  it('counts the check when the sandbox view read after it lists it as wrong', async () => {
    await loseACheckAndTheStream()
    served.admin = adminRequest(ID, t0, {
      attempts_left: 2,
      checks: [
        {
          date_received: apiDate(Date.now()),
          received_at: new Date().toISOString(),
          code: '9999',
          status: 'INVALID',
        },
      ],
    })
    await connectionBack()
    expect(attemptsLine()).toBe('2 attempts left for this PIN.')
    expect(outcomeText()).toContain('The lost check was processed')
    expect(server.callsTo('POST', CHECK)).toHaveLength(1)
    // Settled by the sandbox's view alone: no search was needed.
    expect(server.callsTo('GET', SEARCH)).toHaveLength(0)
  })
})
