/**
 * The engine fuzz (request-model-engine-fuzz) at the edges: the clock moves by any millisecond,
 * often to just before, or at, the time the next event is due (where a trigger sent elsewhere
 * changes nothing in the API's whole-second dates but whether a PIN expired), and the time this
 * dashboard has of its own triggers is off by up to 3 s either way (the most it allows: the
 * call's middle on this browser's clock). Whatever the page states must still be true.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { falseClaimsAfter, scenarioOf } from './request-model-engine-support'

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

const scenario = scenarioOf(step)

describe('a live request as search shows it, at the edges of its times', () => {
  // A thousand runs: seconds on an idle machine, many times that on a busy one (a limit for a hung
  // run, not a measure of speed).
  it('states only what is true of its events, PIN and attempts', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const claims = falseClaimsAfter(s, (action, { sandbox, id, record, now, triggeredAt }) => {
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
        })
        expect(claims).toEqual([])
      }),
      { numRuns: 1000, seed: Number(process.env.PROPERTY_SEED ?? 20261128) },
    )
  })
})
