/**
 * A stub of the desk's server under the real API layer: `src/api/*` and ky run as in the app, and
 * only `fetch` is replaced (through `configureClient`). It answers as the server does (JSON bodies,
 * HTTP statuses, the proxy's and the admin API's `{"error":{"code","message"}}`), by method and path
 * below `/api`, as each test says; it records every call that reached it, and a call no test
 * answers fails the test that made it.
 *
 * `useDeskServer()` (at the top of a test file) gives a fresh server to each test. The sandbox
 * event stream (`GET sandbox/__admin/events`) is answered by `server.stream`: it stays connecting
 * until a test opens it, then pushes what the test sends. The page's stream is shared by every
 * page of the test file (as by the tabs of a browser): a test that opens it unmounts its page at
 * the end, so that the next test's page connects to that test's server.
 */
import { afterEach, beforeEach, expect } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type {
  AdminClock,
  AdminFault,
  AdminRequest,
  AdminStreamEvents,
  HandsetMessage,
  TestNumber,
} from '@contract/admin'
import { configureClient } from '@/api/client'
import type { SearchedRequest } from '@/api/verify'
import { eventually } from './eventually'

/** One call as it reached the server. */
export interface DeskCall {
  method: string
  /** Below `/api`, without a leading slash: `sandbox/__admin/clock`. */
  path: string
  /** The query parameters; a repeated one becomes an array. */
  query: Record<string, string | string[]>
  /** The JSON body parsed, a form body as an object, else `null`. */
  body: unknown
  headers: Headers
}

/** An answer: a response, or a function of the call that returns one (or throws: no answer). */
export type DeskAnswer = Response | ((call: DeskCall) => Response | Promise<Response>)

export interface DeskServer {
  /** Every call that reached the server, in order (the event stream's tries left out). */
  readonly calls: DeskCall[]
  /**
   * Answers `method` `path` with `answers` in turn, the last one for every call after (a later
   * `on` for the same route replaces it).
   */
  on(method: string, path: string, ...answers: DeskAnswer[]): void
  /** The calls made to `method` `path`, in order. */
  callsTo(method: string, path: string): DeskCall[]
  /** The sandbox's event stream. */
  readonly stream: DeskStream
}

export interface DeskStream {
  /** How many times the page tried to open it. */
  readonly tries: number
  /** The tries (open or still connecting) the page has not closed. */
  readonly active: number
  /**
   * Answers the page's try (and every later one at once) with an open stream, once the page tries:
   * the tabs of a browser first agree which one holds the stream, which takes a moment.
   */
  open(): Promise<void>
  /**
   * Refuses the page's try on its way, and every later one, for want of the access token: a 401
   * as the server answers a call without the token it wants.
   */
  refuse(): Promise<void>
  /**
   * The open stream drops, as when the server goes away: the page tries again by itself (after a
   * second or so), and its tries stay connecting until the test opens the stream again (`open`).
   */
  drop(): Promise<void>
  /** Sends one event on the open stream. */
  push<K extends keyof AdminStreamEvents>(type: K, data: AdminStreamEvents[K]): Promise<void>
}

const BASE = 'http://127.0.0.1:9/api'
const EVENTS_PATH = 'sandbox/__admin/events'

/** An answer of the server: `body` as JSON with HTTP `status`. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** The server's own refusal (the proxy's or the admin API's): `{"error":{code,message}}`. */
export function errorAnswer(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return json({ error: { code, message, ...extra } }, status)
}

/**
 * No answer: the connection fails (the server is down or the network lost), as fetch says it
 * (`cause`: `Failed to fetch` in Chromium).
 */
export function noAnswer(cause = 'Failed to fetch'): DeskAnswer {
  return () => Promise.reject(new TypeError(cause))
}

/** An answer held until `promise` settles, e.g. a `deferred` a test resolves. */
export function heldUntil(promise: Promise<Response>): DeskAnswer {
  return () => promise
}

function queryOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of url.searchParams) {
    const prev = out[key]
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return out
}

async function bodyOf(request: Request): Promise<unknown> {
  const text = await request.text()
  if (text === '') return null
  const type = request.headers.get('content-type') ?? ''
  if (type.includes('application/json')) return JSON.parse(text) as unknown
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  return text
}

