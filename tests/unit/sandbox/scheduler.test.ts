import { describe, expect, it, vi } from 'vitest'
import { Scheduler, createTimer } from '../../../server/sandbox/scheduler'
import type { TimerHost } from '../../../server/sandbox/scheduler'
import { fakeEngine } from './support'

// One test drives 20,000 requests and 40,000 messages: many seconds on a busy machine. The time
// limit here only catches a hang.
vi.setConfig({ testTimeout: 120_000 })

describe('Scheduler (binary heap)', () => {
  it('pops entries in time order, ties in insertion order', () => {
    const heap = new Scheduler()
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 101)
    times.forEach((at, i) => heap.push(at, `e${i}`))
    const popped: { at: number; id: string }[] = []
    for (let e = heap.pop(); e; e = heap.pop()) popped.push({ at: e.at, id: e.id })
    const expected = times
      .map((at, i) => ({ at, id: `e${i}`, i }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map(({ at, id }) => ({ at, id }))
    expect(popped).toEqual(expected)
  })

  it('popDue only returns entries due at the given time', () => {
    const heap = new Scheduler()
    heap.push(30, 'c')
    heap.push(10, 'a')
    heap.push(20, 'b')
    expect(heap.peek()).toBe(10)
    expect(heap.popDue(5)).toBeUndefined()
    expect(heap.popDue(20)?.id).toBe('a')
    expect(heap.popDue(20)?.id).toBe('b')
    expect(heap.popDue(20)).toBeUndefined()
    expect(heap.size).toBe(1)
  })
})

function fakeHost() {
  const timers = new Map<number, { fn: () => void; ms: number }>()
  let next = 0
  const host: TimerHost = {
    setTimeout(fn, ms) {
      timers.set(++next, { fn, ms })
      return next
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
  }
  /** Runs the pending timer as the host would (it is gone once it ran). */
  const fire = () => {
    const [handle, timer] = [...timers.entries()][0] ?? []
    if (handle === undefined || !timer) throw new Error('no timer armed')
    timers.delete(handle)
    timer.fn()
  }
  return { host, timers, fire, created: () => next }
}

describe('createTimer (one timer for everything)', () => {
  it('keeps at most one timer, re-armed only when the earliest time changes', () => {
    let now = 1000
    let fired = 0
    const { host, timers, fire, created } = fakeHost()
    const timer = createTimer(
      () => now,
      () => fired++,
      host,
    )
    timer.arm(5000)
    timer.arm(5000)
    expect(created()).toBe(1)
    timer.arm(3000)
    expect(timers.size).toBe(1)
    expect([...timers.values()][0]?.ms).toBe(2000)
    now = 3000
    fire()
    expect(fired).toBe(1)
    expect(timers.size).toBe(0)
    timer.arm(undefined)
    expect(timers.size).toBe(0)
    timer.arm(2000)
    expect([...timers.values()][0]?.ms).toBe(0)
    timer.stop()
    timer.arm(9000)
    expect(timers.size).toBe(0)
  })

  it('drives many requests with a single timer and a heap entry per request', () => {
    const s = fakeEngine()
    for (let i = 0; i < 20_000; i++) s.start({ number: String(447700000000 + i) })
    expect(s.engine.scheduledCount).toBe(20_000)
    expect(s.engine.requestCount).toBe(20_000)
    s.advance(125)
    expect(s.engine.handset.size).toBe(40_000)
    s.advance(1000)
    expect(s.engine.listRequests({ status: 'EXPIRED' }).total).toBe(20_000)
    expect(s.engine.scheduledCount).toBe(0)
  })
})
