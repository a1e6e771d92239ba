import { describe, expect, it } from 'vitest'
import { RateLimiter, type Timers } from '../../../server/proxy/limiter'

// Calls held by the upstream rate limit go out in the order they came (first come, first
// served), even when a timer fires late: a call that arrives after a slot is back, but before
// the limiter has woken up to hand it to the longest waiting call, queues behind that call.

/** A clock the test moves by hand, whose timers fire only when the test says so (late timers). */
function lateTimers() {
  let now = 0
  const timers: Array<{ at: number; fn: () => void }> = []
  const api: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn }
      timers.push(timer)
      return timer
    },
    clearTimeout: (handle) => {
      const i = timers.findIndex((t) => t === handle)
      if (i >= 0) timers.splice(i, 1)
    },
  }
  return {
    api,
    /** Moves the clock without firing anything. */
    moveTo(ms: number) {
      now = ms
    },
    /** Fires the timers due by now, earliest first. */
    fireDue() {
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)
      for (const t of due) timers.splice(timers.indexOf(t), 1)
      for (const t of due) t.fn()
    },
  }
}

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('the upstream rate limit, when its wake-up timer fires late', () => {
  it('starts calls in the order they came, a new one behind those already waiting', async () => {
    const clock = lateTimers()
    const limiter = new RateLimiter({
      name: 'upstream',
      ratePerSecond: 1,
      maxQueue: 10,
      timers: clock.api,
    })
    const started: string[] = []
    const call = (name: string) =>
      limiter.schedule(async () => {
        started.push(name)
        return name
      })

    const all = [call('A'), call('B'), call('C')]
    await flush()
    expect(started).toEqual(['A'])
    expect(limiter.waiting).toBe(2)

    // A's slot is back at 1000 ms; the timer that hands it on has not fired yet.
    clock.moveTo(1000)
    all.push(call('D'))
    await flush()
    expect(started).toEqual(['A'])
    expect(limiter.waiting).toBe(3)

    clock.fireDue()
    await flush()
    expect(started).toEqual(['A', 'B'])
    for (const at of [2000, 3000]) {
      clock.moveTo(at)
      clock.fireDue()
      await flush()
    }
    expect(started).toEqual(['A', 'B', 'C', 'D'])
    expect(await Promise.all(all)).toEqual(['A', 'B', 'C', 'D'])
  })
})
