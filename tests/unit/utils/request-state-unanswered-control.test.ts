import { describe, expect, it } from 'vitest'
import { UNANSWERED_CALL_LIMIT_MS, unansweredControl, type LoggedCall } from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const T0 = Date.parse('2026-01-02T03:04:05Z')

const cancel: LoggedCall & { body: Record<string, string> } = {
  key: 'cancel-1',
  method: 'POST',
  path: 'sandbox/verify/control/json',
  startedAt: T0,
  durationMs: 0,
  httpStatus: null,
  response: null,
  error: null,
  pending: true,
  body: { request_id: ID, cmd: 'cancel' },
}

function search(startedAt: number): LoggedCall {
  return {
    key: `read-${startedAt}`,
    method: 'GET',
    path: 'sandbox/verify/search/json',
    startedAt,
    durationMs: 50,
    httpStatus: 200,
    response: { request_id: ID, status: 'IN PROGRESS', checks: [] },
    error: null,
  }
}

describe('unansweredControl: a cancel or next event with no answer recorded', () => {
  it('is in doubt until a read is sent once it can no longer be on its way', () => {
    expect(unansweredControl([cancel], ID)).toEqual({ call: cancel, cmd: 'cancel' })
    expect(unansweredControl([search(T0 + 1_000), cancel], ID)?.cmd).toBe('cancel')
    expect(unansweredControl([search(T0 + UNANSWERED_CALL_LIMIT_MS), cancel], ID)).toBeNull()
  })

  it('is none when it is on its way from this page, or was answered', () => {
    expect(unansweredControl([cancel], ID, new Set(['cancel-1']))).toBeNull()
    const answered = { ...cancel, pending: undefined, httpStatus: 200, response: { status: '0' } }
    expect(unansweredControl([answered], ID)).toBeNull()
  })
})
