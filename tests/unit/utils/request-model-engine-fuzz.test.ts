/**
 * What the request page says of a live request from a search answer, held against the sandbox
 * engine's own account of the same request: random workflows and parameters, next events triggered
 * here (their times known, as a call's middle) and elsewhere (not known), wrong codes, time moving
 * on (the request started within a second, the API's dates having whole seconds). Whatever the
 * page states must be true: an event's time within the lateness allowed, whether it brought a new
 * PIN, the attempts left (never more than there are), when the PIN expires; where it cannot know,
 * it says nothing. Time moves by whole seconds here; request-model-engine-boundary-fuzz moves it
 * by any millisecond, to the edges of the times.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import type { AdminRequest } from '@contract/admin'
import { adminPinExpiresAt, fromSearch, type RequestModel } from '@/utils/request-model'
import { fakeEngine, T0 } from '../sandbox/support'

/** How far a time stated may be from the API's: its lateness (3 s) and its whole seconds. */
const TIME_SLACK_MS = 4_000

type Step =
  | { kind: 'wait'; ms: number }
  | { kind: 'trigger'; ours: boolean; callMs: number; midOffset: number }
  | { kind: 'wrong' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 0, max: 400 }).map((seconds) => seconds * 1000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('trigger' as const),
      ours: fc.boolean(),
      callMs: fc.integer({ min: 0, max: 400 }),
      midOffset: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
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

describe('a live request as search shows it, against the engine that ran it', () => {
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
          if (sandbox.engine.getRequest(id)?.status !== 'IN PROGRESS') break
          if (action.kind === 'wait') sandbox.advance(action.ms / 1000)
          else if (action.kind === 'wrong') {
            sandbox.call('check', { request_id: id, code: '0000' })
          } else {
            const at = T0 + sandbox.elapsed * 1000
            const answer = sandbox.call('control', { request_id: id, cmd: 'trigger_next_event' })
            // The call's middle: the event went out somewhere within the call.
            if (action.ours && answer.status === '0') {
              triggeredAt.push(at + action.midOffset * action.callMs)
            }
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
      { numRuns: 1000, seed: 20261127 },
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
