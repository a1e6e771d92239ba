import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  isTokenInUse,
  onAccessTokenChange,
  openApiStream,
  setAccessToken,
  tokenMarkOf,
  TOKEN_HEADER,
} from '@/api/client'
import { connectEventStream } from '@/api/event-stream'
import { serveEvents, settle, unauthorized, jsonAnswer, type FakeServer } from './support/sse'
import { EVENTS_PATH as PATH, trackConnections } from './support/connections'

let server: FakeServer
const { connect, track, closeAll } = trackConnections()

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

describe('connectEventStream: reading the stream', () => {
  it('parses events however the text is cut into chunks', async () => {
    const { log, messages } = connect()
    await settle()
    expect(log).toEqual(['open'])
    const stream = server.streams[0]!
    stream.send('retry: 3000\n: connected\n\n')
    stream.send('event: clock\nda')
    stream.send('ta: {"offset_ms":5}\n')
    stream.send('\n: keep-alive\n\nevent: request\r\ndata: {"a":\r\ndata: 1}\r\n\r\n')
    stream.send('data: no name\n\n')
    await settle()
    expect(messages).toEqual([
      { event: 'clock', data: '{"offset_ms":5}' },
      { event: 'request', data: '{"a":\n1}' },
      { event: 'message', data: 'no name' },
    ])
  })

  it('asks for an event stream with the token in its header, never in the URL', async () => {
    setAccessToken('s3cret-token-0123456789')
    connect()
    await settle()
    const request = server.requests[0]!
    expect(request.method).toBe('GET')
    expect(request.url).toBe(`http://127.0.0.1:9/api/${PATH}`)
    expect(request.headers.get(TOKEN_HEADER)).toBe('s3cret-token-0123456789')
    expect(request.headers.get('accept')).toBe('text/event-stream')
  })

  it('has no time limit while the server keeps it alive: an open stream stays open however long no event comes', async () => {
    const { log } = connect()
    await settle()
    for (let i = 0; i < 40; i++) {
      await vi.advanceTimersByTimeAsync(15_000)
      server.streams[0]!.send(': keep-alive\n\n')
      await settle()
    }
    expect(log).toEqual(['open'])
    expect(server.requests).toHaveLength(1)
    expect(server.streams[0]!.cancelled).toBe(false)
  })

  it('close() cancels the stream and tries nothing more', async () => {
    const { log, messages, connection } = connect()
    await settle()
    connection.close()
    await settle()
    expect(server.streams[0]!.cancelled || server.requests[0]!.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(120_000)
    await settle()
    expect(server.requests).toHaveLength(1)
    expect(log).toEqual(['open'])
    expect(messages).toEqual([])
  })
})

describe('connectEventStream: connecting again', () => {
  it("waits the server's retry: after a drop, longer after each failure, and starts over once open", async () => {
    const { log } = connect({ maxRetryMs: 20_000 })
    await settle()
    server.streams[0]!.send('retry: 3000\n\n')
    server.streams[0]!.end()
    await settle()
    expect(log).toEqual(['open', 'lost 3000'])

    // Nothing before the wait is over.
    server.answer = () => new TypeError('Failed to fetch')
    await vi.advanceTimersByTimeAsync(2999)
    await settle()
    expect(server.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(server.requests).toHaveLength(2)
    expect(log.at(-1)).toBe('lost 6000')

    server.answer = () => jsonAnswer({ error: { code: 'x', message: 'down' } }, 503)
    await vi.advanceTimersByTimeAsync(6000)
    await settle()
    expect(server.requests).toHaveLength(3)
    expect(log.at(-1)).toBe('lost 12000')

    // An answer that is not an event stream is a failure too; the wait stops growing at the cap.
    server.answer = () =>
      new Response('<html></html>', { headers: { 'content-type': 'text/html' } })
    await vi.advanceTimersByTimeAsync(12_000)
    await settle()
    expect(server.requests).toHaveLength(4)
    expect(log.at(-1)).toBe('lost 20000')

    server.answer = () => 'stream'
    await vi.advanceTimersByTimeAsync(20_000)
    await settle()
    expect(server.requests).toHaveLength(5)
    expect(log.at(-1)).toBe('open')
    server.streams[1]!.fail()
    await settle()
    expect(log.slice(-2)).toEqual(['open', 'lost 3000'])
    await vi.advanceTimersByTimeAsync(3000)
    await settle()
    expect(server.requests).toHaveLength(6)
    expect(log.at(-1)).toBe('open')
  })

  it('waits 1 s first when the server set no retry, and spreads the waits of many browsers', async () => {
    const { log } = connect({ random: () => 0.5 })
    await settle()
    server.streams[0]!.end()
    await settle()
    expect(log).toEqual(['open', 'lost 1100'])
  })

  it('tries a new token at once while waiting to connect again', async () => {
    const { log } = connect()
    server.answer = () => new TypeError('Failed to fetch')
    await settle()
    expect(log).toEqual(['lost 1000'])
    server.answer = () => new TypeError('Failed to fetch')
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(log).toEqual(['lost 1000', 'lost 2000'])
    server.answer = () => 'stream'
    setAccessToken('new-token-0123456789')
    await settle()
    expect(server.requests).toHaveLength(3)
    expect(server.requests[2]!.headers.get(TOKEN_HEADER)).toBe('new-token-0123456789')
    expect(log.at(-1)).toBe('open')
  })

  it('gives up a try that gets no answer in 20 s, says the stream is lost and tries again', async () => {
    let tries = 0
    const { log } = connect({
      open(signal) {
        tries++
        // The first try: the server (or a proxy) holds the request and never answers.
        if (tries > 1) return openApiStream(PATH, { signal })
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        })
      },
    })
    await settle()
    await vi.advanceTimersByTimeAsync(19_999)
    await settle()
    expect(log).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(log).toEqual(['lost 1000'])
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(tries).toBe(2)
    expect(log).toEqual(['lost 1000', 'open'])
    // Open: the time limit to open no longer applies (only the silence limit, 45 s, does).
    await vi.advanceTimersByTimeAsync(44_999)
    await settle()
    expect(log).toEqual(['lost 1000', 'open'])
    expect(server.streams[0]!.cancelled).toBe(false)
  })
})

