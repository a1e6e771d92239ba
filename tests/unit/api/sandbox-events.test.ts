import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openSandboxEvents, type SandboxEvent, type SandboxEventsHandle } from '@/api/sandbox'
import { onTokenRefused, setAccessToken, TOKEN_HEADER, TOKEN_QUERY_PARAM } from '@/api/client'
import { serveEvents, settle, unauthorized, type FakeServer } from './support/sse'

// No Web Locks and no BroadcastChannel here: the tab keeps a stream of its own, shared by its
// subscribers (the sharing between tabs is tested in shared-event-stream.test.ts and
// tab-lock.test.ts).

let server: FakeServer
const handles: SandboxEventsHandle[] = []

function open(...args: Parameters<typeof openSandboxEvents>): SandboxEventsHandle {
  const handle = openSandboxEvents(...args)
  handles.push(handle)
  return handle
}

beforeEach(() => {
  vi.stubGlobal('BroadcastChannel', undefined)
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  setAccessToken(null)
  server = serveEvents()
})
afterEach(() => {
  for (const handle of handles.splice(0)) handle.close()
  setAccessToken(null)
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('openSandboxEvents', () => {
  it('shares one connection between subscribers and closes it with the last one', async () => {
    setAccessToken('tok-0123456789abcdef')
    const a: SandboxEvent[] = []
    const b: SandboxEvent[] = []
    const first = open((e) => a.push(e))
    const second = open((e) => b.push(e))
    await settle()
    expect(server.requests).toHaveLength(1)
    const request = server.requests[0]!
    // The token travels in its header, never in the URL (access logs, HAR files).
    expect(request.url).toBe('http://127.0.0.1:9/api/sandbox/__admin/events')
    expect(request.url).not.toContain(TOKEN_QUERY_PARAM)
    expect(request.headers.get(TOKEN_HEADER)).toBe('tok-0123456789abcdef')

    const stream = server.streams[0]!
    stream.send('retry: 3000\n: connected\n\n')
    stream.send('event: clock\ndata: {"now":"x","now_ms":1,"offset_ms":5,"next_due_at":null}\n\n')
    stream.send('event: request\ndata: not json\n\n')
    stream.send('event: unknown\ndata: {}\n\n')
    await settle()
    expect(a).toEqual([
      { type: 'clock', data: { now: 'x', now_ms: 1, offset_ms: 5, next_due_at: null } },
    ])
    expect(b).toEqual(a)

    first.close()
    stream.send('event: reset\ndata: {"at":"y"}\n\n')
    await settle()
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(2)
    expect(stream.cancelled || request.signal.aborted).toBe(false)
    second.close()
    await settle()
    expect(stream.cancelled || request.signal.aborted).toBe(true)

    open(() => undefined).close()
    await settle()
    expect(server.requests).toHaveLength(2)
  })

  it('delivers the lists of faults and test numbers the sandbox sends on each change', async () => {
    const seen: SandboxEvent[] = []
    open((e) => seen.push(e))
    await settle()
    const stream = server.streams[0]!
    stream.send('event: faults\ndata: {"faults":[]}\n\n')
    stream.send(
      'event: test-numbers\ndata: {"test_numbers":[{"number":"447700900111","pin":"1234"}]}\n\n',
    )
    await settle()
    expect(seen).toEqual([
      { type: 'faults', data: { faults: [] } },
      { type: 'test-numbers', data: { test_numbers: [{ number: '447700900111', pin: '1234' }] } },
    ])
  })

  it('tells each subscriber when the connection opens, drops and opens again', async () => {
    const opened = vi.fn()
    const dropped = vi.fn()
    open(() => undefined, dropped, opened)
    await settle()
    expect(opened).toHaveBeenCalledTimes(1)
    // A subscriber that comes once it is open hears so at once (to load what it shows).
    const late = vi.fn()
    open(() => undefined, undefined, late)
    await settle()
    expect(late).toHaveBeenCalledTimes(1)

    server.streams[0]!.fail()
    await settle()
    expect(dropped).toHaveBeenCalledTimes(1)
    // 1 s, and up to a fifth more to spread the browsers that lost the server at the same time.
    await vi.advanceTimersByTimeAsync(1200)
    await settle()
    expect(server.requests).toHaveLength(2)
    expect(opened).toHaveBeenCalledTimes(2)
    expect(late).toHaveBeenCalledTimes(2)
  })

  it('on a 401 brings up the token prompt, and reopens with the token entered', async () => {
    const refused = vi.fn()
    const stopRefused = onTokenRefused(refused)
    setAccessToken('old-token-0123456789')
    server.answer = (request) =>
      request.headers.get(TOKEN_HEADER) === 'new-token-0123456789' ? 'stream' : unauthorized()
    const dropped = vi.fn()
    const opened = vi.fn()
    const events: SandboxEvent[] = []
    open((e) => events.push(e), dropped, opened)
    await settle()
    expect(refused).toHaveBeenCalledTimes(1)
    expect(dropped).toHaveBeenCalledTimes(1)
    expect(opened).not.toHaveBeenCalled()

    setAccessToken('new-token-0123456789')
    await settle()
    expect(server.requests).toHaveLength(2)
    expect(opened).toHaveBeenCalledTimes(1)
    server.streams[0]!.send('event: reset\ndata: {"at":"z"}\n\n')
    await settle()
    expect(events).toEqual([{ type: 'reset', data: { at: 'z' } }])
    stopRefused()
  })
})
