import { describe, expect, it } from 'vitest'
import type { ApiCall } from '@/api/client'
import {
  MAX_RESPONSE_CHARS,
  mergeCalls,
  overflowKeys,
  storableCall,
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
