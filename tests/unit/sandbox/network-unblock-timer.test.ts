/**
 * The end of a network unblock comes by itself: with nothing but time passing (no call, no clock
 * move through the admin API), the sandbox's own timer ends it at `unblocked_until`, and the
 * admin event stream sends the list of faults blocking again then.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox } from '../../../server/sandbox/index'
import { T0 } from './support'

const BASIC = 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64')
const opened: Sandbox[] = []

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  vi.useRealTimers()
})

function sandbox(): Sandbox {
  // The sandbox's clock and its timer both run on the fake timers' time.
  const s = createSandbox({ stateFile: false, now: () => Date.now(), throttlePerSecond: null })
  opened.push(s)
  return s
}

function post(s: Sandbox, path: string, body: unknown, headers: Record<string, string> = {}) {
  return s.fetch(
    new Request(`http://sandbox${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  )
}

/** The `faults` events of the admin event stream, read as they come. */
async function faultEvents(s: Sandbox) {
  const res = await s.fetch(new Request('http://sandbox/__admin/events'))
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  const lists: { network?: string; status?: string; unblocked_until?: string }[][] = []
  let text = ''
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (chunk.done) break
      text += decoder.decode(chunk.value, { stream: true })
      let end: number
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end)
        text = text.slice(end + 2)
        const data = /^event: faults\ndata: (.*)$/m.exec(block)?.[1]
        if (data !== undefined) lists.push((JSON.parse(data) as { faults: never[] }).faults)
      }
    }
  })()
  return {
    lists,
    /** Lets the stream's reads catch up with what was sent. */
    async settle() {
      for (let i = 0; i < 20; i++) await Promise.resolve()
    },
    stop: () => reader.cancel(),
  }
}

describe('the sandbox timer: the end of a network unblock', () => {
  it('blocks again at unblocked_until with only time passing, and the event stream says so', async () => {
    const s = sandbox()
    const stream = await faultEvents(s)
    await post(s, '/__admin/faults', { endpoint: 'request', status: '7', network: '23410' })
    const res = await post(
      s,
      '/verify/network-unblock',
      { network: '23410', unblock_duration: 600 },
      { authorization: BASIC },
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ unblocked_until: '2026-01-01T00:10:00Z' })
    await stream.settle()
    expect(stream.lists.map((l) => l.map((f) => f.unblocked_until ?? null))).toEqual([
      [null],
      ['2026-01-01T00:10:00Z'],
    ])

    await vi.advanceTimersByTimeAsync(599_999)
    await stream.settle()
    expect(stream.lists).toHaveLength(2)

    await vi.advanceTimersByTimeAsync(1)
    await stream.settle()
    expect(stream.lists).toHaveLength(3)
    expect(stream.lists[2]).toEqual([
      expect.not.objectContaining({ unblocked_until: expect.anything() }),
    ])
    expect(stream.lists[2]).toMatchObject([{ network: '23410', status: '7' }])
    await stream.stop()
  })
})
