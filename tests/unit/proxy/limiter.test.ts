import { describe, expect, it } from 'vitest'
import { Coalescer, QueueFullError, RateLimiter, type Timers } from '../../../server/proxy/limiter'

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
  async function advance(ms: number) {
    const target = now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.fn()
      await Promise.resolve()
    }
    now = target
    await Promise.resolve()
  }
  return { api, advance }
}

describe('RateLimiter', () => {
  it('starts at most `rate` tasks per second and queues the rest in order', async () => {
    const { api, advance } = fakeTimers()
    const limiter = new RateLimiter({
      name: 'upstream',
      ratePerSecond: 3,
      maxQueue: 10,
      timers: api,
    })
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
    const { api, advance } = fakeTimers()
    const limiter = new RateLimiter({
      name: 'search',
      ratePerSecond: 0.5,
      maxQueue: 10,
      timers: api,
    })
    const started: number[] = []
    void limiter.schedule(async () => started.push(1))
    void limiter.schedule(async () => started.push(2))
    await advance(1999)
    expect(started).toEqual([1])
    await advance(1)
    expect(started).toEqual([1, 2])
  })

  it('refuses with QueueFullError when the queue is full, without dropping queued tasks', async () => {
    const { api, advance } = fakeTimers()
    const limiter = new RateLimiter({ name: 'search', ratePerSecond: 1, maxQueue: 2, timers: api })
    const results = [1, 2, 3].map((n) => limiter.schedule(async () => n))
    await expect(limiter.schedule(async () => 4)).rejects.toBeInstanceOf(QueueFullError)
    await advance(2000)
    expect(await Promise.all(results)).toEqual([1, 2, 3])
  })

  it('passes task failures to the caller and keeps going', async () => {
    const { api } = fakeTimers()
    const limiter = new RateLimiter({
      name: 'upstream',
      ratePerSecond: 5,
      maxQueue: 5,
      timers: api,
    })
    await expect(limiter.schedule(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    )
    await expect(limiter.schedule(async () => 'ok')).resolves.toBe('ok')
  })

  it('rejects a non-positive rate', () => {
    expect(() => new RateLimiter({ name: 'x', ratePerSecond: 0, maxQueue: 1 })).toThrow(RangeError)
  })
})

describe('Coalescer', () => {
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
