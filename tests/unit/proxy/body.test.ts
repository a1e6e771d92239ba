import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readBody } from '../../../server/proxy/body'
import { realTimers } from '../../../server/proxy/limiter'

/** A request whose body the test sends chunk by chunk. */
const request = (length: number) =>
  Object.assign(new EventEmitter(), {
    headers: { 'content-length': String(length) },
  }) as unknown as IncomingMessage

/** What a read came to so far: pending, the bytes, or the error. */
function watch(reading: Promise<Buffer>) {
  const outcome: { bytes?: Buffer; error?: unknown } = {}
  reading.then(
    (bytes) => (outcome.bytes = bytes),
    (error: unknown) => (outcome.error = error),
  )
  return outcome
}

describe('readBody deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  // The default time limit, on the clock the fake timers drive.
  const deadline = { ms: 10_000, timers: realTimers }

  it('reads a body that arrives whole in time, and leaves no timer behind', async () => {
    const req = request(6)
    const outcome = watch(readBody(req, 1024, deadline))
    req.emit('data', Buffer.from('{"a":'))
    await vi.advanceTimersByTimeAsync(9_000)
    req.emit('data', Buffer.from('1}'))
    req.emit('end')
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome.bytes?.toString()).toBe('{"a":1}')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('refuses a body that stops arriving with 408 request_timeout, unsent', async () => {
    const req = request(60)
    const outcome = watch(readBody(req, 1024, deadline))
    req.emit('data', Buffer.from('{"number":'))
    await vi.advanceTimersByTimeAsync(9_999)
    expect(outcome).toEqual({})
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome.error).toMatchObject({
      status: 408,
      code: 'request_timeout',
      delivery: 'not_sent',
      message: expect.stringMatching(/^The request body did not arrive whole within 10 s/),
    })
    // What comes after is not read any more.
    req.emit('data', Buffer.from('"1"}'))
    req.emit('end')
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome.bytes).toBeUndefined()
  })

  it('clears its timer when the body is refused as too large or the connection fails', async () => {
    const big = request(0)
    const tooLarge = watch(readBody(big, 4, deadline))
    big.emit('data', Buffer.from('12345'))
    const failing = request(10)
    const failed = watch(readBody(failing, 1024, deadline))
    failing.emit('error', Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
    await vi.advanceTimersByTimeAsync(0)
    expect(tooLarge.error).toMatchObject({ status: 413 })
    expect(failed.error).toMatchObject({ code: 'ECONNRESET' })
    expect(vi.getTimerCount()).toBe(0)
  })
})
