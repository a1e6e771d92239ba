import { describe, expect, it } from 'vitest'
import {
  Coalescer,
  LimiterClosedError,
  QueueFullError,
  QueueTimeoutError,
  RateLimiter,
  type RateLimiterOptions,
  type Timers,
} from '../../../server/proxy/limiter'

/** A manual clock: timers fire only when the test advances time. */
function fakeTimers() {
  let now = 0
  let timers: Array<{ at: number; fn: () => void; id: number }> = []
  let nextId = 1
  const api: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimeout: (handle) => {
      timers = timers.filter((t) => t.id !== handle)
    },
  }
  /** Moves time forward, firing due timers earliest first; settles pending promises at each step. */
  async function advance(ms: number) {
    await flush()
    const target = now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.fn()
      await flush()
    }
    now = target
    await flush()
  }
  return { api, advance }
}

/** A limiter on the manual clock (named `upstream` unless said), with that clock's controls. */
function limiterOnFakeClock(
  options: Omit<RateLimiterOptions, 'timers' | 'name'> & { name?: string },
) {
  const { api, advance } = fakeTimers()
  const limiter = new RateLimiter({ name: 'upstream', ...options, timers: api })
  return { limiter, advance, api }
}

/** Lets every pending promise callback run (the clock does not move meanwhile). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A task that settles when the test says so, noting that it started. */
function heldTask(started: number[], id: number) {
  let settle: () => void = () => {}
  let fail: (error: Error) => void = () => {}
  const task = () => {
    started.push(id)
    return new Promise<number>((resolve, reject) => {
      settle = () => resolve(id)
      fail = reject
    })
  }
  return { task, settle: () => settle(), fail: (error: Error) => fail(error) }
}

