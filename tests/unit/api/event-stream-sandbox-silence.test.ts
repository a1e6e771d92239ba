/**
 * The silence limit of the event stream against a sandbox in this process: the sandbox announces
 * how often it sends its keep-alive comment, the comments keep the stream open, and once they stop
 * arriving (a proxy on the way that stopped forwarding, the connection still up) the client drops
 * the stream and connects again. The clock is faked for both sides.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureClient, onAccessTokenChange, openApiStream, setAccessToken } from '@/api/client'
import { connectEventStream, type Connection } from '@/api/event-stream'
import { createSandbox, type Sandbox } from '../../../server/sandbox/index'
import { settle } from './support/sse'

const PREFIX = 'http://127.0.0.1:9/api/sandbox'

let sandbox: Sandbox | null = null
let connection: Connection | null = null

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
  setAccessToken(null)
})
afterEach(async () => {
  connection?.close()
  connection = null
  await sandbox?.close()
  sandbox = null
  vi.useRealTimers()
})

/**
 * The client's calls go to the sandbox through a stand-in for a proxy whose forwarding of the
 * stream the test can stop (`stall`): what the sandbox sends then never arrives, and the connection
 * stays open.
 */
function sandboxBehindStallingProxy(keepAliveMs: number) {
  const opened = createSandbox({ stateFile: false, throttlePerSecond: null, keepAliveMs })
  sandbox = opened
  let stalled = false
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: Request) => {
      const path = input.url.slice(PREFIX.length)
      const answer = await opened.fetch(
        new Request(`http://sandbox${path}`, { method: input.method, signal: input.signal }),
      )
      if (!answer.body) return answer
      const forward = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (!stalled) controller.enqueue(chunk)
        },
      })
      return new Response(answer.body.pipeThrough(forward, { signal: input.signal }), {
        status: answer.status,
        headers: answer.headers,
      })
    }) as typeof fetch,
  })
  return {
    sandbox: opened,
    stall: () => {
      stalled = true
    },
  }
}

/** Moves both clocks on by `ms`, a step at a time, letting what the sandbox sends arrive. */
async function pass(ms: number, step = 250): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - done))
    await settle()
  }
}

describe('the event stream against the sandbox: its keep-alive and the silence limit', () => {
  it("stays open on the sandbox's keep-alives, whose announced period sets the limit, and is dropped and reopened once they stop arriving", async () => {
    const { sandbox, stall } = sandboxBehindStallingProxy(1000)
    const log: string[] = []
    connection = connectEventStream(
      {
        onOpen: () => log.push('open'),
        onMessage: () => undefined,
        onLost: (ms) => log.push(`lost ${ms}`),
        onRefused: () => log.push('refused'),
      },
      {
        open: (signal) => openApiStream('sandbox/__admin/events', { signal }),
        onTokenChange: onAccessTokenChange,
        random: () => 0,
        // Shorter than the sandbox's keep-alive period: the announced period (three of them) wins.
        silenceLimitMs: 500,
      },
    )
    await settle()
    expect(log).toEqual(['open'])

    // A minute of nothing but keep-alive comments, one a second: the stream stays open.
    await pass(60_000)
    expect(log).toEqual(['open'])
    expect(sandbox.eventStreams()).toBe(1)

    // The proxy stops forwarding: two missed keep-alives are not yet a drop.
    stall()
    await pass(2000)
    expect(log).toEqual(['open'])
    // Three are: the stream is closed (the sandbox's subscription ends) and reported lost, then
    // opened again after the sandbox's `retry:`.
    await pass(1250)
    expect(log).toEqual(['open', 'lost 3000'])
    expect(sandbox.eventStreams()).toBe(0)
    await pass(3000)
    expect(log).toEqual(['open', 'lost 3000', 'open'])
    expect(sandbox.eventStreams()).toBe(1)
  })
})
