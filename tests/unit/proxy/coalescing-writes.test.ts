/**
 * A search sent after a write (a start, a check, a control, a sandbox clock move…) never gets the
 * answer of a call sent upstream before that write: the dashboard reads "a search sent after the
 * check" to learn whether a lost check was processed.
 */
import { describe, expect, it } from 'vitest'
import type { CallRecord } from '../../../server/proxy/call-record'
import { createExchange, noteWrite, writesTo } from '../../../server/proxy/exchange'
import { Coalescer, type Timers } from '../../../server/proxy/limiter'
import type { Route } from '../../../server/proxy/routes'
import { createRuntimes, type EnvironmentRuntime } from '../../../server/proxy/runtime'
import type { BufferedAnswer, Upstream, UpstreamRequest } from '../../../server/proxy/upstream'

/** A manual clock: timers fire only when the test advances time. */
function manualTimers() {
  let now = 0
  let pending: Array<{ at: number; fire: () => void }> = []
  const timers: Timers = {
    now: () => now,
    setTimeout(fire, ms) {
      const timer = { at: now + ms, fire }
      pending.push(timer)
      return timer
    },
    clearTimeout(handle) {
      pending = pending.filter((timer) => timer !== handle)
    },
  }
  /** Moves time forward, firing due timers earliest first; settles pending promises at each step. */
  async function advance(ms: number) {
    await flush()
    const target = now + ms
    for (;;) {
      const due = pending.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      pending = pending.filter((t) => t !== due)
      now = due.at
      due.fire()
      await flush()
    }
    now = target
    await flush()
  }
  return { timers, advance }
}

/** Lets every pending promise callback run (the clock does not move meanwhile). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A task whose answer the test gives, noting each time it is sent (`sent`) as a real one does. */
function heldTasks() {
  const answers: Array<(value: string) => void> = []
  const task = (_signal: AbortSignal, sent: () => void) => {
    sent()
    return new Promise<string>((resolve) => answers.push(resolve))
  }
  return { task, answer: (index: number, value: string) => answers[index]?.(value), answers }
}

describe('Coalescer and writes', () => {
  it('shares a call sent upstream while no write came, and only then', async () => {
    let writes = 0
    const count = () => writes
    const coalescer = new Coalescer<string>()
    const held = heldTasks()
    const a = coalescer.run('k', held.task, count)
    const b = coalescer.run('k', held.task, count)
    expect([a.shared, b.shared]).toEqual([false, true])
    expect(held.answers).toHaveLength(1)

    // A write is sent, then settles: a search arriving after it does not take A's call.
    writes += 2
    const c = coalescer.run('k', held.task, count)
    expect(c.shared).toBe(false)
    expect(held.answers).toHaveLength(2)
    // The ones after it share C's call, sent after the write.
    const d = coalescer.run('k', held.task, count)
    expect(d.shared).toBe(true)
    expect(held.answers).toHaveLength(2)

    held.answer(0, 'before the write')
    held.answer(1, 'after the write')
    expect(await a.promise).toBe('before the write')
    expect(await b.promise).toBe('before the write')
    expect(await c.promise).toBe('after the write')
    expect(await d.promise).toBe('after the write')
    expect(coalescer.size).toBe(0)
  })

  it('lets a caller join a call still waiting for its turn, whatever was written meanwhile', async () => {
    let writes = 0
    const count = () => writes
    const coalescer = new Coalescer<string>()
    let send: () => void = () => {}
    let answer: (value: string) => void = () => {}
    let runs = 0
    const task = (_signal: AbortSignal, sent: () => void) => {
      runs++
      return new Promise<string>((resolve) => {
        send = () => {
          sent()
          answer = resolve
        }
      })
    }
    const a = coalescer.run('k', task, count)
    writes += 2 // a check sent and answered while A waits for its turn
    const b = coalescer.run('k', task, count)
    expect(b.shared).toBe(true)
    send() // A's call leaves after the check: it answers for both
    const c = coalescer.run('k', task, count)
    expect(c.shared).toBe(true)
    writes += 1 // a write sent after A's call left
    const d = coalescer.run('k', task, count)
    expect(d.shared).toBe(false)
    expect(runs).toBe(2)
    answer('one call')
    expect(await Promise.all([a.promise, b.promise, c.promise])).toEqual([
      'one call',
      'one call',
      'one call',
    ])
  })

  it('keeps the left-behind call running for its own callers, and forgets each once settled', async () => {
    let writes = 0
    const count = () => writes
    const coalescer = new Coalescer<string>()
    const held = heldTasks()
    const signals: AbortSignal[] = []
    const task = (signal: AbortSignal, sent: () => void) => {
      signals.push(signal)
      return held.task(signal, sent)
    }
    const a = coalescer.run('k', task, count)
    writes++
    const b = coalescer.run('k', task, count)
    expect(b.shared).toBe(false)
    // B leaving drops B's call only; A's keeps running for A.
    b.leave('b left')
    expect(signals.map((s) => s.aborted)).toEqual([false, true])
    held.answer(0, 'for a')
    expect(await a.promise).toBe('for a')
    expect(coalescer.size).toBe(0)
    const e = coalescer.run('k', task, count)
    expect(e.shared).toBe(false)
  })

  it('counts the writes of each upstream apart, twice per write: sent, then settled once', () => {
    const upstream = fakeUpstream().upstream
    const other = fakeUpstream().upstream
    expect(writesTo(upstream)).toBe(0)
    const settled = noteWrite(upstream)
    expect(writesTo(upstream)).toBe(1)
    settled()
    settled()
    expect(writesTo(upstream)).toBe(2)
    expect(writesTo(other)).toBe(0)
  })
})

