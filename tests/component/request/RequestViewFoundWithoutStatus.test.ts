/**
 * A request History holds as found without a status (History's badge: Unknown, as an imported
 * export may hold it) is no request search has not found (status 101): the request page says its
 * status is not known yet, and keeps "not found" for a 101, whether History holds the request or
 * it was deleted while its page was open.
 *
 * Verify's search never answers a request without one of its five statuses, and the API layer
 * refuses such an answer as unusable: no search makes the page show a request found without a
 * status (nor announce that its status became unknown). Only History's copy shows one, which is
 * what these tests open.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { json, noAnswer, useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  NOT_FOUND,
  formStartedEntry,
  openEntryPage,
  refreshPage,
  serveRequest,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = 'e'.repeat(32)
const SEARCH = 'live/verify/search/json'
let wrapper: VueWrapper | null = null

const text = (selector: string) => wrapper!.get(selector).text()

/** History's entry of live request ID, started a minute ago, found 30 s ago without a status. */
const foundWithoutStatus = () =>
  formStartedEntry(ID, Date.now() - 60_000, {
    status: 'UNKNOWN',
    lastError: null,
    lastSearch: {
      events: [],
      checks: [],
      price: '',
      currency: '',
      estimatedPrice: '',
      accountId: '',
      senderId: '',
      dateSubmitted: '',
      dateFinalized: '',
      firstEventDate: '',
      lastEventDate: '',
      fetchedAt: Date.now() - 30_000,
    },
  })

/** What the summary says a request search found without a status is. */
function expectNotKnownYet(): void {
  const status = text('.summary .status')
  expect(status).toContain('Status not known yet')
  expect(status).toContain('Search found the request but answered it without a status')
  expect(status).not.toMatch(/No request found|not found|101/i)
  expect(text('[data-test="status-badge"]')).toBe('UNKNOWN')
}

beforeEach(() => {
  localStorage.clear()
  serveRequest(server, ID, Date.now())
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: a request History holds as found without a status', () => {
  it('says in its summary that its status is not known yet, as History says it (Unknown)', async () => {
    // History's copy is what the page shows: the search gets no answer.
    server.on('GET', SEARCH, noAnswer())
    wrapper = await openEntryPage(createPinia(), foundWithoutStatus())
    expect(server.callsTo('GET', SEARCH).length, 'the page searches the request').toBeGreaterThan(0)
    expect(useRequestsStore().byId(ID)?.status).toBe('UNKNOWN')
    expectNotKnownYet()
    expect(document.title).toBe('Live · Request …eeeeee UNKNOWN · Verify Desk')
  })

  it('says status 101 once search no longer finds it, not that its status is not known yet', async () => {
    server.on('GET', SEARCH, noAnswer())
    wrapper = await openEntryPage(createPinia(), foundWithoutStatus())
    expectNotKnownYet()

    server.on('GET', SEARCH, json(NOT_FOUND))
    await refreshPage(wrapper)
    expect(text('[data-test="search-not-found"]')).toContain('Status 101')
    expect(text('.summary .status')).toContain('No request found')
    expect(text('.summary .status')).not.toContain('Status not known yet')
  })
})

describe('request page: a request deleted from History while its page is open', () => {
  it('still says status 101 once search no longer finds it, with nothing to announce', async () => {
    // Found in progress (the stub server's search answer), then deleted: the page's copy remains.
    wrapper = await openEntryPage(createPinia(), formStartedEntry(ID, Date.now() - 60_000))
    expect(text('[data-test="status-badge"]')).toBe('IN PROGRESS')
    await useRequestsStore().remove(ID)

    server.on('GET', SEARCH, json(NOT_FOUND))
    await refreshPage(wrapper)
    expect(text('[data-test="search-not-found"]')).toContain('Status 101')
    // Its status stays what was last read: nothing changed to announce.
    expect(text('[data-test="status-announcement"]')).toBe('')
  })
})
