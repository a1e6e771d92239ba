/**
 * When the messages and calls of a request went out and which of them brought a new PIN, worked
 * out from what a search answer tells (the times of the first and the last only), the schedule of
 * the parameters sent and the next events this dashboard triggered. Times not known exactly are
 * bounds (`Span`). Pure.
 */
import type { WorkflowSchedule } from '@contract/workflows'

/**
 * How far a time worked out here may be from the API's: its dates have whole seconds, a message
 * may go out a little after it is due, and this browser's clock (the time of a trigger sent from
 * here) may differ from the API's by a second or two.
 */
const SLACK_MS = 3_000
/** How far apart two of the API's dates may be from what they stand for: whole seconds. */
const ROUNDING_MS = 1_000

/** Bounds of a time not known exactly, epoch ms (`-Infinity`, `Infinity`: unbounded). */
export interface Span {
  lo: number
  hi: number
}

export const point = (at: number): Span => ({ lo: at, hi: at })

/** What the events of a search answer say of their times and PINs (see `eventTimes`). */
export interface EventTimes {
  /** When each went out, `null` when not known. */
  at: (number | null)[]
  /** Whether each brought a new PIN, `null` when not known. */
  newPin: (boolean | null)[]
  /**
   * When the current PIN went out: exactly (`lo === hi`) or within bounds (infinite when the times
   * are not known); `null` when there is no event.
   */
  pin: Span | null
}

/** Milliseconds between each event of a schedule and the next. */
function scheduleWaits(schedule: WorkflowSchedule): number[] {
  return schedule.events.slice(1).map((e, i) => (e.at - (schedule.events[i]?.at ?? 0)) * 1000)
}

/**
 * Whether a message or call at `at` brought a new PIN, the current one having gone out at `pin`:
 * only once `pinExpiry` ms have passed since. `margin` is how far off either time may be: `null`
 * (not known) when the answer depends on where in those bounds they are.
 */
function renews(at: Span, pin: Span, pinExpiry: number | null, margin: number): boolean | null {
  if (pinExpiry === null) return null
  if (at.lo - pin.hi >= pinExpiry + margin) return true
  if (at.hi - pin.lo < pinExpiry - margin) return false
  return null
}

/** The PIN after an event that renewed it (`true`), did not, or may have (`null`). */
function pinAfter(pin: Span, at: Span, renewed: boolean | null): Span {
  if (renewed === true) return at
  return renewed === null ? { lo: pin.lo, hi: Math.max(pin.hi, at.hi) } : pin
}

/** The timeline `simulate` worked out (see there). */
interface Run {
  /** When each event went out: at a trigger of this dashboard, or the wait after the one before. */
  times: number[]
  /** The event each time is counted from (the first, or a trigger). */
  anchors: number[]
  /**
   * How far the last event the API reports is from the time worked out (`end` minus it): within
   * SLACK_MS. The events counted from the same anchor as the last may be off by as much.
   */
  off: number
}

/**
 * The timeline the request would have had if its only early events were the ones this dashboard
 * triggered (`triggeredAt`, sorted): each event goes out when it is due (the wait after the one
 * before) or at the next trigger if that comes first. `anchor` is the event each time is counted
 * from (the first, or a trigger), so two times with the same anchor are apart exactly by the
 * schedule. Null when it does not end with the last event the API reports (`end`): something
 * else triggered an event, or a trigger of this dashboard is not known (another application,
 * a call whose answer was lost); or when it leaves out a trigger dated within the request (each
 * sent one of its events: one dated at or after the time an event was due, a second or two
 * late, sent that event, not the next).
 */
function simulate(
  count: number,
  start: number,
  end: number,
  waits: readonly number[],
  triggeredAt: readonly number[],
): Run | null {
  if ((triggeredAt[0] ?? Infinity) < start - SLACK_MS) return null
  const times = [start]
  const anchors = [0]
  let next = 0
  for (let i = 1; i < count; i++) {
    const before = times[i - 1] ?? start
    const wait = waits[i - 1]
    if (wait === undefined) return null
    const due = before + wait
    const trigger = triggeredAt[next]
    if (trigger !== undefined && trigger < due) {
      times.push(Math.max(trigger, before))
      anchors.push(i)
      next++
    } else {
      times.push(due)
      anchors.push(anchors[i - 1] ?? 0)
    }
  }
  if ((triggeredAt[next] ?? Infinity) <= end + SLACK_MS) return null
  const off = end - (times[count - 1] ?? start)
  return Math.abs(off) <= SLACK_MS ? { times, anchors, off } : null
}

/**
 * When the events of a search answer went out and which brought a new PIN. The API gives the
 * times of the first (`start`) and the last (`end`) only. Those between are worked out from the
 * schedule and the triggers this dashboard sent when that accounts for the last event's time;
 * otherwise they are not known, only bounded: after the event before, before the one after, no
 * later than the wait after the event before (a trigger only makes an event come earlier), and
 * by this dashboard's triggers (each sent one of them when it was answered). An event brings a new
 * PIN only if the PIN it replaces has expired by then (`pin_expiry` after it went out); where its
 * time is only bounded, the bounds decide it if they can. `schedule` is null when the parameters
 * the request was sent with are not known: no wait is then assumed, only the triggers bound the
 * times.
 */
