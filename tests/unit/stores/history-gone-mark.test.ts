/**
 * Marking a request gone (search no longer finds it) against what another tab stored meanwhile:
 * the mark is computed from the stored copy, so it never replaces a final status, nor keeps a
 * status search reported that the stored copy holds and this tab's copy does not yet.
 *
 * What one tab writes reaches the other on the tab channel a turn of the event loop later: the tests
 * wait for it to arrive (never for a fixed time, which a busy machine can outlast).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isSettled } from '@/utils/history-entry'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  requestId,
  searchAnswer,
} from './history-support'

const GONE = 'Search no longer finds this request (status 101).'

beforeEach(() => freshHistoryEnvironment())
afterEach(() => closeTabs())

/** Waits until `expectation` holds: what another tab wrote has reached this one. */
const heard = (expectation: () => void) => vi.waitFor(expectation, { timeout: 10_000 })

/** Two tabs holding request 1 in progress, its last activity long past. */
async function twoTabs() {
  const a = await openTab()
  const b = await openTab()
  const now = Date.now()
  await a.importJson(
    JSON.stringify([
      entry(1, {
        createdAt: now - 200_000,
        updatedAt: now - 200_000,
        lastActivityAt: now - 200_000,
      }),
    ]),
  )
  await heard(() => expect(b.byId(requestId(1))?.status).toBe('IN PROGRESS'))
  return { a, b }
}

describe('a request marked gone while another tab stored what became of it', () => {
  it('keeps the final status the other tab stored meanwhile', async () => {
    const { a, b } = await twoTabs()
    // Tab B learns the request expired (its request page refreshed it) ...
    await b.upsert({ request_id: requestId(1), status: 'EXPIRED' })
    // ... while tab A, not told yet, marks it gone after a search answered 101.
    await a.markGone(requestId(1), GONE)
    const fresh = await openTab()
    expect(fresh.byId(requestId(1))?.status).toBe('EXPIRED')
    expect(fresh.byId(requestId(1))?.lastError).toBeNull()
    await heard(() => expect(a.byId(requestId(1))?.status).toBe('EXPIRED'))
  })

  it('drops the unknown status the other tab stored meanwhile, so the request is settled', async () => {
    const { a, b } = await twoTabs()
    // Tab B's search found it with a status this dashboard does not know ...
    await b.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(1, 'BLOCKED')],
      missing: [],
    })
    // ... while tab A, not told yet, marks it gone.
    await a.markGone(requestId(1), GONE)
    // Both tabs have heard of each other's writes: nothing more is on its way.
    await heard(() => expect(b.byId(requestId(1))?.lastError?.code).toBe('101'))
    const stored = (await openTab()).byId(requestId(1))!
    expect(stored.status).toBe('UNKNOWN')
    expect(stored.lastError?.code).toBe('101')
    expect(stored.lastSearch?.reportedStatus).toBeUndefined()
    expect(isSettled(stored)).toBe(true)
  })
})
