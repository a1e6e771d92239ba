import { describe, expect, it } from 'vitest'
import {
  applyPatch,
  gonePatch,
  isSettled,
  patchFromAction,
  patchFromSearch,
  readEntry,
  readSearchStatus,
  reportedStatus,
  type HistoryEntry,
  type SearchedRequest,
} from '@/utils/history-entry'
import { fromHistory, fromSearch } from '@/utils/request-model'
import { checkAvailability, requestCancelAvailability } from '@/utils/request-state'

const ID = 'c5037cb8b47449158ed6611afde58990'
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

function searched(status: string): SearchedRequest {
  return {
    request_id: ID,
    account_id: 'abcdef01',
    number: '447700900001',
    sender_id: 'verify',
    date_submitted: '2026-11-25 11:59:00',
    date_finalized: '',
    checks: [
      { date_received: '2026-11-25 11:59:30', code: '1111', status: 'INVALID', ip_address: '' },
    ],
    first_event_date: '2026-11-25 11:59:00',
    last_event_date: '2026-11-25 11:59:00',
    price: '0',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03',
    events: [{ type: 'sms', id: 'event-1' }],
  }
}

/** A request started here (brand, params) that search then answered with `status`. */
function entryFoundWith(status: string): HistoryEntry {
  const started = applyPatch(
    undefined,
    {
      request_id: ID,
      environment: 'live',
      brand: 'Live Shop',
      params: { brand: 'Live Shop', workflow_id: '6' },
      status: 'IN PROGRESS',
      source: 'started',
    },
    NOW - 60_000,
  )
  return applyPatch(started, patchFromSearch('live', searched(status), NOW), NOW)
}

describe('readSearchStatus: the documented status a search status stands for', () => {
  it.each([
    ['IN PROGRESS', 'IN PROGRESS'],
    ['in progress', 'IN PROGRESS'],
    ['  In   Progress ', 'IN PROGRESS'],
    ['expired', 'EXPIRED'],
    ['Cancelled', 'CANCELLED'],
  ])('%j is %s', (written, status) => {
    expect(readSearchStatus(written)).toBe(status)
  })

  it.each(['BLOCKED', 'IN_PROGRESS', 'INPROGRESS', 'SUCCESSFUL', '', '0'])(
    '%j is none it knows',
    (written) => {
      expect(readSearchStatus(written)).toBeNull()
    },
  )
})

describe('a search status this dashboard does not know, in history', () => {
  it('is UNKNOWN with the status as written, and keeps all else the answer and the entry said', () => {
    const entry = entryFoundWith('BLOCKED')
    expect(entry).toMatchObject({
      status: 'UNKNOWN',
      brand: 'Live Shop',
      params: { workflow_id: '6' },
      number: '447700900001',
      lastError: null,
      lastSearch: {
        reportedStatus: 'BLOCKED',
        events: [{ type: 'sms', id: 'event-1' }],
        checks: [{ code: '$CODE', status: 'INVALID' }],
        estimatedPrice: '0.03',
        dateSubmitted: '2026-11-25 11:59:00',
      },
    })
    expect(reportedStatus(entry)).toBe('BLOCKED')
  })

  it('a known status afterwards replaces it', () => {
    const entry = entryFoundWith('BLOCKED')
    const expired = applyPatch(
      entry,
      patchFromSearch('live', searched('EXPIRED'), NOW + 1),
      NOW + 1,
    )
    expect(expired.status).toBe('EXPIRED')
    expect(expired.lastSearch?.reportedStatus).toBeUndefined()
    expect(reportedStatus(expired)).toBeNull()
  })

  it('a known status in other letter case is that status, with nothing reported', () => {
    const entry = entryFoundWith('in progress')
    expect(entry.status).toBe('IN PROGRESS')
    expect(entry.lastSearch?.reportedStatus).toBeUndefined()
  })

  it('is not settled (kept by retention) even after a 101 within the grace', () => {
    const entry = entryFoundWith('BLOCKED')
    const afterMiss = applyPatch(
      entry,
      { request_id: ID, lastError: { code: '101', message: 'No response found', at: NOW + 2 } },
      NOW + 2,
    )
    expect(isSettled(afterMiss)).toBe(false)
    expect(reportedStatus(afterMiss)).toBe('BLOCKED')
  })

  it('marked gone: a 101 for good, the reported status dropped, the rest of the search kept', () => {
    const entry = entryFoundWith('BLOCKED')
    const gone = applyPatch(entry, gonePatch(entry, 'Search no longer finds it.', NOW + 5), NOW + 5)
    expect(gone).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: '101', message: 'Search no longer finds it.' },
      lastSearch: { events: [{ id: 'event-1' }] },
    })
    expect(reportedStatus(gone)).toBeNull()
    expect(isSettled(gone)).toBe(true)
  })

  it('a status an action set (cancelled) replaces it; a wrong code keeps it', () => {
    const entry = entryFoundWith('BLOCKED')
    const wrong = applyPatch(
      entry,
      patchFromAction(entry, {
        request_id: ID,
        at: NOW + 1,
        check: { code: '$CODE', status: 'INVALID' },
      }),
      NOW + 1,
    )
    expect(reportedStatus(wrong)).toBe('BLOCKED')
    expect(wrong.lastSearch?.checks).toHaveLength(2)
    const cancelled = applyPatch(
      wrong,
      patchFromAction(wrong, { request_id: ID, at: NOW + 2, status: 'CANCELLED' }),
      NOW + 2,
    )
    expect(cancelled.status).toBe('CANCELLED')
    expect(cancelled.lastSearch?.reportedStatus).toBeUndefined()
    expect(cancelled.lastSearch?.checks).toHaveLength(2)
  })

  it('is kept through storage, export and import', () => {
    const entry = entryFoundWith('BLOCKED')
    const read = readEntry(JSON.parse(JSON.stringify(entry)))
    expect(read).toEqual({ entry })
    const damaged = readEntry({ ...entry, lastSearch: { ...entry.lastSearch, reportedStatus: 7 } })
    expect(damaged).toEqual({ problems: ['lastSearch.reportedStatus must be a string'] })
  })
})

describe('a status this dashboard does not know, on the request page', () => {
  it('from search or from history: UNKNOWN with the status as written, controls as in progress', () => {
    const now = NOW + 60_000
    for (const model of [
      fromSearch('live', searched('BLOCKED')),
      fromHistory(entryFoundWith('BLOCKED')),
    ]) {
      expect(model).toMatchObject({ status: 'UNKNOWN', reportedStatus: 'BLOCKED' })
      expect(model.attemptsLeft).toBe(2)
      expect(checkAvailability(model).allowed).toBe(true)
      expect(requestCancelAvailability(model, now).allowed).toBe(true)
    }
  })

  it('a request search never found has no reported status', () => {
    const model = fromHistory(applyPatch(undefined, { request_id: ID }, NOW))
    expect(model.status).toBe('UNKNOWN')
    expect(model.reportedStatus).toBeUndefined()
  })
})
