/**
 * Why the sandbox's event stream is away, as its subscribers are told: a refused access token
 * (401) is no lost connection, and a page must not say "Connection lost" while the stream waits
 * for the token. Each change between the two is told; the same one again is not.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openSandboxEvents, type SandboxEventsHandle, type StreamTrouble } from '@/api/sandbox'
import { setAccessToken, TOKEN_HEADER } from '@/api/client'
import { serveEvents, settle, unauthorized, type FakeServer } from './support/sse'

let server: FakeServer
const handles: SandboxEventsHandle[] = []
const GOOD = 'good-token-0123456789'

/** Subscribes and records what the subscriber is told: `open`, `lost` or `refused`. */
function listen(): string[] {
  const heard: string[] = []
  handles.push(
    openSandboxEvents(
      () => undefined,
      (trouble: StreamTrouble) => heard.push(trouble),
      () => heard.push('open'),
    ),
  )
  return heard
}

beforeEach(() => {
  // One stream for the tab (no sharing between tabs here: see shared-event-stream.test.ts).
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

describe('openSandboxEvents: why the stream is away', () => {
  it('says the token was refused on a 401, not that the connection was lost', async () => {
    setAccessToken('old-token-0123456789')
    server.answer = (request) =>
      request.headers.get(TOKEN_HEADER) === GOOD ? 'stream' : unauthorized()
    const heard = listen()
    await settle()
    expect(heard).toEqual(['refused'])

    // A page that starts listening meanwhile hears the same at once.
    const late = listen()
    await settle()
    expect(late).toEqual(['refused'])

    setAccessToken(GOOD)
    await settle()
    expect(heard).toEqual(['refused', 'open'])
    expect(late).toEqual(['refused', 'open'])
  })

  it('says the connection was lost when it drops, and refused when the server then wants a token', async () => {
    setAccessToken(GOOD)
    const heard = listen()
    await settle()
    expect(heard).toEqual(['open'])

    // The server restarts with another token: the drop first, then the refusal of the retry.
    server.answer = () => unauthorized()
    server.streams[0]!.fail()
    await settle()
    expect(heard).toEqual(['open', 'lost'])
    await vi.advanceTimersByTimeAsync(1200)
    await settle()
    expect(server.requests).toHaveLength(2)
    expect(heard).toEqual(['open', 'lost', 'refused'])

    // The server is away when the new token is tried: lost again, and told so.
    server.answer = () => new TypeError('network error')
    setAccessToken('newer-token-0123456789')
    await settle()
    expect(server.requests).toHaveLength(3)
    expect(heard).toEqual(['open', 'lost', 'refused', 'lost'])
    // Tried again after a wait, and still away: nothing new to say.
    await vi.advanceTimersByTimeAsync(1200)
    await settle()
    expect(server.requests).toHaveLength(4)
    expect(heard).toEqual(['open', 'lost', 'refused', 'lost'])
  })
})
