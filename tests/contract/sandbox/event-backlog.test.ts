import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { admin, sandboxForEachTest } from './support/sandbox'
import { openSse, type SseEvent } from './support/sse'

// The admin event stream holds a bounded backlog for a client that stops reading but keeps its
// connection open (a suspended tab): past it that client's stream is ended, while a client that
// reads gets every event.
const BACKLOG = 64 * 1024
const own = sandboxForEachTest({ eventBacklogBytes: BACKLOG })

/** Opens the event stream over a raw socket and stops reading once the first bytes came. */
function openStalled(base: string): Promise<net.Socket> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname)
    socket.once('error', reject)
    socket.once('connect', () =>
      socket.write(`GET /__admin/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`),
    )
    socket.once('data', () => {
      socket.pause()
      resolve(socket)
    })
  })
}

const sockets: net.Socket[] = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy()
})

describe('GET /__admin/events with a client that stops reading', () => {
  it('ends that client alone once its backlog is past the limit; a reading client gets every event', async () => {
    const reading = await openSse(own.base, '/__admin/events')
    try {
      const stalled = await openStalled(own.base)
      sockets.push(stalled)
      expect(own.sandbox.eventStreams()).toBe(2)

      // Each change of the test numbers sends the whole list: 400 numbers, then 400 new PINs for
      // them, make some 20 MB of events, far more than the socket buffers of the stalled client
      // (a few MB at most) and its backlog limit.
      const COUNT = 400
      const numberOf = (i: number) => `4477009${String(i).padStart(5, '0')}`
      for (let i = 0; i < COUNT; i++) {
        await admin(own.base, `/test-numbers/${numberOf(i)}`, { pin: '1234' }, 'PUT')
      }
      for (let i = 0; i < COUNT; i++) {
        await admin(own.base, `/test-numbers/${numberOf(i)}`, { pin: '98765' }, 'PUT')
      }
      const isLast = (e: SseEvent) =>
        e.event === 'test-numbers' &&
        (e.data as { test_numbers: { pin: string }[] }).test_numbers.every((n) => n.pin === '98765')
      await reading.waitFor(isLast)

      const lists = reading.events.filter((e) => e.event === 'test-numbers')
      expect(lists).toHaveLength(2 * COUNT)
      const sizes = lists.map((e) => (e.data as { test_numbers: unknown[] }).test_numbers.length)
      expect(sizes.slice(0, COUNT)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1))
      expect(sizes.slice(COUNT).every((n) => n === COUNT)).toBe(true)
      // The stalled client was unsubscribed (its backlog dropped); the reading one stays.
      expect(own.sandbox.eventStreams()).toBe(1)

      // A client that connects again gets the stream as before.
      const again = await openSse(own.base, '/__admin/events')
      try {
        expect(own.sandbox.eventStreams()).toBe(2)
        await admin(own.base, `/test-numbers/${numberOf(0)}`, { pin: '4321' }, 'PUT')
        await again.waitFor((e) => e.event === 'test-numbers')
        await reading.waitFor(
          (e) =>
            e.event === 'test-numbers' &&
            (e.data as { test_numbers: { pin: string }[] }).test_numbers.some(
              (n) => n.pin === '4321',
            ),
        )
      } finally {
        again.close()
      }
    } finally {
      reading.close()
    }
  })
})
