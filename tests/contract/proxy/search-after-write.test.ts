/**
 * A search sent after a write was answered is answered by an upstream call that arrived after that
 * answer, never by a search the proxy had sent before it: the dashboard reads "a search sent after
 * the check" to learn whether a lost check was processed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { eventually } from '../../support/eventually'
import {
  call,
  postJson,
  startProxy,
  startUpstream,
  type ProxyServer,
  type UpstreamDouble,
} from './support'

const REQUEST_ID = 'abcdef0123456789abcdef0123456789'

let upstream: UpstreamDouble | undefined
let proxy: ProxyServer | undefined
/** Answers the searches the upstream still holds (so a failed test does not leave them waiting). */
let releaseHeld: (() => void) | undefined

afterEach(async () => {
  releaseHeld?.()
  await proxy?.close()
  await upstream?.close()
})

/**
 * A slow upstream: it answers a check (status 16) or an admin call at once, and holds every search
 * until `releaseSearches()`, then answers it with what it knew when the search arrived (the checks
 * and clock moves that had arrived before it). `answers` keeps each search's answer with the time
 * it arrived, and `writesAnswered` the time each write was answered.
 */
async function slowSearchUpstream() {
  const checks: Array<{ code: string; status: string }> = []
  let clockMoves = 0
  const held: Array<() => void> = []
  const answers: Array<{ arrivedAt: number; body: unknown }> = []
  const writesAnswered: number[] = []
  const double = await startUpstream((arrival, res) => {
    const path = arrival.url.split('?')[0]
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (path === '/verify/search/json') {
      // What the search answers is what the upstream knew when it arrived.
      const body = {
        request_id: REQUEST_ID,
        status: clockMoves > 0 ? 'EXPIRED' : 'IN PROGRESS',
        checks: [...checks],
      }
      answers.push({ arrivedAt: arrival.at, body })
      held.push(() => send(body))
      return
    }
    if (path === '/verify/check/json') {
      checks.push({ code: '1234', status: 'INVALID' })
      send({ request_id: REQUEST_ID, status: '16', error_text: 'The code provided does not match' })
    } else if (path === '/__admin/clock') {
      clockMoves++
      send({ now: '2026-01-01T00:10:00.000Z' })
    } else {
      res.writeHead(404).end()
      return
    }
    writesAnswered.push(performance.now())
  })
  const searchesArrived = () => answers.length
  const releaseSearches = () => {
    for (const answer of held.splice(0)) answer()
  }
  releaseHeld = releaseSearches
  return {
    double,
    answers,
    writesAnswered,
    searchesArrived,
    releaseSearches,
  }
}

const searchPath = (environment: string) =>
  `/api/${environment}/verify/search/json?request_id=${REQUEST_ID}`

/** The access log line of each search, in the order they were logged. */
const searchLines = (lines: readonly string[]) => lines.filter((l) => l.includes('endpoint=search'))

describe('a search sent after a write', () => {
  it('after a check was answered, gets the answer of a search that arrived after it, not the one in flight before', async () => {
    const slow = await slowSearchUpstream()
    upstream = slow.double
    proxy = await startProxy(upstream.url, { timeoutMs: 20_000 })
    const port = proxy.port

    const a = call(port, searchPath('live'))
    await vi.waitFor(() => expect(slow.searchesArrived()).toBe(1), { timeout: 10_000 })
    const check = await postJson(port, '/api/live/verify/check/json', {
      request_id: REQUEST_ID,
      code: '1234',
    })
    expect(check.json()).toMatchObject({ status: '16' })

    // B, sent after the check's answer, must not join A (still held upstream): it is sent itself.
    const b = call(port, searchPath('live'))
    await vi.waitFor(
      () => expect(slow.searchesArrived(), 'B sent upstream after the check').toBe(2),
      { timeout: 10_000 },
    )
    slow.releaseSearches()

    expect((await a).json()).toEqual({ request_id: REQUEST_ID, status: 'IN PROGRESS', checks: [] })
    const answerB = (await b).json()
    expect(answerB).toEqual({
      request_id: REQUEST_ID,
      status: 'IN PROGRESS',
      checks: [{ code: '1234', status: 'INVALID' }],
    })
    // B's answer is that of a search that reached the upstream after the check was answered.
    const checkAnswered = slow.writesAnswered[0] ?? Infinity
    const source = slow.answers.find((answer) => answer.arrivedAt > checkAnswered)
    expect(answerB).toEqual(source?.body)
    await eventually(() => expect(searchLines(proxy?.lines ?? [])).toHaveLength(2))
    for (const line of searchLines(proxy.lines)) expect(line).not.toContain('coalesced')
  })

  it('after a sandbox clock move through the admin API, is sent anew rather than sharing the search before it', async () => {
    const slow = await slowSearchUpstream()
    upstream = slow.double
    proxy = await startProxy(upstream.url, { timeoutMs: 20_000 })
    const port = proxy.port

    const a = call(port, searchPath('sandbox'))
    await vi.waitFor(() => expect(slow.searchesArrived()).toBe(1), { timeout: 10_000 })
    const clock = await postJson(port, '/api/sandbox/__admin/clock', { advance: '10m' })
    expect(clock.status).toBe(200)

    const b = call(port, searchPath('sandbox'))
    await vi.waitFor(
      () => expect(slow.searchesArrived(), 'B sent upstream after the clock move').toBe(2),
      { timeout: 10_000 },
    )
    slow.releaseSearches()

    expect((await a).json()).toMatchObject({ status: 'IN PROGRESS' })
    const answerB = (await b).json()
    expect(answerB).toMatchObject({ status: 'EXPIRED' })
    const moved = slow.writesAnswered[0] ?? Infinity
    expect(answerB).toEqual(slow.answers.find((answer) => answer.arrivedAt > moved)?.body)
  })
})