/** An upstream whose answers the test gives, one call at a time, in the order they came. */
function fakeUpstream() {
  const calls: Array<{ request: UpstreamRequest; answer: (body: object) => void }> = []
  const upstream: Upstream = {
    description: 'the test upstream',
    send: () => Promise.reject(new Error('not used')),
    exchange: (request) =>
      new Promise<BufferedAnswer>((resolve) =>
        calls.push({
          request,
          answer: (body) =>
            resolve({
              status: 200,
              contentType: 'application/json',
              body: Buffer.from(JSON.stringify(body)),
            }),
        }),
      ),
    close: async () => {},
  }
  /** The paths of the calls that reached the upstream, in order. */
  const paths = () => calls.map((c) => c.request.path.split('?')[0])
  return { upstream, calls, paths }
}

const REQUEST_ID = 'abcdef0123456789abcdef0123456789'

const verifyRoute = (endpoint: 'search' | 'check'): Extract<Route, { kind: 'verify' }> => ({
  kind: 'verify',
  environment: 'live',
  endpoint,
  format: 'json',
  upstreamPath: `/verify/${endpoint}/json`,
  stateChanging: endpoint !== 'search',
})

const newCall = (endpoint: string): CallRecord => ({
  started: 0,
  method: 'GET',
  environment: 'live',
  endpoint,
  clientClosed: false,
  cancel: undefined,
  pending: 2,
  closeSeen: false,
  active: false,
  onSocketClose: undefined,
  log: () => {},
})

/** The live environment on a fake upstream, paced (`searchPerSecond` searches a second) or not. */
function liveOn(searchPerSecond: number | false) {
  const fake = fakeUpstream()
  const { timers, advance } = manualTimers()
  const runtimes = createRuntimes(
    {
      sandbox: {
        upstream: fakeUpstream().upstream,
        credentials: { apiKey: 'k', apiSecret: 's' },
        auth: 'basic',
        searchPerSecond: 1,
      },
      live: {
        upstream: fake.upstream,
        credentials: { apiKey: 'k', apiSecret: 's' },
        auth: 'basic',
        searchPerSecond: searchPerSecond || 1,
      },
    },
    searchPerSecond ? { requestsPerSecond: 30, maxQueue: 10 } : false,
    timers,
  )
  const env = runtimes.get('live') as EnvironmentRuntime
  const exchange = createExchange({ timers, maxQueueWaitMs: 10_000, timeoutMs: 15_000 })
  const search = () => {
    const call = newCall('search')
    const request: UpstreamRequest = {
      method: 'GET',
      path: `/verify/search/json?request_id=${REQUEST_ID}`,
      headers: {},
    }
    const answer = exchange(env, verifyRoute('search'), request, call)
    return { call, answer: answer.then((a) => JSON.parse(a.body.toString()) as unknown) }
  }
  const check = () => {
    const request: UpstreamRequest = {
      method: 'POST',
      path: '/verify/check/json',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_id: REQUEST_ID, code: '1234' }),
    }
    return exchange(env, verifyRoute('check'), request, newCall('check'))
  }
  return { ...fake, search, check, advance }
}

