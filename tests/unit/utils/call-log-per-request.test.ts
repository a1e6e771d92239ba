import { describe, expect, it } from 'vitest'
import type { ApiCall } from '@/api/client'
import {
  callFor,
  MAX_RESPONSE_CHARS,
  OTHERS_CUT_RESPONSE,
  readStoredCall,
  requestIdsOf,
  storableCall,
  toStoredCalls,
  type StoredCall,
} from '@/utils/call-log'
import { historyToJson, parseHistoryFile } from '@/utils/history-io'
import { readFindsRequest } from '@/utils/request-state'
import { HISTORY_SCHEMA_VERSION, type HistoryEntry } from '@/utils/history-entry'

const A = 'a'.repeat(32)
const B = 'b'.repeat(32)
const C = 'c'.repeat(32)

/** One request of a search answer, with a number and a check code of its own. */
function searched(id: string, n: number) {
  return {
    request_id: id,
    account_id: 'acc1',
    number: `44770090000${n}`,
    sender_id: 'Acme',
    status: 'SUCCESS',
    checks: [{ date_received: '2026-01-01 00:00:00', code: `${n}${n}${n}${n}`, status: 'VALID' }],
  }
}

/** A background search of several ids, as the poller sends it. */
function batch(patch: Partial<ApiCall> = {}): ApiCall {
  return {
    id: 7,
    key: 'page-7',
    method: 'GET',
    path: 'sandbox/verify/search/json',
    query: { api_key: '$VONAGE_API_KEY', request_ids: [A, B, C] },
    body: null,
    startedAt: 1_700_000_000_000,
    durationMs: 42,
    httpStatus: 200,
    response: { verification_requests: [searched(A, 1), searched(B, 2), searched(C, 3)] },
    error: null,
    ...patch,
  }
}

/** The record of `id` among `records`. */
function recordOf(records: readonly StoredCall[], id: string): StoredCall {
  const record = records.find((r) => r.request_id === id)
  expect(record, `a record for ${id}`).toBeDefined()
  return record!
}

describe('call log: a call about several requests is stored per request', () => {
  it('stores under each id only its own id and its own element of the answer', () => {
    const records = toStoredCalls(batch())
    expect(records.map((r) => r.request_id)).toEqual([A, B, C])
    for (const [id, n, others] of [
      [A, 1, [B, C]],
      [B, 2, [A, C]],
      [C, 3, [A, B]],
    ] as const) {
      const record = recordOf(records, id)
      const text = JSON.stringify(record)
      for (const other of others) expect(text).not.toContain(other)
      expect(record.call.query).toEqual({ api_key: '$VONAGE_API_KEY', request_ids: [id] })
      expect(record.call.response).toEqual({ verification_requests: [searched(id, n)] })
      expect(readFindsRequest(record.call, id)).toBe(true)
      expect(requestIdsOf(record.call)).toEqual([id])
    }
    // Nothing of another request's number or check code either.
    const a = JSON.stringify(recordOf(records, A))
    expect(a).not.toMatch(/447700900002|447700900003|2222|3333/)
  })

  it('keeps what support needs: method, path, status, time and latency', () => {
    const { call } = recordOf(toStoredCalls(batch()), B)
    expect(call).toMatchObject({
      id: 7,
      key: 'page-7',
      method: 'GET',
      path: 'sandbox/verify/search/json',
      httpStatus: 200,
      startedAt: 1_700_000_000_000,
      durationMs: 42,
      error: null,
    })
  })

  it('says the search found nothing for an id it did not find', () => {
    const records = toStoredCalls(
      batch({ response: { verification_requests: [searched(A, 1), searched(C, 3)] } }),
    )
    const b = recordOf(records, B)
    expect(b.call.response).toEqual({ verification_requests: [] })
    expect(readFindsRequest(b.call, B)).toBe(false)
    expect(JSON.stringify(b)).not.toMatch(new RegExp(`${A}|${C}`))
  })

  it('files a "not found" (101) answer of several ids under each with its own id only', () => {
    const answer = { status: '101', error_text: 'No response found' }
    const records = toStoredCalls(batch({ response: answer }))
    expect(records.map((r) => r.request_id)).toEqual([A, B, C])
    const c = recordOf(records, C)
    expect(c.call.query).toEqual({ api_key: '$VONAGE_API_KEY', request_ids: [C] })
    expect(c.call.response).toEqual(answer)
    expect(readFindsRequest(c.call, C)).toBe(false)
  })

  it('stores the single-object answer of a search of one id as it came', () => {
    const one = batch({ query: { request_id: A }, response: searched(A, 1) })
    const [record, ...rest] = toStoredCalls(one)
    expect(rest).toEqual([])
    expect(record!.call).toEqual(storableCall(one))
    expect(callFor(one, A)).toBe(one)
  })

  it("keeps only the request's own part of the sandbox's view of several requests", () => {
    const read = batch({
      path: 'sandbox/__admin/requests',
      query: { request_id: [A, B], limit: '2' },
      response: {
        requests: [
          { request_id: B, pin: '2222' },
          { request_id: A, pin: '1111' },
        ],
      },
    })
    const a = recordOf(toStoredCalls(read), A)
    expect(a.call.query).toEqual({ request_id: [A], limit: '2' })
    expect(a.call.response).toMatchObject({ requests: [{ request_id: A, pin: '1111' }] })
    expect(JSON.stringify(a)).not.toMatch(new RegExp(`${B}|2222`))
  })

  it('cuts a large answer of several ids only after taking out its own part', () => {
    const filler = 'x'.repeat(MAX_RESPONSE_CHARS / 2)
    const big = batch({
      response: {
        verification_requests: [A, B, C].map((id) => ({
          request_id: id,
          status: 'EXPIRED',
          filler,
        })),
      },
    })
    const a = recordOf(toStoredCalls(big), A)
    expect(a.call.truncated).toBeUndefined()
    expect(a.call.response).toEqual({
      verification_requests: [{ request_id: A, status: 'EXPIRED', filler }],
    })
  })
})

