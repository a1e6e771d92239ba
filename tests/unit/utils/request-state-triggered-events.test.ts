import { describe, expect, it } from 'vitest'
import { triggeredEventTimes, type LoggedCall } from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const OTHER = '0123456789abcdef0123456789abcdef'
const T0 = Date.parse('2026-01-02T03:04:05Z')

type Call = LoggedCall & { body: Record<string, string> | null }

function control(
  key: string,
  startedAt: number,
  body: Record<string, string>,
  response: unknown,
  patch: Partial<Call> = {},
): Call {
  return {
    key,
    method: 'POST',
    path: 'live/verify/control/json',
    startedAt,
    durationMs: 200,
    httpStatus: 200,
    response,
    error: null,
    body,
    ...patch,
  }
}

const next = (id = ID) => ({ request_id: id, cmd: 'trigger_next_event' })
const sent = { status: '0', command: 'trigger_next_event' }

describe("triggeredEventTimes: the next events this dashboard's triggers sent", () => {
  it('takes the triggers answered status 0, oldest first, in the middle of each call', () => {
    const calls = [
      control('second', T0 + 14_000, next(), sent),
      control('first', T0 + 11_000, next(), { status: 0, command: 'trigger_next_event' }),
    ]
    expect(triggeredEventTimes(calls, ID)).toEqual([T0 + 11_100, T0 + 14_100])
  })

  it("counts them on the API's clock: the sandbox's runs ahead by its offset", () => {
    expect(triggeredEventTimes([control('a', T0, next(), sent)], ID, 60_000)).toEqual([T0 + 60_100])
  })

  it('leaves out what sent no event, or may not have: refused, unanswered, failed, a cancel', () => {
    const calls = [
      control('none left', T0, next(), { status: '19', error_text: 'No more events' }),
      control('unanswered', T0, next(), null, { pending: true, httpStatus: null }),
      control('failed', T0, next(), null, {
        httpStatus: 504,
        error: { kind: 'http', message: 'Gateway Timeout' },
      }),
      control('cancel', T0, { request_id: ID, cmd: 'cancel' }, { status: '0', command: 'cancel' }),
      control('other request', T0, next(OTHER), sent),
      { ...control('search', T0, next(), sent), method: 'GET', path: 'live/verify/search/json' },
    ]
    expect(triggeredEventTimes(calls, ID)).toEqual([])
  })
})