describe('RateLimiter', () => {
  it('starts at most `rate` tasks per second and queues the rest in order', async () => {
    const { limiter, advance } = limiterOnFakeClock({ ratePerSecond: 3, maxQueue: 10 })
    const started: number[] = []
    const all = Array.from({ length: 7 }, (_, i) =>
      limiter.schedule(async () => {
        started.push(i)
        return i
      }),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1, 2])
    expect(limiter.waiting).toBe(4)
    await advance(999)
    expect(started).toEqual([0, 1, 2])
    await advance(1)
    expect(started).toEqual([0, 1, 2, 3, 4, 5])
    await advance(1000)
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('spaces tasks 1/rate seconds apart for rates below one per second', async () => {
    const { limiter, advance } = limiterOnFakeClock({
      name: 'search',
      ratePerSecond: 0.5,
      maxQueue: 10,
    })
    const started: number[] = []
    void limiter.schedule(async () => started.push(1))
    void limiter.schedule(async () => started.push(2))
    await advance(1999)
    expect(started).toEqual([1])
    await advance(1)
    expect(started).toEqual([1, 2])
  })

  it('keeps a rate that is not a whole number exact: 2.5/s is one task per 400 ms, not 2/s', async () => {
    const { limiter, advance } = limiterOnFakeClock({
      name: 'search',
      ratePerSecond: 2.5,
      maxQueue: 10,
    })
    expect([limiter.limit, limiter.windowMs]).toEqual([1, 400])
    const started: number[] = []
    const all = Array.from({ length: 6 }, (_, i) => limiter.schedule(async () => started.push(i)))
    await advance(0)
    expect(started).toEqual([0])
    await advance(399)
    expect(started).toEqual([0])
    await advance(1)
    expect(started).toEqual([0, 1])
    await advance(400)
    expect(started).toEqual([0, 1, 2])
    // Five tasks in 2 s (0, 400, 800, 1200, 1600 ms): 2.5 per second, not 2.
    await advance(800)
    expect(started).toEqual([0, 1, 2, 3, 4])
    await advance(400)
    expect(started).toEqual([0, 1, 2, 3, 4, 5])
    await Promise.all(all)
  })

  it('keeps 0.5/s as one task per 2000 ms and a whole rate as that many per second', () => {
    const half = new RateLimiter({ name: 'search', ratePerSecond: 0.5, maxQueue: 1 })
    expect([half.limit, half.windowMs]).toEqual([1, 2000])
    const thirty = new RateLimiter({ name: 'upstream', ratePerSecond: 30, maxQueue: 1 })
    expect([thirty.limit, thirty.windowMs]).toEqual([30, 1000])
  })

  it('refuses with QueueFullError when the queue is full, without dropping queued tasks', async () => {
    const { limiter, advance } = limiterOnFakeClock({
      name: 'search',
      ratePerSecond: 1,
      maxQueue: 2,
    })
    const results = [1, 2, 3].map((n) => limiter.schedule(async () => n))
    await expect(limiter.schedule(async () => 4)).rejects.toBeInstanceOf(QueueFullError)
    await advance(2000)
    expect(await Promise.all(results)).toEqual([1, 2, 3])
  })

  it('passes task failures to the caller and keeps going', async () => {
    const { limiter } = limiterOnFakeClock({ ratePerSecond: 5, maxQueue: 5 })
    await expect(limiter.schedule(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    )
    await expect(limiter.schedule(async () => 'ok')).resolves.toBe('ok')
  })

  it('keeps a slot held until one window after its task settles, not after it started', async () => {
    const { limiter, advance } = limiterOnFakeClock({ ratePerSecond: 2, maxQueue: 10 })
    const started: number[] = []
    const tasks = [0, 1, 2, 3, 4].map((id) => heldTask(started, id))
    const results = tasks.map((t) => limiter.schedule(t.task))
    void results[1]?.catch(() => undefined) // checked below
    await flush()
    expect(started).toEqual([0, 1])
    // Task 0 answers at 400 ms: its slot comes back at 1400, not at 1000 (a window after it started).
    await advance(400)
    tasks[0]?.settle()
    await advance(600)
    expect(started).toEqual([0, 1])
    expect(limiter.held).toBe(2)
    await advance(399)
    expect(started).toEqual([0, 1])
    await advance(1)
    expect(started).toEqual([0, 1, 2])
    // Task 1 is still running at 1400 and holds its slot however long it takes; it fails at 2500.
    await advance(1100)
    expect(started).toEqual([0, 1, 2])
    tasks[1]?.fail(new Error('timeout'))
    tasks[2]?.settle()
    await advance(999)
    expect(started).toEqual([0, 1, 2])
    await advance(1)
    expect(started).toEqual([0, 1, 2, 3, 4])
    tasks[3]?.settle()
    tasks[4]?.settle()
    await expect(results[1]).rejects.toThrow('timeout')
    expect(await Promise.all([results[0], results[2], results[3], results[4]])).toEqual([
      0, 2, 3, 4,
    ])
  })

  it('never lets more than `limit` tasks overlap a window, whatever their delays', async () => {
    // Each task "arrives upstream" at some moment between its start and its settling, so a task
    // touches the upstream somewhere in [start, settle]. With random round trips, no window of
    // 1000 ms may meet more than `limit` such intervals, whichever moment inside each is the arrival.
    const limit = 3
    const { limiter, advance, api } = limiterOnFakeClock({ ratePerSecond: limit, maxQueue: 100 })
    const spans: Array<{ start: number; end: number }> = []
    let seed = 7
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    const all = Array.from({ length: 40 }, () =>
      limiter.schedule(() => {
        const span = { start: api.now(), end: Number.NaN }
        spans.push(span)
        const delay = Math.floor(random() * 1500)
        return new Promise<void>((resolve) =>
          api.setTimeout(() => {
            span.end = api.now()
            resolve()
          }, delay),
        )
      }),
    )
    for (let step = 0; step < 2000 && spans.filter((s) => s.end >= 0).length < 40; step++) {
      await advance(50)
    }
    await Promise.all(all)
    expect(spans).toHaveLength(40)
    // Worst case for each window [t, t + 1000): every task whose span meets it arrived inside it.
    for (const { start: t } of spans) {
      const meeting = spans.filter((s) => s.end >= t && s.start < t + 1000)
      expect(meeting.length).toBeLessThanOrEqual(limit)
    }
    for (const { end } of spans) {
      const t = end - 999
      const meeting = spans.filter((s) => s.end >= t && s.start < t + 1000)
      expect(meeting.length).toBeLessThanOrEqual(limit)
    }
  })

  it('drops a waiting task whose signal aborts: it never runs, frees its queue place and takes no slot', async () => {
    const { limiter, advance } = limiterOnFakeClock({ ratePerSecond: 1, maxQueue: 2 })
    const started: number[] = []
    const first = limiter.schedule(async () => started.push(0))
    const controller = new AbortController()
    const withdrawn = limiter.schedule(async () => started.push(1), { signal: controller.signal })
    const next = limiter.schedule(async () => started.push(2))
    await expect(limiter.schedule(async () => started.push(9))).rejects.toBeInstanceOf(
      QueueFullError,
    )
    const reason = new Error('client closed')
    controller.abort(reason)
    await expect(withdrawn).rejects.toBe(reason)
    expect(limiter.waiting).toBe(1)
    // Its queue place is free again.
    const last = limiter.schedule(async () => started.push(3))
    await first
    await advance(1000)
    expect(started).toEqual([0, 2])
    await advance(1000)
    expect(started).toEqual([0, 2, 3])
    await Promise.all([next, last])
  })

  it('withdraws a task still waiting at its deadline: never run, no slot taken, QueueTimeoutError', async () => {
    const { limiter, advance } = limiterOnFakeClock({ ratePerSecond: 1, maxQueue: 5 })
    const started: number[] = []
    const running = heldTask(started, 0)
    const first = limiter.schedule(running.task)
    let late: unknown
    const timedOut = limiter.schedule(async () => started.push(1), { deadline: 10_000 })
    timedOut.catch((error: unknown) => (late = error))
    // Without a deadline, a task waits as long as it takes.
    const patient = limiter.schedule(async () => started.push(2))
    await advance(9_999)
    expect(late).toBeUndefined()
    expect(limiter.waiting).toBe(2)
    await advance(1)
    expect(late).toBeInstanceOf(QueueTimeoutError)
    expect(limiter.waiting).toBe(1)
    // The slot the withdrawn task never took goes to the next one.
    running.settle()
    await first
    await advance(1000)
    expect(started).toEqual([0, 2])
    await patient
    expect(limiter.held).toBe(1)
  })

  it('runs a task dispatched before its deadline, and refuses to queue one whose deadline has passed', async () => {
    const { limiter, advance } = limiterOnFakeClock({
      name: 'search',
      ratePerSecond: 1,
      maxQueue: 5,
    })
    const started: number[] = []
    await limiter.schedule(async () => started.push(0))
    const inTime = limiter.schedule(async () => started.push(1), { deadline: 1001 })
    await advance(1000)
    await inTime
    expect(started).toEqual([0, 1])
    // A slot is free: a passed deadline does not matter to a task that need not wait.
    await advance(1000)
    await limiter.schedule(async () => started.push(2), { deadline: 0 })
    await expect(
      limiter.schedule(async () => started.push(3), { deadline: 0 }),
    ).rejects.toBeInstanceOf(QueueTimeoutError)
    expect(started).toEqual([0, 1, 2])
    expect(limiter.waiting).toBe(0)
  })

  it('rejects every waiting task at once on close, lets running ones finish, and refuses new ones', async () => {
    const { limiter, advance } = limiterOnFakeClock({ ratePerSecond: 1, maxQueue: 5 })
    const started: number[] = []
    const running = heldTask(started, 0)
    const first = limiter.schedule(running.task)
    const controller = new AbortController()
    const waiting = [
      limiter.schedule(async () => started.push(1)),
      limiter.schedule(async () => started.push(2), { signal: controller.signal, deadline: 5000 }),
    ]
    limiter.close()
    for (const task of waiting) await expect(task).rejects.toBeInstanceOf(LimiterClosedError)
    expect(limiter.waiting).toBe(0)
    await expect(limiter.schedule(async () => started.push(3))).rejects.toBeInstanceOf(
      LimiterClosedError,
    )
    // The running task is not cut: its caller gets its result.
    running.settle()
    await expect(first).resolves.toBe(0)
    controller.abort(new Error('late'))
    await advance(10_000)
    expect(started).toEqual([0])
  })

  it('refuses a task whose signal has already aborted without running it', async () => {
    const { limiter } = limiterOnFakeClock({ ratePerSecond: 1, maxQueue: 2 })
    const reason = new Error('gone')
    let ran = false
    await expect(
      limiter.schedule(async () => (ran = true), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
    expect(ran).toBe(false)
    expect(limiter.held).toBe(0)
  })

  it('ignores an abort once the task has started', async () => {
    const { limiter } = limiterOnFakeClock({ ratePerSecond: 1, maxQueue: 2 })
    const controller = new AbortController()
    const started: number[] = []
    const running = heldTask(started, 1)
    const result = limiter.schedule(running.task, { signal: controller.signal })
    controller.abort(new Error('too late'))
    running.settle()
    await expect(result).resolves.toBe(1)
  })

  it('rejects a non-positive rate', () => {
    expect(() => new RateLimiter({ name: 'x', ratePerSecond: 0, maxQueue: 1 })).toThrow(RangeError)
  })
})

describe('Coalescer', () => {
  it('aborts the shared task only once every caller has left, and starts afresh after', async () => {
    const coalescer = new Coalescer<string>()
    const signals: AbortSignal[] = []
    let release: (v: string) => void = () => {}
    const task = (signal: AbortSignal) => {
      signals.push(signal)
      return new Promise<string>((resolve) => (release = resolve))
    }
    const a = coalescer.run('k', task)
    const b = coalescer.run('k', task)
    a.leave('a left')
    a.leave('a left')
    expect(signals[0]?.aborted).toBe(false)
    b.leave('b left')
    expect(signals[0]?.aborted).toBe(true)
    expect(signals[0]?.reason).toBe('b left')
    // A new identical call does not join the abandoned one.
    const c = coalescer.run('k', task)
    expect(c.shared).toBe(false)
    expect(signals).toHaveLength(2)
    release('fresh')
    expect(await c.promise).toBe('fresh')
  })

  it('shares one in-flight call between identical keys and forgets it once settled', async () => {
    const coalescer = new Coalescer<string>()
    let calls = 0
    let release: (v: string) => void = () => {}
    const task = () => {
      calls++
      return new Promise<string>((resolve) => (release = resolve))
    }
    const a = coalescer.run('k', task)
    const b = coalescer.run('k', task)
    const c = coalescer.run('other', async () => 'other')
    expect([a.shared, b.shared, c.shared]).toEqual([false, true, false])
    release('answer')
    expect(await a.promise).toBe('answer')
    expect(await b.promise).toBe('answer')
    expect(calls).toBe(1)
    await c.promise
    expect(coalescer.size).toBe(0)
    const d = coalescer.run('k', async () => 'again')
    expect(d.shared).toBe(false)
    expect(await d.promise).toBe('again')
  })
})