const before = { status: 'IN PROGRESS', checks: [] }
const after = { status: 'IN PROGRESS', checks: [{ code: '1234', status: 'INVALID' }] }

describe('the exchange: searches and the writes between them', () => {
  it('sends a search arriving after a check was answered anew, not sharing the one sent before', async () => {
    const live = liveOn(false)
    const a = live.search()
    await flush()
    const check = live.check()
    await flush()
    expect(live.paths()).toEqual(['/verify/search/json', '/verify/check/json'])
    live.calls[1]?.answer({ request_id: REQUEST_ID, status: '16' })
    await check

    const b = live.search()
    await flush()
    expect(live.paths()).toEqual([
      '/verify/search/json',
      '/verify/check/json',
      '/verify/search/json',
    ])
    live.calls[0]?.answer(before)
    live.calls[2]?.answer(after)
    expect(await a.answer).toEqual(before)
    expect(await b.answer).toEqual(after)
    expect(b.call.note).toBeUndefined()
  })

  it('still shares one call between identical searches with no write between', async () => {
    const live = liveOn(false)
    const searches = [live.search(), live.search(), live.search()]
    await flush()
    expect(live.calls).toHaveLength(1)
    live.calls[0]?.answer(before)
    expect(await Promise.all(searches.map((s) => s.answer))).toEqual([before, before, before])
    expect(searches.map((s) => s.call.note)).toEqual([undefined, 'coalesced', 'coalesced'])
  })

  it('while a check is in flight, shares only calls sent after the check was', async () => {
    const live = liveOn(false)
    const a = live.search()
    await flush()
    const check = live.check()
    await flush()
    // The check is on its way: B does not take A's call, sent before it, and C takes B's.
    const b = live.search()
    const c = live.search()
    await flush()
    expect(live.paths()).toEqual([
      '/verify/search/json',
      '/verify/check/json',
      '/verify/search/json',
    ])
    expect([b.call.note, c.call.note]).toEqual([undefined, 'coalesced'])
    // Once the check is answered, B's call (sent while it was in flight) takes nobody new.
    live.calls[1]?.answer({ request_id: REQUEST_ID, status: '16' })
    await check
    const d = live.search()
    await flush()
    expect(live.calls).toHaveLength(4)
    live.calls[0]?.answer(before)
    live.calls[2]?.answer(before)
    live.calls[3]?.answer(after)
    expect(await Promise.all([a.answer, b.answer, c.answer, d.answer])).toEqual([
      before,
      before,
      before,
      after,
    ])
    expect(d.call.note).toBeUndefined()
  })

  it('under the search pacing, joins a search still waiting for its turn after a check, and sends it after the check', async () => {
    const live = liveOn(1)
    // The search slot of this second goes to another request.
    const first = live.search()
    await flush()
    live.calls[0]?.answer(before)
    await first.answer
    const a = live.search() // waits for the next second
    const check = live.check()
    await flush()
    live.calls[1]?.answer({ request_id: REQUEST_ID, status: '16' })
    await check
    const b = live.search()
    await flush()
    expect(b.call.note).toBe('coalesced')
    await live.advance(1000)
    expect(live.paths()).toEqual([
      '/verify/search/json',
      '/verify/check/json',
      '/verify/search/json',
    ])
    live.calls[2]?.answer(after)
    expect(await Promise.all([a.answer, b.answer])).toEqual([after, after])
  })
})