/** Rejects as fetch does when `signal` aborts. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'))
    if (signal.aborted) abort()
    else signal.addEventListener('abort', abort, { once: true })
  })
}

function createStream() {
  const encoder = new TextEncoder()
  let isOpen = false
  let refused = false
  let tries = 0
  let active = 0
  let release: (() => void) | null = null
  const controllers = new Set<ReadableStreamDefaultController<Uint8Array>>()

  function answer(signal: AbortSignal): Promise<Response> {
    tries++
    active++
    signal.addEventListener('abort', () => active--, { once: true })
    const opened = (): Response => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controllers.add(controller)
          signal.addEventListener('abort', () => {
            controllers.delete(controller)
            controller.error(new DOMException('The operation was aborted.', 'AbortError'))
          })
        },
        cancel() {
          controllers.clear()
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    }
    const refusal = () =>
      json(
        {
          error: {
            code: 'unauthorized',
            message: 'This Verify Desk server needs its access token.',
          },
        },
        401,
      )
    if (refused) return Promise.resolve(refusal())
    if (isOpen) return Promise.resolve(opened())
    const held = new Promise<Response>(
      (resolve) => (release = () => resolve(refused ? refusal() : opened())),
    )
    return Promise.race([held, whenAborted(signal)])
  }

  const stream: DeskStream = {
    get tries() {
      return tries
    },
    get active() {
      return active
    },
    async open() {
      isOpen = true
      release?.()
      release = null
      await eventually(() =>
        expect(controllers.size, 'the page opens the event stream').toBeGreaterThan(0),
      )
      await flushPromises()
    },
    async drop() {
      expect(controllers.size, 'the event stream is open').toBeGreaterThan(0)
      isOpen = false
      for (const controller of [...controllers]) controller.error(new TypeError('network error'))
      controllers.clear()
      await flushPromises()
    },
    async refuse() {
      refused = true
      release?.()
      release = null
      await eventually(() =>
        expect(tries, 'the page tries to open the event stream').toBeGreaterThan(0),
      )
      await flushPromises()
    },
    async push(type, data) {
      expect(controllers.size, 'the event stream is open').toBeGreaterThan(0)
      const bytes = encoder.encode(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
      for (const controller of controllers) controller.enqueue(bytes)
      await flushPromises()
    },
  }
  return { stream, answer }
}

/** A fresh stub server for each test of the calling file; see the module comment. */
export function useDeskServer(): DeskServer {
  let current: ReturnType<typeof createServer> | null = null
  beforeEach(() => {
    current = createServer()
    configureClient({ prefixUrl: BASE, fetch: current.fetch })
  })
  afterEach(() => {
    const unexpected = current?.unexpected ?? []
    expect(unexpected, 'calls no test answered').toEqual([])
  })
  const server = (): ReturnType<typeof createServer> => {
    expect(current, 'useDeskServer() serves inside a test').not.toBeNull()
    return current!
  }
  return {
    get calls() {
      return server().calls
    },
    on: (method, path, ...answers) => server().on(method, path, ...answers),
    callsTo: (method, path) => server().callsTo(method, path),
    get stream() {
      return server().stream
    },
  }
}

function createServer() {
  const routes = new Map<string, DeskAnswer[]>()
  const calls: DeskCall[] = []
  const unexpected: string[] = []
  const { stream, answer: answerStream } = createStream()
  const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init)
    const url = new URL(request.url)
    const path = url.pathname.replace(/^\/api\//, '')
    if (request.method === 'GET' && path === EVENTS_PATH) return answerStream(request.signal)
    const call: DeskCall = {
      method: request.method,
      path,
      query: queryOf(url),
      body: await bodyOf(request),
      headers: request.headers,
    }
    calls.push(call)
    const answers = routes.get(key(call.method, path))
    if (!answers || answers.length === 0) {
      unexpected.push(`${call.method} ${path}${url.search}`)
      return errorAnswer(501, 'unexpected_call', `No test answers ${call.method} ${path}.`)
    }
    const next = answers.length > 1 ? answers.shift()! : answers[0]!
    const response = typeof next === 'function' ? next(call) : next
    // A Response is read once: each call gets its own copy.
    return Promise.race([
      Promise.resolve(response).then((r) => r.clone()),
      whenAborted(request.signal),
    ])
  }

  return {
    fetch: fetch as typeof globalThis.fetch,
    calls,
    unexpected,
    stream,
    on(method: string, path: string, ...answers: DeskAnswer[]) {
      expect(answers.length, `an answer for ${method} ${path}`).toBeGreaterThan(0)
      routes.set(key(method, path), [...answers])
    },
    callsTo(method: string, path: string) {
      return calls.filter((c) => c.method === method.toUpperCase() && c.path === path)
    },
  }
}

/** What the sandbox holds, as its admin API lists it (empty unless said). */
export interface SandboxHolds {
  clock: AdminClock
  requests?: AdminRequest[]
  messages?: HandsetMessage[]
  faults?: AdminFault[]
  testNumbers?: TestNumber[]
}

/**
 * Has `server` answer the reads the sandbox store makes when it loads (messages, requests, clock,
 * faults, test numbers) with what the sandbox `holds`.
 */
export function answerSandboxReads(server: DeskServer, holds: SandboxHolds): void {
  const requests = holds.requests ?? []
  const messages = holds.messages ?? []
  server.on('GET', 'sandbox/__admin/messages', json({ messages, total: messages.length }))
  server.on('GET', 'sandbox/__admin/requests', json({ requests, total: requests.length }))
  server.on('GET', 'sandbox/__admin/clock', json(holds.clock))
  server.on('GET', 'sandbox/__admin/faults', json({ faults: holds.faults ?? [] }))
  server.on('GET', 'sandbox/__admin/test-numbers', json({ test_numbers: holds.testNumbers ?? [] }))
}

/** The path of a search in `env` below `/api`. */
export const searchPath = (env: 'sandbox' | 'live' = 'sandbox') => `${env}/verify/search/json`

/** The request_ids a search call asked for: its `request_id`, or its repeated `request_ids`. */
export function searchedIds(call: DeskCall): string[] {
  const ids = call.query.request_id ?? call.query.request_ids ?? []
  return typeof ids === 'string' ? [ids] : ids
}

/**
 * What Verify's search answers to `call` with the `found` requests among those asked: a request
 * asked alone as itself, several as `verification_requests` (those not found left out), none as status 101.
 */
export function searchFound(call: DeskCall, found: readonly SearchedRequest[]): Response {
  if (found.length === 0) return json({ status: '101', error_text: 'No response found' })
  return searchedIds(call).length === 1 ? json(found[0]) : json({ verification_requests: found })
}
