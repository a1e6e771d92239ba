import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { ApiCall } from '@/api/client'
import {
  callProgress,
  capCalls,
  MAX_ACTIONS_PER_REQUEST,
  MAX_READS_PER_REQUEST,
  MAX_RESPONSE_CHARS,
  mergeCalls,
  overflowKeys,
  storableCall,
  storedCallOf,
  toStoredCalls,
  type StoredCall,
} from '@/utils/call-log'

const A = 'a'.repeat(32)
const B = 'b'.repeat(32)

function call(patch: Partial<ApiCall> = {}): ApiCall {
  return {
    id: 1,
    key: 'page-1',
    method: 'GET',
    path: 'sandbox/verify/search/json',
    query: { request_id: A },
    body: null,
    startedAt: 1000,
    durationMs: 5,
    httpStatus: 200,
    response: { request_id: A, status: 'IN PROGRESS' },
    error: null,
    ...patch,
  }
}

describe('call log: what is stored', () => {
  it('cuts a response too large to keep and says so', () => {
    const big = call({ response: { request_id: A, filler: 'x'.repeat(MAX_RESPONSE_CHARS) } })
    const stored = storableCall(big)
    expect(stored.truncated).toBe(true)
    expect(typeof stored.response).toBe('string')
    expect((stored.response as string).length).toBe(MAX_RESPONSE_CHARS + 1)
    expect(storableCall(call()).truncated).toBeUndefined()
  })

  it('replaces secrets at any depth, keeping placeholders readable', () => {
    const stored = storableCall(
      call({
        method: 'POST',
        path: 'sandbox/__admin/accounts',
        body: { api_key: 'abc', nested: 'x' } as Record<string, string>,
        response: { accounts: [{ api_key: 'abc', api_secret: 'hunter2', password: 'pw' }] },
      }),
    )
    expect(JSON.stringify(stored)).not.toMatch(/hunter2|"pw"|"abc"/)
    expect(stored.response).toEqual({
      accounts: [
        { api_key: '$VONAGE_API_KEY', api_secret: '$VONAGE_API_SECRET', password: '[not stored]' },
      ],
    })
  })

  it('never stores the access token a call carried in its query (an imported call, say)', () => {
    const stored = storableCall(
      call({ query: { request_id: A, verify_desk_token: 'tok-0123456789abcdef0123' } }),
    )
    expect(JSON.stringify(stored)).not.toContain('tok-0123456789abcdef0123')
    expect(stored.query).toEqual({ request_id: A, verify_desk_token: '$VERIFY_DESK_TOKEN' })
  })

  it('keeps a sandbox PIN and masks a live one', () => {
    const check = (path: string) =>
      call({ method: 'POST', path, query: {}, body: { request_id: A, code: '1234' } })
    expect(storableCall(check('sandbox/verify/check/json')).body).toEqual({
      request_id: A,
      code: '1234',
    })
    const live = storableCall(check('live/verify/check/json'))
    expect(live.body).toEqual({ request_id: A, code: '$CODE' })
    expect(live.masked).toEqual(['code'])
  })

  it('files a search about two requests under both', () => {
    const records = toStoredCalls(
      call({
        query: { request_ids: [A, B] },
        response: { verification_requests: [{ request_id: A }, { request_id: B }] },
      }),
    )
    expect(records.map((r) => [r.request_id, r.kind])).toEqual([
      [A, 'read'],
      [B, 'read'],
    ])
    expect(new Set(records.map((r) => r.key)).size).toBe(2)
    expect(toStoredCalls(call({ query: {}, response: { status: '0' } }))).toEqual([])
  })

  it('rebuilds the record of a call read back for one request exactly as it was stored', () => {
    const check = call({ key: 'chk', method: 'POST', body: { request_id: A, code: '1234' } })
    const [stored] = toStoredCalls(check)
    expect(storedCallOf(stored!.call, A)).toEqual(stored)
    expect(storedCallOf(call(), B)).toEqual({
      key: `page-1|${B}`,
      request_id: B,
      kind: 'read',
      call: call(),
    })
  })
})