/** A record as stored before calls were kept per request: the whole search under one id. */
function wholeRecord(id: string, call: ApiCall = storableCall(batch())): StoredCall {
  return { key: `${call.key}|${id}`, request_id: id, kind: 'read', call }
}

describe('call log: records stored whole before, read back or imported', () => {
  it('reads a stored whole search back with only its own part', () => {
    const read = readStoredCall(wholeRecord(B))
    expect(read).not.toBeNull()
    expect(read!.call.query).toEqual({ api_key: '$VONAGE_API_KEY', request_ids: [B] })
    expect(read!.call.response).toEqual({ verification_requests: [searched(B, 2)] })
    expect(JSON.stringify(read)).not.toMatch(new RegExp(`${A}|${C}`))
  })

  it('replaces an answer cut to size that it cannot take apart', () => {
    const cut = storableCall(
      batch({
        response: {
          verification_requests: [A, B, C].map((id) => ({
            request_id: id,
            filler: 'x'.repeat(MAX_RESPONSE_CHARS),
          })),
        },
      }),
    )
    expect(cut.truncated).toBe(true)
    const read = readStoredCall(wholeRecord(A, cut))
    expect(read!.call.response).toBe(OTHERS_CUT_RESPONSE)
    expect(read!.call.truncated).toBe(true)
    expect(JSON.stringify(read)).not.toMatch(new RegExp(`${B}|${C}`))
  })

  it('leaves a record about its request alone', () => {
    const [record] = toStoredCalls(batch({ query: { request_id: A }, response: searched(A, 1) }))
    expect(readStoredCall(record)).toBe(record)
  })

  it('imports a file holding whole searches with only each request its own part', () => {
    const entry = (id: string): HistoryEntry => ({
      request_id: id,
      environment: 'sandbox',
      kind: 'request',
      number: '447700900001',
      brand: 'Acme',
      payee: '',
      amount: '',
      params: { brand: 'Acme' },
      status: 'SUCCESS',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      lastActivityAt: 1_700_000_000_000,
      lastSearch: null,
      lastError: null,
      source: 'started',
      schemaVersion: HISTORY_SCHEMA_VERSION,
    })
    const file = historyToJson([entry(A)], [wholeRecord(A)])
    const { entries, calls } = parseHistoryFile(file)
    expect(entries.map((e) => e.request_id)).toEqual([A])
    expect(calls).toHaveLength(1)
    expect(JSON.stringify(calls)).not.toMatch(new RegExp(`${B}|${C}|2222|3333`))
  })
})
