/**
 * The deadline a request body has to arrive whole (408 `request_timeout` past it) ends with the
 * body: a call whose body arrived in time keeps nothing running until its deadline and is never
 * answered 408 later, and a kept-alive connection serves call after call, each body slow but within
 * the limit, without anything piling up on it (no MaxListenersExceededWarning).
 */
import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Timers } from '../../../server/proxy/limiter'
import { eventually } from '../../support/eventually'
import {
  openCall,
  startProxy,
  startUpstream,
  type ProxyServer,
  type UpstreamDouble,
} from './support'

/** The body deadline, a value no other timer of the proxy uses, so its timers can be told apart. */
const DEADLINE_MS = 7_500

/** A clock that stands still until the test moves it, and knows which timers are running. */
function testClock() {
  let now = 0
  const running = new Set<{ at: number; ms: number; fire: () => void }>()
  const timers: Timers = {
    now: () => now,
    setTimeout(fire, ms) {
      const timer = { at: now + ms, ms, fire }
      running.add(timer)
      return timer
    },
    clearTimeout(handle) {
      running.delete(handle as { at: number; ms: number; fire: () => void })
    },
  }
  return {
    timers,
    /** Body deadlines running now. */
    deadlines: () => [...running].filter((t) => t.ms === DEADLINE_MS).length,
    /** Moves time forward by `ms`, firing each timer that falls due on the way, earliest first. */
    advance(ms: number) {
      const target = now + ms
      for (;;) {
        const next = [...running].sort((a, b) => a.at - b.at)[0]
        if (!next || next.at > target) break
        running.delete(next)
        now = next.at
        next.fire()
      }
      now = target
    },
  }
}

let upstream: UpstreamDouble
let proxy: ProxyServer
let clock: ReturnType<typeof testClock>
let agent: http.Agent
const warnings: Error[] = []
const onWarning = (warning: Error) => warnings.push(warning)

beforeEach(async () => {
  warnings.length = 0
  process.on('warning', onWarning)
  clock = testClock()
  upstream = await startUpstream()
  proxy = await startProxy(upstream.url, {
    timers: clock.timers,
    bodyTimeoutMs: DEADLINE_MS,
    rateLimit: false,
  })
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
})
afterEach(async () => {
  agent.destroy()
  await proxy.close()
  await upstream.close()
  process.off('warning', onWarning)
})

interface Answered {
  status: number
  connection: string | undefined
  body: string
  socket: unknown
}

/**
 * A start on the kept-alive connection whose body comes in two parts: the first, then (once the
 * proxy is reading it) `waitMs` on the clock, then the rest.
 */
async function slowStart(n: number, waitMs: number): Promise<Answered> {
  const body = JSON.stringify({ number: `4477009000${String(n).padStart(2, '0')}`, brand: 'Acme' })
  const half = Math.floor(body.length / 2)
  let socket: unknown
  const req = openCall(proxy.port, '/api/live/verify/json', {
    agent,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  })
  req.on('socket', (s) => (socket = s))
  const answer = new Promise<Answered>((resolve, reject) => {
    req.on('error', reject)
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
          body: text,
          socket,
        }),
      )
    })
  })
  req.write(body.slice(0, half))
  // The proxy is reading the body: its deadline runs.
  await eventually(() => expect(clock.deadlines()).toBe(1))
  clock.advance(waitMs)
  req.end(body.slice(half))
  return answer
}

describe('the body deadline of a call whose body arrives in time', () => {
  it('stops with the body: nothing runs on, and the deadline passing later changes nothing', async () => {
    const first = await slowStart(1, DEADLINE_MS - 1)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body)).toEqual({
      request_id: 'abcdef0123456789abcdef0123456789',
      status: '0',
    })
    expect(clock.deadlines()).toBe(0)

    // Long past where its deadline was: the connection is still open, and serves the next call.
    clock.advance(DEADLINE_MS * 3)
    const second = await slowStart(2, DEADLINE_MS - 1)
    expect(second.status).toBe(200)
    expect(second.socket).toBe(first.socket)
    expect(upstream.arrivals).toHaveLength(2)
    expect(proxy.lines.join('\n')).not.toMatch(/http=408|request_timeout/)
  })

  it('20 slow calls on one kept-alive connection: all answered, nothing piles up', async () => {
    const sockets = new Set<unknown>()
    for (let n = 1; n <= 20; n++) {
      const answer = await slowStart(n, Math.round(DEADLINE_MS * 0.6))
      expect(answer.status, `call ${n}`).toBe(200)
      expect(answer.connection, `call ${n}`).not.toBe('close')
      expect(clock.deadlines(), `deadlines running after call ${n}`).toBe(0)
      sockets.add(answer.socket)
    }
    expect(sockets.size).toBe(1)
    expect(proxy.connections()).toBe(1)
    expect(upstream.arrivals).toHaveLength(20)
    expect(upstream.arrivals.map((a) => JSON.parse(a.body).number)).toEqual(
      Array.from({ length: 20 }, (_, i) => `4477009000${String(i + 1).padStart(2, '0')}`),
    )
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
  })
})
