/**
 * The driver of the engine fuzz tests (request-model-engine-fuzz, request-model-engine-boundary-fuzz):
 * a request the sandbox engine runs through random steps, then what the request page makes of
 * search's answer for it, held against the engine's own account of the same request.
 */
import fc from 'fast-check'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import type { AdminRequest } from '@contract/admin'
import { adminPinExpiresAt, fromSearch, type RequestModel } from '@/utils/request-model'
import type { RequestRecord } from '../../../server/sandbox/engine'
import { fakeEngine, T0 } from '../sandbox/support'

/** How far a time stated may be from the API's: its lateness (3 s) and its whole seconds. */
const TIME_SLACK_MS = 4_000

/** A request's workflow and parameters, when it starts within its second, and its `steps`. */
export interface Scenario<S> {
  workflow: number
  pinExpiry: number | undefined
  nextEventWait: number | undefined
  startMs: number
  /** Looked up (its parameters unknown here), or started from this dashboard. */
  lookedUp: boolean
  steps: S[]
}

export function scenarioOf<S>(step: fc.Arbitrary<S>): fc.Arbitrary<Scenario<S>> {
  return fc.record({
    workflow: fc.integer({ min: 1, max: 7 }),
    pinExpiry: fc.option(fc.constantFrom(60, 120, 180, 240, 300, 360, 600, 900), {
      nil: undefined,
    }),
    nextEventWait: fc.option(fc.constantFrom(60, 90, 120, 180, 300, 900), { nil: undefined }),
    startMs: fc.integer({ min: 0, max: 999 }),
    lookedUp: fc.boolean(),
    steps: fc.array(step, { maxLength: 8 }),
  })
}

/** What a step acts on: the engine, its request (still in progress), the time, our triggers. */
export interface StepAt {
  sandbox: ReturnType<typeof fakeEngine>
  id: string
  record: RequestRecord
  /** The engine's clock, in ms. */
  now: number
  /** When this dashboard sent the triggers it knows of: a step adds its own. */
  triggeredAt: number[]
}

/**
 * Runs `s` on a fresh engine, each step by `act` while the request is in progress; what the page
 * then states of the request from search's answer that the engine says is not so.
 */
export function falseClaimsAfter<S>(s: Scenario<S>, act: (step: S, at: StepAt) => void): string[] {
  const sandbox = fakeEngine()
  sandbox.advance(s.startMs / 1000)
  const params: Record<string, string> = { workflow_id: String(s.workflow) }
  if (s.pinExpiry !== undefined) params.pin_expiry = String(s.pinExpiry)
  if (s.nextEventWait !== undefined) params.next_event_wait = String(s.nextEventWait)
  const id = sandbox.start(params)
  const triggeredAt: number[] = []
  for (const step of s.steps) {
    const record = sandbox.engine.getRequest(id)
    if (record?.status !== 'IN PROGRESS') break
    act(step, { sandbox, id, record, now: T0 + sandbox.elapsed * 1000, triggeredAt })
  }
  const record = sandbox.engine.getRequest(id)!
  const truth = sandbox.engine.adminView(record)
  const search = sandbox.call('search', { request_id: id }) as unknown as SearchedRequest
  const entry: HistoryEntry = s.lookedUp
    ? emptyEntry(id, 0, 'live')
    : { ...emptyEntry(id, 0, 'live'), source: 'started', params }
  const model = fromSearch('live', search, entry, { triggeredAt })
  return falseClaims(model, truth)
}

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
