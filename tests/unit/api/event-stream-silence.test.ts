/**
 * An open event stream that goes silent (a half-open connection, a proxy that stopped forwarding, a
 * laptop woken from sleep) is not trusted for good: past its silence limit it is closed and
 * connected again, as after a drop. Keep-alive comments and events keep it open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/api/client'
import { serveEvents, settle, type FakeServer } from './support/sse'
import { trackConnections } from './support/connections'

let server: FakeServer
const { connect, closeAll } = trackConnections()

/** Moves the clock on by `ms` and lets what is due run. */
async function pass(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  setAccessToken(null)
  server = serveEvents()
})
afterEach(() => {
  closeAll()
  setAccessToken(null)
  vi.useRealTimers()
})

describe('connectEventStream: a silent open stream', () => {
  it('is closed after 45 s without a byte, reported lost and opened again after the wait', async () => {
    const { log } = connect()
    await settle()
    server.streams[0]!.send('retry: 3000\n: connected\n\n')
    await settle()
    await pass(44_999)
    expect(log).toEqual(['open'])
    expect(server.streams[0]!.cancelled).toBe(false)

    await pass(1)
    expect(log).toEqual(['open', 'lost 3000'])
    expect(server.streams[0]!.cancelled).toBe(true)
    expect(server.requests[0]!.signal.aborted).toBe(true)
    expect(server.requests).toHaveLength(1)

    // The same wait as after a drop, then a new connection.
    await pass(2999)
    expect(server.requests).toHaveLength(1)
    await pass(1)
    expect(server.requests).toHaveLength(2)
    expect(log).toEqual(['open', 'lost 3000', 'open'])
  })

  it('takes the limit from its option, and a connection silent again waits longer each time', async () => {
    const { log } = connect({ silenceLimitMs: 5000 })
    await settle()
    await pass(5000)
    expect(log).toEqual(['open', 'lost 1000'])
    await pass(1000)
    expect(log).toEqual(['open', 'lost 1000', 'open'])
    // Open again: silent again, dropped again; the wait starts over as after any drop once open.
    await pass(5000)
    expect(log).toEqual(['open', 'lost 1000', 'open', 'lost 1000'])
    expect(server.streams[1]!.cancelled).toBe(true)
  })

  it('stays open on keep-alive comments alone, and is dropped 45 s after the last one', async () => {
    const { log, messages } = connect()
    await settle()
    const stream = server.streams[0]!
    // Ten minutes of keep-alives 30 s apart (each one the limit would otherwise be near).
    for (let i = 0; i < 20; i++) {
      await pass(30_000)
      stream.send(': keep-alive\n\n')
      await settle()
    }
    expect(log).toEqual(['open'])
    expect(messages).toEqual([])
    expect(stream.cancelled).toBe(false)
    await pass(44_999)
    expect(log).toEqual(['open'])
    await pass(1)
    expect(log).toEqual(['open', 'lost 1000'])
    expect(stream.cancelled).toBe(true)
  })

  it('stays open on events, even one cut into chunks, and is dropped 45 s after the last byte', async () => {
    const { log, messages } = connect()
    await settle()
    const stream = server.streams[0]!
    for (let i = 0; i < 10; i++) {
      await pass(40_000)
      stream.send(`event: clock\ndata: ${i}\n\n`)
      await settle()
    }
    // Half an event is a byte heard too.
    await pass(40_000)
    stream.send('event: request\nda')
    await settle()
    await pass(40_000)
    stream.send('ta: x\n\n')
    await settle()
    expect(log).toEqual(['open'])
    expect(messages).toHaveLength(11)
    expect(messages.at(-1)).toEqual({ event: 'request', data: 'x' })
    await pass(44_999)
    expect(log).toEqual(['open'])
    await pass(1)
    expect(log).toEqual(['open', 'lost 1000'])
  })

  it('waits at least three of the keep-alive periods the server announces, never less than its own limit', async () => {
    const { log } = connect()
    await settle()
    // A server that sends its keep-alive every 60 s: silent for 179.999 s is no drop yet.
    server.streams[0]!.send('retry: 3000\n: keep-alive every 60000 ms\n: connected\n\n')
    await settle()
    await pass(179_999)
    expect(log).toEqual(['open'])
    await pass(1)
    expect(log).toEqual(['open', 'lost 3000'])

    // One that sends it every 50 ms does not shorten the limit of 45 s.
    await pass(3000)
    expect(log).toEqual(['open', 'lost 3000', 'open'])
    server.streams[1]!.send(': keep-alive every 50 ms\n\n')
    await settle()
    await pass(44_999)
    expect(log).toEqual(['open', 'lost 3000', 'open'])
    await pass(1)
    expect(log).toEqual(['open', 'lost 3000', 'open', 'lost 3000'])
  })

  it('stops its silence timer when the page closes it: no timer is left, nothing is tried again', async () => {
    const { log, connection } = connect()
    await settle()
    await pass(30_000)
    // The silence timer is the only one while the stream is open.
    expect(vi.getTimerCount()).toBe(1)
    connection.close()
    expect(vi.getTimerCount()).toBe(0)
    await settle()
    expect(vi.getTimerCount()).toBe(0)
    await pass(10 * 60_000)
    expect(log).toEqual(['open'])
    expect(server.requests).toHaveLength(1)
  })
})
