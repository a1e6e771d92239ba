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
import { falseClaimsAfter, scenarioOf } from './request-model-engine-support'

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

const scenario = scenarioOf(step)

describe('a live request as search shows it, against the engine that ran it', () => {
  // A thousand runs: seconds on an idle machine, many times that on a busy one (a limit for a hung
  // run, not a measure of speed).
  it('states only what is true of its events, PIN and attempts', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const claims = falseClaimsAfter(s, (action, { sandbox, id, now, triggeredAt }) => {
          if (action.kind === 'wait') sandbox.advance(action.ms / 1000)
          else if (action.kind === 'wrong') {
            sandbox.call('check', { request_id: id, code: '0000' })
          } else {
            const answer = sandbox.call('control', { request_id: id, cmd: 'trigger_next_event' })
            // The call's middle: the event went out somewhere within the call.
            if (action.ours && answer.status === '0') {
              triggeredAt.push(now + action.midOffset * action.callMs)
            }
          }
        })
        expect(claims).toEqual([])
      }),
      { numRuns: 1000, seed: Number(process.env.PROPERTY_SEED ?? 20261127) },
    )
  })
})
