/**
 * The engine fuzz (request-model-engine-fuzz) at the edges: the clock moves by any millisecond,
 * often to just before, or at, the time the next event is due (where a trigger sent elsewhere
 * changes nothing in the API's whole-second dates but whether a PIN expired), and the time this
 * dashboard has of its own triggers is off by up to 3 s either way (the most it allows: the
 * call's middle on this browser's clock). Whatever the page states must still be true.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import type { AdminRequest } from '@contract/admin'
import { adminPinExpiresAt, fromSearch, type RequestModel } from '@/utils/request-model'
import { fakeEngine, T0 } from '../sandbox/support'

/** How far a time stated may be from the API's: its lateness (3 s) and its whole seconds. */
const TIME_SLACK_MS = 4_000
/** How far this dashboard's time of its own trigger may be from the event it sent. */
const TRIGGER_OFF_MS = 3_000

type Step =
  | { kind: 'wait'; ms: number }
  | { kind: 'toDue'; ms: number }
  | { kind: 'trigger'; ours: boolean; off: number }
  | { kind: 'wrong' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 0, max: 400_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('toDue' as const),
      ms: fc.constantFrom(3000, 2000, 1500, 1000, 999, 500, 1, 0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('trigger' as const),
      ours: fc.boolean(),
      off: fc.oneof(
        fc.constantFrom(-TRIGGER_OFF_MS, TRIGGER_OFF_MS, -999, 999, 0),
        fc.integer({ min: -TRIGGER_OFF_MS, max: TRIGGER_OFF_MS }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrong' as const) }) },
)

const scenario = fc.record({
  workflow: fc.integer({ min: 1, max: 7 }),
  pinExpiry: fc.option(fc.constantFrom(60, 120, 180, 240, 300, 360, 600, 900), { nil: undefined }),
  nextEventWait: fc.option(fc.constantFrom(60, 90, 120, 180, 300, 900), { nil: undefined }),
  startMs: fc.integer({ min: 0, max: 999 }),
  lookedUp: fc.boolean(),
  steps: fc.array(step, { maxLength: 8 }),
})

describe('a live request as search shows it, at the edges of its times', () => {
  it('states only what is true of its events, PIN and attempts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const sandbox = fakeEngine()
        sandbox.advance(s.startMs / 1000)
        const params: Record<string, string> = { workflow_id: String(s.workflow) }
        if (s.pinExpiry !== undefined) params.pin_expiry = String(s.pinExpiry)
        if (s.nextEventWait !== undefined) params.next_event_wait = String(s.nextEventWait)
        const id = sandbox.start(params)
        const triggeredAt: number[] = []
        for (const action of s.steps) {
          const record = sandbox.engine.getRequest(id)
          if (record?.status !== 'IN PROGRESS') break
          const now = T0 + sandbox.elapsed * 1000
          if (action.kind === 'wait') sandbox.advance(action.ms / 1000)
          else if (action.kind === 'toDue') {
            // To `ms` before the next event is due (when that is still ahead).
            const due = sandbox.engine.adminView(record).next_event_at
            const to = due ? Date.parse(due) - action.ms : now
            sandbox.advance(Math.max(0, to - now) / 1000)
          } else if (action.kind === 'wrong') {
            sandbox.call('check', { request_id: id, code: '0000' })
          } else {
            const answer = sandbox.call('control', { request_id: id, cmd: 'trigger_next_event' })
            if (action.ours && answer.status === '0') triggeredAt.push(now + action.off)
          }
        }
        const record = sandbox.engine.getRequest(id)!
        const truth = sandbox.engine.adminView(record)
        const search = sandbox.call('search', { request_id: id }) as unknown as SearchedRequest
        const entry: HistoryEntry = s.lookedUp
          ? emptyEntry(id, 0, 'live')
          : { ...emptyEntry(id, 0, 'live'), source: 'started', params }
        const model = fromSearch('live', search, entry, { triggeredAt })

        expect(falseClaims(model, truth)).toEqual([])
      }),
      { numRuns: 1000, seed: 20261128 },
    )
  })
})

/** What the page states of a request that the engine's own view of it says is not so. */
function falseClaims(model: RequestModel, truth: AdminRequest): string[] {
  const wrong: string[] = []
  model.events.forEach((event, i) => {
    const real = truth.events[i]
    const sentAt = real ? Date.parse(real.sent_at) : NaN
    if (event.at !== null && !(Math.abs(event.at - sentAt) <= TIME_SLACK_MS)) {
      wrong.push(`event ${i} at ${event.at}, sent at ${sentAt}`)
    }
    if (event.newPin !== null && event.newPin !== real?.new_pin) {
      wrong.push(`event ${i} new PIN ${event.newPin}`)
    }
  })
  if (
    model.attemptsLeft !== null &&
    truth.status === 'IN PROGRESS' &&
    model.attemptsLeft > truth.attempts_left
  ) {
    wrong.push(`${model.attemptsLeft} attempts left, ${truth.attempts_left} really`)
  }
  const pinEnd = adminPinExpiresAt(truth)
  if (
    model.pinExpiresAt !== null &&
    pinEnd !== null &&
    Math.abs(model.pinExpiresAt - pinEnd) > TIME_SLACK_MS
  ) {
    wrong.push(`PIN expires at ${model.pinExpiresAt}, really ${pinEnd}`)
  }
  return wrong
}