export function eventTimes(
  count: number,
  start: number | null,
  end: number | null,
  schedule: WorkflowSchedule | null,
  triggeredAt: readonly number[],
): EventTimes {
  if (count === 0) return { at: [], newPin: [], pin: null }
  const last = count === 1 ? start : end
  const pinExpiry = schedule ? schedule.pinExpiry * 1000 : null
  const waits = schedule ? scheduleWaits(schedule) : null
  const sorted = [...triggeredAt].sort((a, b) => a - b)
  const run =
    start !== null && last !== null && waits ? simulate(count, start, last, waits, sorted) : null
  if (start !== null && last !== null && run && pinExpiry !== null) {
    return fromRun(run, start, last, pinExpiry)
  }
  return fromBounds(count, start, last, waits, pinExpiry, sorted)
}

/**
 * Whether a PIN lasting `pinExpiry` had expired when an event went out, the PIN having gone out
 * between `lo` and `hi` ms before it: `null` when that depends on where in those bounds.
 */
function expiredWithin(lo: number, hi: number, pinExpiry: number): boolean | null {
  if (lo >= pinExpiry) return true
  return hi < pinExpiry ? false : null
}

/**
 * `eventTimes` when the schedule and this dashboard's triggers account for the last event. What
 * that confirms: the first, the events a trigger sent, and those counted from the same anchor as
 * the last (the API's time for the last is theirs plus the schedule's waits). An event counted
 * from an earlier anchor, a trigger coming after it, is not: one sent earlier by someone else (or
 * by a trigger whose answer was lost) leaves the same answer. Its time is only bounded: no earlier
 * than the event before, no later than the wait after it nor than the next event.
 *
 * One tolerance for both: the last event may be off the schedule by up to SLACK_MS and still
 * confirm it, and whether an event renewed the PIN is then judged with the events counted from the
 * last's anchor off by as much as the last is (an event due at the PIN's expiry and reported 2 s
 * early may have come before it: not known). The API's dates have whole seconds, so the last is
 * off by up to a second more than they show, early or late: an event due at the PIN's expiry and
 * reported on the second may have been sent elsewhere in the second before (the PIN resent), not
 * known; reported a second late, it came after (a new PIN).
 */
function fromRun(run: Run, start: number, end: number, pinExpiry: number): EventTimes {
  const count = run.times.length
  const tail = run.anchors[count - 1]
  const confirmed = run.anchors.map((anchor, i) => i === 0 || anchor === i || anchor === tail)
  const worked = (i: number) => run.times[i] ?? start
  // The confirmed: the API's own times for the first and last; the others never before the one
  // before them, nor after the last.
  const shown: (number | null)[] = []
  let floor = start
  for (let i = 0; i < count; i++) {
    if (!confirmed[i]) {
      shown.push(null)
      continue
    }
    const at = i === 0 ? start : i === count - 1 ? end : Math.min(end, Math.max(floor, worked(i)))
    shown.push(at)
    floor = at
  }
  const spans: Span[] = []
  for (let i = 0; i < count; i++) {
    const at = shown[i]
    if (at !== null && at !== undefined) {
      spans.push({ lo: at - SLACK_MS, hi: at + SLACK_MS })
      continue
    }
    const lo = Math.max(start, spans[i - 1]?.lo ?? start)
    const next = shown.slice(i + 1).find((t) => t !== null) ?? end
    spans.push({ lo, hi: Math.max(lo, Math.min(worked(i) + SLACK_MS, next)) })
  }
  const newPin: (boolean | null)[] = [true]
  /** The confirmed event that sent the current PIN, while that is known. */
  let pinEvent: number | null = 0
  let pin = point(start)
  for (let i = 1; i < count; i++) {
    const span = spans[i]!
    let renewed: boolean | null
    if (pinEvent !== null && confirmed[i]) {
      // Apart by the schedule's waits, from a trigger's time (itself off by up to SLACK_MS) unless
      // both are counted from the same anchor; the last event the API reports off the schedule
      // by `off` (give or take its dates' second) leaves the events counted from its anchor off
      // by as much. Late by less than a second more changes nothing: the dates and the waits are
      // whole seconds, so an event before the expiry by the schedule is a second before it.
      const apart = worked(i) - worked(pinEvent)
      const slack = run.anchors[i] === run.anchors[pinEvent] ? 0 : SLACK_MS
      const off = run.anchors[i] === tail ? run.off : 0
      // The first and the last carry the API's own dates, each within a second of its event:
      // what they tell holds whatever the times worked out between.
      const dated =
        pinEvent === 0 && i === count - 1
          ? renews(point(end), point(start), pinExpiry, ROUNDING_MS)
          : null
      renewed =
        dated ??
        expiredWithin(
          apart - slack + Math.min(0, off - ROUNDING_MS),
          apart + slack + Math.max(0, off),
          pinExpiry,
        )
    } else {
      renewed = renews(span, pin, pinExpiry, SLACK_MS)
    }
    newPin.push(renewed)
    const known = shown[i]
    if (renewed === true && known !== null && known !== undefined) {
      pinEvent = i
      pin = point(known)
    } else {
      if (renewed !== false) pinEvent = null
      pin = renewed === true ? span : pinAfter(pin, span, renewed)
    }
  }
  // An event not confirmed has no time shown: it is the second of three, due a wait (a minute at
  // least) after the first and sent no later than the third, triggered here at or after that:
  // its bounds are far more than the API's lateness apart.
  return { at: shown, newPin, pin }
}