describe('call log: caps and order', () => {
  it('drops the oldest reads and actions beyond their caps', () => {
    const records: StoredCall[] = []
    for (let i = 0; i < 12; i++) {
      records.push(...toStoredCalls(call({ id: i, key: `r${i}`, startedAt: i })))
    }
    records.push(
      ...toStoredCalls(call({ id: 99, key: 'act', method: 'POST', body: { request_id: A } })),
    )
    expect(overflowKeys(records).sort()).toEqual([`r0|${A}`, `r1|${A}`])
  })

  it('keeps in storage exactly the calls it lists: one cap for both', () => {
    // Calls of one request, some sent in the same millisecond, in any order.
    const calls = fc.uniqueArray(
      fc.record({
        id: fc.integer({ min: 1, max: 400 }),
        startedAt: fc.integer({ min: 0, max: 60 }),
        read: fc.boolean(),
      }),
      { selector: (c) => c.id, maxLength: MAX_ACTIONS_PER_REQUEST + MAX_READS_PER_REQUEST + 30 },
    )
    fc.assert(
      fc.property(calls, (made) => {
        const records = made.map(({ id, startedAt, read }) =>
          storedCallOf(call({ id, key: `k${id}`, startedAt, method: read ? 'GET' : 'POST' }), A),
        )
        const dropped = new Set(overflowKeys(records))
        const stored = records.filter((r) => !dropped.has(r.key)).map((r) => r.call.key)
        const listed = capCalls(mergeCalls(records.map((r) => r.call))).map((c) => c.key)
        expect(new Set(stored)).toEqual(new Set(listed))
        const reads = made.filter((c) => c.read).length
        expect(listed).toHaveLength(
          Math.min(reads, MAX_READS_PER_REQUEST) +
            Math.min(made.length - reads, MAX_ACTIONS_PER_REQUEST),
        )
      }),
      { seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('lists newest first, each call once, the first copy winning', () => {
    const mine = call({ key: 'k1', startedAt: 5, body: { code: '1234' } })
    const stored = call({ key: 'k1', startedAt: 5, body: { code: '$CODE' } })
    const older = call({ key: 'k0', startedAt: 1 })
    expect(mergeCalls([mine], [stored, older]).map((c) => [c.key, c.body])).toEqual([
      ['k1', { code: '1234' }],
      ['k0', null],
    ])
  })
})

describe('call log: a call sent and not answered yet', () => {
  /** A check as sent: no status, no answer yet. */
  const pendingCheck = (path: string, patch: Partial<ApiCall> = {}) =>
    call({
      key: 'page-7',
      method: 'POST',
      path,
      query: {},
      body: { request_id: A, code: '1234' },
      durationMs: 0,
      httpStatus: null,
      response: null,
      pending: true,
      ...patch,
    })

  it('files a pending check under its request, marked pending, its live PIN masked', () => {
    const [record, ...rest] = toStoredCalls(pendingCheck('live/verify/check/json'))
    expect(rest).toEqual([])
    expect(record).toMatchObject({ key: `page-7|${A}`, request_id: A, kind: 'action' })
    expect(record!.call).toMatchObject({
      pending: true,
      body: { request_id: A, code: '$CODE' },
      masked: ['code'],
      httpStatus: null,
    })
    expect(JSON.stringify(record)).not.toContain('1234')
    // The answered call is filed under the same key: it replaces the pending record.
    const answered = pendingCheck('live/verify/check/json', {
      httpStatus: 200,
      response: { request_id: A, status: '0' },
    })
    delete answered.pending
    const [done] = toStoredCalls(answered)
    expect(done!.key).toBe(record!.key)
    expect(done!.call.pending).toBeUndefined()
  })

  it('keeps nothing of a pending start: it has no request_id yet', () => {
    const start = call({
      method: 'POST',
      path: 'sandbox/verify/json',
      query: {},
      body: { number: '447700900001', brand: 'Acme' },
      httpStatus: null,
      response: null,
      pending: true,
    })
    expect(toStoredCalls(start)).toEqual([])
  })

  it('lets the answered copy of a call win over its pending copy, in any order', () => {
    const pending = pendingCheck('sandbox/verify/check/json', { startedAt: 5 })
    const answered: ApiCall = { ...pending, httpStatus: 200, response: { status: '16' } }
    delete answered.pending
    const other = call({ key: 'k0', startedAt: 1 })
    for (const merged of [
      mergeCalls([pending], [answered, other]),
      mergeCalls([answered], [pending, other]),
      mergeCalls([pending, other], [answered]),
    ]) {
      expect(merged.map((c) => [c.key, c.pending, c.httpStatus])).toEqual([
        ['page-7', undefined, 200],
        ['k0', undefined, 200],
      ])
    }
  })

  it('tells a call awaited by this page from one that got no answer where it was sent', () => {
    const pending = pendingCheck('sandbox/verify/check/json')
    expect(callProgress(pending, new Set(['page-7']))).toBe('waiting')
    expect(callProgress(pending, new Set())).toBe('unanswered')
    expect(callProgress(call(), new Set(['page-1']))).toBe('answered')
    // A call that failed without an answer is answered: its failure is recorded.
    expect(
      callProgress(call({ httpStatus: null, error: { kind: 'network', message: 'x' } }), new Set()),
    ).toBe('answered')
  })
})
