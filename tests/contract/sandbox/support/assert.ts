import { expect } from 'vitest'
import type { Body, RawResponse } from './http'
import { SEARCH_STATUSES } from './texts'

export const REQUEST_ID = /^[0-9a-f]{32}$/
export const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** Every leaf value of an API answer is a string (arrays and objects are walked). */
export function expectAllStrings(value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectAllStrings(v, `${path}[${i}]`))
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectAllStrings(v, `${path}.${k}`)
  } else {
    expect(typeof value, `${path} = ${JSON.stringify(value)}`).toBe('string')
  }
}

/** A verification request object as search returns it (SPEC searchResponse). */
export function expectSearchObject(obj: Body, requestId?: string): void {
  expectAllStrings(obj)
  for (const field of [
    'request_id',
    'account_id',
    'number',
    'sender_id',
    'date_submitted',
    'date_finalized',
    'first_event_date',
    'last_event_date',
    'price',
    'currency',
    'status',
    'checks',
    'events',
  ]) {
    expect(obj, `search object has ${field}`).toHaveProperty(field)
  }
  expect(obj.request_id).toMatch(REQUEST_ID)
  if (requestId) expect(obj.request_id).toBe(requestId)
  expect(SEARCH_STATUSES).toContain(obj.status)
  expect(obj.date_submitted).toMatch(DATE)
  if (obj.status === 'IN PROGRESS') expect(obj.date_finalized).toBe('')
  else expect(obj.date_finalized).toMatch(DATE)
  expect(obj.currency).toBe('EUR')
  expect(obj.price).toMatch(/^\d+(\.\d+)?$/)
  expect(Array.isArray(obj.checks)).toBe(true)
  for (const c of obj.checks as Body[]) {
    expect(Object.keys(c).sort()).toEqual(['code', 'date_received', 'ip_address', 'status'])
    expect(['VALID', 'INVALID']).toContain(c.status)
    expect(c.date_received).toMatch(DATE)
  }
  expect(Array.isArray(obj.events)).toBe(true)
  for (const e of obj.events as Body[]) {
    expect(Object.keys(e).sort()).toEqual(['id', 'type'])
    expect(['sms', 'tts']).toContain(e.type)
    expect(e.id).toMatch(/^\S+$/)
  }
}

/** The trace id an RFC 7807 problem answer carries as its `instance`. */
const TRACE = /^[0-9a-f]{32}$/

/**
 * An RFC 7807 problem answer (as network-unblock gives): `status`, and a JSON body of exactly
 * `problem` plus a trace id as its `instance`. `label` names the case in a failure.
 */
export function expectProblem(
  res: RawResponse,
  status: number,
  problem: Record<string, unknown>,
  label?: string,
): void {
  expect(res.status, label).toBe(status)
  expect(JSON.parse(res.text)).toEqual({ ...problem, instance: expect.stringMatching(TRACE) })
}
