import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureClient } from '@/api/client'
import { getEnvironments, searchRequests } from '@/api/verify'

// A call that changes nothing (a search, the environment list) is tried again once when its
// connection fails, but not when it timed out: the server had it and may still be working on it,
// and a second try would only double the wait and the load.
//
// The time limit runs on fake timers, let go only once the server holds the call: on a busy machine a
// real 200 ms limit could fire before the server (in this same process) had read the call at all.
let server: http.Server
/** Paths of the calls the server received, in order. */
let received: string[]
/** What the server does with each call. */
let behaviour: 'hold' | 'drop'
/** Settles when the server has received its first call. */
let firstArrived: Promise<void>

beforeEach(async () => {
  received = []
  behaviour = 'hold'
  let arrived = (): void => {}
  firstArrived = new Promise<void>((resolve) => (arrived = resolve))
  server = http.createServer((req) => {
    received.push(new URL(req.url ?? '/', 'http://x').pathname)
    arrived()
    if (behaviour === 'drop') req.socket.destroy()
    // 'hold': never answered, until the test ends.
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  configureClient({ prefixUrl: `http://127.0.0.1:${port}/api`, timeout: 200 })
})

afterEach(async () => {
  vi.useRealTimers()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  configureClient({ timeout: 30_000 })
})

describe('a call that changes nothing and gets no answer in time', () => {
  /** Runs `call` with the time limit let go only once the server holds the call. */
  async function timedOut(call: () => Promise<unknown>): Promise<unknown> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const outcome = call()
    outcome.catch(() => {})
    await firstArrived
    // The limit, then long enough for any retry's wait and its own limit.
    await vi.advanceTimersByTimeAsync(200)
    await vi.advanceTimersByTimeAsync(10_000)
    return outcome
  }

  it('is a search sent once, failing as a timeout', async () => {
    await expect(timedOut(() => searchRequests('sandbox', ['a'.repeat(32)]))).rejects.toMatchObject(
      { kind: 'timeout' },
    )
    expect(received).toEqual(['/api/sandbox/verify/search/json'])
  })

  it('is a look-up of the environments sent once, failing as a timeout', async () => {
    await expect(timedOut(() => getEnvironments())).rejects.toMatchObject({ kind: 'timeout' })
    expect(received).toEqual(['/api/environments'])
  })
})

describe('a call that changes nothing and whose connection fails', () => {
  it('is a search tried once more', async () => {
    behaviour = 'drop'
    // The time limit is not what this test is about: a busy machine must not reach it first.
    configureClient({ timeout: 10_000 })
    await expect(searchRequests('sandbox', ['a'.repeat(32)])).rejects.toMatchObject({
      kind: 'network',
    })
    expect(received).toEqual(['/api/sandbox/verify/search/json', '/api/sandbox/verify/search/json'])
  })
})
