import { describe, expect, it } from 'vitest'
import { HistoryImportError, historyToCsv, parseHistoryFile } from '@/utils/history-io'
import { readEntry } from '@/utils/history-entry'
import { readStoredCall } from '@/utils/call-log'
import { entry, requestId } from '../stores/history-support'

function problemsOf(file: unknown): string[] {
  try {
    parseHistoryFile(JSON.stringify(file))
  } catch (error) {
    if (error instanceof HistoryImportError) return error.problems
    throw error
  }
  throw new Error('the file was accepted')
}

const snapshot = {
  events: [{ type: 'sms' as const, id: 'e1' }],
  checks: [
    {
      date_received: '2026-01-01 00:00:00',
      code: '1234',
      status: 'VALID' as const,
      ip_address: '',
    },
  ],
  price: '0.10000000',
  currency: 'EUR',
  estimatedPrice: '',
  accountId: 'acc',
  senderId: 'Acme',
  dateSubmitted: '2026-01-01 00:00:00',
  dateFinalized: '',
  firstEventDate: '2026-01-01 00:00:00',
  lastEventDate: '2026-01-01 00:00:00',
  fetchedAt: 1_767_225_600_000,
}

function storedCall(patch: Record<string, unknown> = {}) {
  return {
    key: `k1|${requestId(1)}`,
    request_id: requestId(1),
    kind: 'read',
    call: {
      id: 1,
      key: 'k1',
      method: 'GET',
      path: 'sandbox/verify/search/json',
      query: { request_id: requestId(1) },
      body: null,
      startedAt: 1_767_225_600_000,
      durationMs: 20,
      httpStatus: 200,
      response: { request_id: requestId(1), status: 'IN PROGRESS' },
      error: null,
      ...patch,
    },
  }
}

describe('history import: entries are checked to the last field shown', () => {
  it('accepts a well-formed entry with its last search', () => {
    expect('entry' in readEntry(entry(1, { lastSearch: snapshot }))).toBe(true)
  })

  it('refuses a record of a newer schemaVersion, naming both versions, instead of reading it as ours', () => {
    const newer = { ...entry(1), schemaVersion: 3, smsLog: [{ to: '447700900001' }] }
    expect(readEntry(newer)).toEqual({
      problems: ['schemaVersion 3 is from a newer version of Verify Desk (this one reads up to 2)'],
    })
    expect(readEntry({ ...entry(1), schemaVersion: 2 })).toEqual({ entry: entry(1) })
  })

  it('names malformed events and checks of the last search', () => {
    const bad = entry(1, {
      lastSearch: { ...snapshot, events: [null, 5], checks: [null, 'x'] } as never,
    })
    expect(problemsOf({ entries: [bad] })).toEqual([
      `entry 1 (${requestId(1)}): ` +
        [
          'lastSearch.events[0] must be an object with a string type and id',
          'lastSearch.events[1] must be an object with a string type and id',
          'lastSearch.checks[0] must be an object with a string date_received, code and status',
          'lastSearch.checks[1] must be an object with a string date_received, code and status',
        ].join(', '),
    ])
  })

  it('refuses times no date can show (createdAt 9e15), and times before 2000', () => {
    const problems = problemsOf([
      entry(1, { createdAt: 9e15 }),
      entry(2, { updatedAt: -1 }),
      entry(3, { lastError: { code: '101', message: 'x', at: 1e300 } }),
      entry(4, { lastError: { code: 101, message: 'x', at: 1_767_225_600_000 } as never }),
    ])
    expect(problems).toEqual([
      `entry 1 (${requestId(1)}): createdAt must be a time in ms between 2000 and 2100`,
      `entry 2 (${requestId(2)}): updatedAt must be a time in ms between 2000 and 2100`,
      `entry 3 (${requestId(3)}): lastError.at must be a time in ms between 2000 and 2100`,
      `entry 4 (${requestId(4)}): lastError.code must be a string`,
    ])
  })
})

describe('history import: call records are checked to the last field shown', () => {
  it('accepts a call record as the app stores it', () => {
    expect(readStoredCall(storedCall())).not.toBeNull()
    expect(
      parseHistoryFile(JSON.stringify({ entries: [entry(1)], calls: [storedCall()] })).calls,
    ).toHaveLength(1)
  })

  it('names each broken field and imports nothing', () => {
    const problems = problemsOf({
      entries: [entry(1)],
      calls: [
        storedCall({ body: 'notanobject' }),
        storedCall({ startedAt: 1e300 }),
        storedCall({ response: { status: {} } }),
        storedCall({ httpStatus: 'ok', query: { request_id: 5 } }),
        storedCall({ response: { verification_requests: [{ request_id: requestId(1) }] } }),
      ],
    })
    expect(problems).toEqual([
      'call 1: call.body must be null or an object of strings',
      'call 2: call.startedAt must be a time in ms between 2000 and 2100',
      'call 3: call.response.status must be a string',
      'call 4: call.query must be an object of strings, call.httpStatus must be null or an HTTP status',
      'call 5: call.response.verification_requests[0] must have a string request_id and status',
    ])
  })
})

describe('CSV export', () => {
  it('never throws on an entry it cannot date or whose search lists odd items', () => {
    const odd = {
      ...entry(1),
      createdAt: 9e15,
      lastSearch: { ...snapshot, events: [null], checks: [null] },
    } as never
    const csv = historyToCsv([odd, entry(2)])
    expect(csv.trim().split('\r\n')).toHaveLength(3)
  })
})