describe('connectEventStream: a refused token', () => {
  it('stops after a 401, tells the app, and reopens with the token entered here or in another tab', async () => {
    setAccessToken('old-token-0123456789')
    server.answer = (request) =>
      request.headers.get(TOKEN_HEADER) === 'new-token-0123456789' ? 'stream' : unauthorized()
    const { log } = connect()
    await settle()
    expect(log).toEqual(['refused'])
    // No retry with a token the server refused, however long.
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    await settle()
    expect(server.requests).toHaveLength(1)
    expect(log).toEqual(['refused'])

    // Another refused token: refused again (the prompt asks again).
    setAccessToken('wrong-token-0123456789')
    await settle()
    expect(server.requests).toHaveLength(2)
    expect(log).toEqual(['refused', 'refused'])

    setAccessToken('new-token-0123456789')
    await settle()
    expect(server.requests).toHaveLength(3)
    expect(log).toEqual(['refused', 'refused', 'open'])
    for (const request of server.requests) {
      expect(new URL(request.url).search).toBe('')
    }
  })

  it('names the refused token to the app by the mark of the token its try carried', async () => {
    setAccessToken('old-token-0123456789')
    server.answer = () => unauthorized()
    const marks: (string | undefined)[] = []
    track(
      connectEventStream(
        {
          onOpen: () => undefined,
          onMessage: () => undefined,
          onLost: () => undefined,
          onRefused: (mark) => marks.push(mark),
        },
        { open: (signal) => openApiStream(PATH, { signal }), onTokenChange: onAccessTokenChange },
      ),
    )
    await settle()
    expect(marks).toEqual([tokenMarkOf('old-token-0123456789')])
    // The same rule as a call's refusal and a relayed one: still the token in use, until replaced.
    expect(isTokenInUse(marks[0]!)).toBe(true)
    setAccessToken('new-token-0123456789')
    expect(isTokenInUse(marks[0]!)).toBe(false)
  })

  it('says at once that the token in use was refused, even when it was replaced and set back meanwhile', async () => {
    setAccessToken('old-token-0123456789')
    let answerRefusal: () => void = () => undefined
    server.answer = () => unauthorized()
    const { log } = connect({
      open: async (signal) => {
        const sent = openApiStream(PATH, { signal })
        sent.catch(() => undefined) // read below, once let through
        await new Promise<void>((resolve) => (answerRefusal = resolve))
        return sent
      },
    })
    await settle()
    // Taken over from another tab, then back: the token refused is the one in use again.
    setAccessToken('other-token-0123456789')
    setAccessToken('old-token-0123456789')
    answerRefusal()
    await settle()
    expect(log).toEqual(['refused'])
    // No second try with the token just refused.
    expect(server.requests).toHaveLength(1)
  })

  it('tries again at once, without a word, when the token changed while the refused try was on its way', async () => {
    setAccessToken('old-token-0123456789')
    let answerRefusal: () => void = () => undefined
    server.answer = (request) => {
      if (request.headers.get(TOKEN_HEADER) === 'new-token-0123456789') return 'stream'
      return unauthorized()
    }
    const { log } = connect({
      open: async (signal) => {
        // The first try is answered only once the new token is in.
        if (server.requests.length === 0) {
          const sent = openApiStream(PATH, { signal })
          sent.catch(() => undefined) // read below, once let through
          await new Promise<void>((resolve) => (answerRefusal = resolve))
          return sent
        }
        return openApiStream(PATH, { signal })
      },
    })
    await settle()
    setAccessToken('new-token-0123456789')
    answerRefusal()
    await settle()
    expect(log).toEqual(['open'])
    expect(server.requests.map((r) => r.headers.get(TOKEN_HEADER))).toEqual([
      'old-token-0123456789',
      'new-token-0123456789',
    ])
  })
})