/**
 * The times of the events between the first and the last that this dashboard's triggers
 * (`triggeredAt`, sorted) sent, each trigger answered status 0 having sent one event: all the
 * events after the first when there are as many triggers and the last is dated as the last event;
 * or those between when as many triggers are dated before the last. A trigger dated before the
 * first event, or after the last, sent none of them. `null` where not known.
 */
function triggeredTimes(
  count: number,
  triggeredAt: readonly number[],
  start: number,
  end: number,
): (number | null)[] {
  const ours = triggeredAt.filter((t) => t >= start - SLACK_MS && t <= end + SLACK_MS)
  const between = ours.filter((t) => t < end - SLACK_MS)
  const lastOurs = ours.length === count - 1 && Math.abs((ours[count - 2] ?? 0) - end) <= SLACK_MS
  const sent = lastOurs ? ours : between.length === count - 2 ? between : []
  return Array.from({ length: count }, (_, i) => {
    const t = i === 0 || i === count - 1 ? undefined : sent[i - 1]
    return t === undefined ? null : Math.min(end, Math.max(start, t))
  })
}

/** `eventTimes` from the bounds alone: the times between the first and the last are not known. */
function fromBounds(
  count: number,
  start: number | null,
  end: number | null,
  waits: readonly number[] | null,
  pinExpiry: number | null,
  triggeredAt: readonly number[],
): EventTimes {
  const known = (i: number) => (i === 0 ? start : i === count - 1 ? end : null)
  const order: Span[] = []
  for (let i = 0; i < count; i++) {
    const at = known(i)
    order.push(at === null ? { lo: -Infinity, hi: Infinity } : point(at))
  }
  const exact =
    start !== null && end !== null
      ? triggeredTimes(count, triggeredAt, start, end)
      : order.map(() => null)
  // A trigger's time is this browser's estimate: off by up to SLACK_MS.
  exact.forEach((t, i) => {
    if (t !== null) order[i] = { lo: t - SLACK_MS, hi: t + SLACK_MS }
  })
  // Never before the event before, never after the event after.
  for (let i = 1; i < count; i++) order[i]!.lo = Math.max(order[i]!.lo, order[i - 1]!.lo)
  for (let i = count - 2; i >= 0; i--) order[i]!.hi = Math.min(order[i]!.hi, order[i + 1]!.hi)
  const spans = waits ? (withWaits(order, waits) ?? order) : order
  const newPin: (boolean | null)[] = [true]
  let pin = spans[0]!
  for (let i = 1; i < count; i++) {
    const span = spans[i]!
    const renewed = renews(span, pin, pinExpiry, ROUNDING_MS)
    newPin.push(renewed)
    pin = pinAfter(pin, span, renewed)
  }
  // A time between is shown only where the bounds leave no more than the API's lateness open.
  const at = spans.map(
    (span, i) => known(i) ?? exact[i] ?? (span.hi - span.lo <= 2 * SLACK_MS ? middle(span) : null),
  )
  return { at, newPin, pin }
}

/**
 * The bounds `spans` narrowed by the schedule's waits: an event goes out at the latest the wait
 * after the one before it (give or take the API's lateness). Null when they do not fit (the
 * parameters assumed are not the ones the request was sent with).
 */
function withWaits(spans: readonly Span[], waits: readonly number[]): Span[] | null {
  const out = spans.map((s) => ({ ...s }))
  for (let round = 0; round < out.length; round++) {
    for (let i = 1; i < out.length; i++) {
      const wait = (waits[i - 1] ?? Infinity) + SLACK_MS
      out[i]!.hi = Math.min(out[i]!.hi, out[i - 1]!.hi + wait)
      out[i - 1]!.lo = Math.max(out[i - 1]!.lo, out[i]!.lo - wait)
    }
  }
  return out.every((s) => s.lo <= s.hi) ? out : null
}

/** The middle of bounds, to the whole second (as the API's own times are). */
const middle = (span: Span) => wholeSecond((span.lo + span.hi) / 2)

/** A time to the whole second below: the API dates its checks in whole seconds. */
export const wholeSecond = (at: number) => Math.floor(at / 1000) * 1000
