/**
 * A fake server for the event stream, reached through the API client's `fetch` option: every
 * request is recorded, and each stream answered is a body the test writes to, ends or breaks.
 */
import { configureClient } from '@/api/client'

export interface FakeStream {
  request: Request
  /** Sends text as it would arrive on the wire (any chunking). */
  send(text: string): void
  /** The server ends the answer. */
  end(): void
  /** The connection breaks mid-answer. */
  fail(): void
  /** Whether the client cancelled (closed) it. */
  readonly cancelled: boolean
}

export type Answer = 'stream' | Response | Error

export interface FakeServer {
  /** Every request that reached the server, in order. */
  requests: Request[]
  /** The streams answered, in order. */
  streams: FakeStream[]
  /** How the next requests are answered (default: a stream). */
  answer: (request: Request) => Answer
}

const encoder = new TextEncoder()

function openStream(request: Request): { stream: FakeStream; response: Response } {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled = false
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    cancel() {
      cancelled = true
    },
  })
  const stream: FakeStream = {
    request,
    send: (text) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: () => controller.error(new TypeError('network error')),
    get cancelled() {
      return cancelled
    },
  }
  const response = new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  })
  return { stream, response }
}

/** A JSON answer, e.g. the proxy's 401 `{"error":{"code":"unauthorized",…}}`. */
export function jsonAnswer(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

export function unauthorized(): Response {
  return jsonAnswer(
    { error: { code: 'unauthorized', message: 'This Verify Desk server needs its access token.' } },
    401,
  )
}

/** Points the API client at a fake server and returns it. */
export function serveEvents(): FakeServer {
  const server: FakeServer = { requests: [], streams: [], answer: () => 'stream' }
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      server.requests.push(request)
      const answer = server.answer(request)
      if (answer instanceof Error) throw answer
      if (answer instanceof Response) return answer
      const { stream, response } = openStream(request)
      server.streams.push(stream)
      request.signal?.addEventListener('abort', () => {
        try {
          stream.fail()
        } catch {
          // already ended
        }
      })
      return response
    }) as typeof fetch,
  })
  return server
}

/** Lets pending fetches, stream reads and relayed messages run (timers stay where they are). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
