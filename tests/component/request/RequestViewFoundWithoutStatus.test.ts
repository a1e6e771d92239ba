/**
 * A request search found but answered without a status (History's badge: Unknown) is no request
 * search has not found (status 101): the request page says its status is not known yet, in its
 * announcement of the change (for a request History no longer holds, which the app's announcer
 * does not say) and in its summary, and keeps "not found" for a 101.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { searchRequests, type SearchResult } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
// Imported here (the mocks below are in place first): loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { ApiError } from '@/api/client'
import { formStartedEntry, openEntryPage, refreshPage, searchAnswer } from './support'

vi.mock('@/api/verify', async () => (await import('./support')).verifyApiMock())
vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'e'.repeat(32)
let wrapper: VueWrapper | null = null

const found = (status: string): SearchResult => ({
  kind: 'found',
  requests: [{ ...searchAnswer(ID), status }],
  missing: [],
})
const text = (selector: string) => wrapper!.get(selector).text()

/**
 * Opens the page of the live request ID, found in progress, and deletes it from History while the
 * page is open: the page (not the app's announcer) says what changes from now on.
 */
async function openThenDelete(): Promise<void> {
  vi.mocked(searchRequests).mockResolvedValue(found('IN PROGRESS'))
  wrapper = await openEntryPage(createPinia(), formStartedEntry(ID, Date.now() - 60_000))
  expect(text('[data-test="status-badge"]')).toBe('IN PROGRESS')
  await useRequestsStore().remove(ID)
}

beforeEach(() => {
  localStorage.clear()
  vi.mocked(searchRequests).mockReset()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: a request search found without a status', () => {
  it('announces its status as unknown, not as not found', async () => {
    await openThenDelete()
    vi.mocked(searchRequests).mockResolvedValue(found(''))
    await refreshPage(wrapper!)
    expect(text('[data-test="status-announcement"]')).toBe(
      'Request …eeeeee to +447700900123 is now unknown (UNKNOWN).',
    )
  })

  it('says in its summary that search found it and its status is not known yet', async () => {
    await openThenDelete()
    vi.mocked(searchRequests).mockResolvedValue(found(''))
    await refreshPage(wrapper!)
    const status = text('.summary .status')
    expect(status).toContain('Status not known yet')
    expect(status).toContain('Search found the request but answered it without a status')
    expect(status).not.toMatch(/No request found|not found|101/i)
    expect(text('[data-test="status-badge"]')).toBe('UNKNOWN')
    expect(document.title).toBe('Live · Request …eeeeee UNKNOWN · Verify Desk')
  })

  it('still says status 101 for a request search no longer finds, with nothing to announce', async () => {
    await openThenDelete()
    vi.mocked(searchRequests).mockResolvedValue({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    await refreshPage(wrapper!)
    expect(text('[data-test="search-not-found"]')).toContain('Status 101')
    // Its status stays what was last read: nothing changed to announce.
    expect(text('[data-test="status-announcement"]')).toBe('')
  })
})

describe('request page: a request History holds as found without a status', () => {
  it('says in its summary that its status is not known yet, as History says it (Unknown)', async () => {
    // History's copy is what the page shows: the search fails.
    vi.mocked(searchRequests).mockRejectedValue(new ApiError('network', 'Failed to fetch'))
    wrapper = await openEntryPage(
      createPinia(),
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
      }),
    )
    expect(useRequestsStore().byId(ID)?.status).toBe('UNKNOWN')
    const status = text('.summary .status')
    expect(status).toContain('Status not known yet')
    expect(status).not.toMatch(/No request found|not found|101/i)
  })
})
