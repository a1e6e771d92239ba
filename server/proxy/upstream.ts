/** Where the proxy sends a call: a real HTTP(S) host, or an in-process `fetch` handler (the sandbox). */
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { DROP, type Answer, type Call } from '../sandbox/http.ts'

export interface UpstreamRequest {
  method: string
  /** Path and query, e.g. `/verify/search/json?request_id=abc`. */
  path: string
  /** Lower-case names; `content-length` is added from `body`. */
  headers: Record<string, string>
  body?: string
}

export interface UpstreamResponse {
  status: number
  headers: Record<string, string>
  body: Readable
  /** Stops reading the body (the browser went away). */
  cancel(): void
}

/** A whole upstream answer, read into memory (Verify answers are a few hundred bytes). */
export interface BufferedAnswer {
  status: number
  /** The `Content-Type` header, or '' when absent. */
  contentType: string
  body: Buffer
}

export interface ExchangeLimits {
  /** The whole exchange (send, wait, read) must finish within this many milliseconds. */
  timeoutMs: number
  /** Largest answer read; a larger one fails as a network error. */
  maxBytes: number
}

export interface Upstream {
  /** For messages: `https://api.nexmo.com`, `the embedded sandbox`. */
  readonly description: string
  /** Streams an answer (the sandbox admin API, its event stream). */
  send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse>
  /**
   * Sends a call and reads the whole answer. Rejects with UpstreamTimeoutError past
   * `limits.timeoutMs`, with UpstreamNetworkError when the upstream cannot be reached, drops the
   * connection or answers more than `limits.maxBytes`.
   */
  exchange(request: UpstreamRequest, limits: ExchangeLimits): Promise<BufferedAnswer>
  close(): void
}

/** The upstream could not be reached or dropped the connection before answering. */
export class UpstreamNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'UpstreamNetworkError'
  }
}

/** The upstream did not answer within the time limit. */
export class UpstreamTimeoutError extends Error {
  constructor() {
    super('upstream timeout')
    this.name = 'UpstreamTimeoutError'
  }
}

/** `UpstreamNetworkError.code` of an answer larger than `ExchangeLimits.maxBytes`. */
export const TOO_LARGE = 'ETOOLARGE'

const tooLarge = () => new UpstreamNetworkError('upstream answer too large', TOO_LARGE)

/** An upstream on a base URL (`https://api.nexmo.com`, `http://127.0.0.1:4010`), with keep-alive. */
export function httpUpstream(baseUrl: string): Upstream {
  const base = new URL(baseUrl)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`The upstream URL must be http: or https:, not ${base.protocol}`)
  }
  const transport = base.protocol === 'https:' ? https : http
  // More sockets than calls the rate limit lets through at once (30/s), and than a busy dev server
  // sends: a call never waits for a socket.
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 })
  const prefix = base.pathname.replace(/\/$/, '')
  const protocol = base.protocol
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = base.port || undefined

  function request(call: UpstreamRequest): http.ClientRequest {
    if (call.body !== undefined)
      call.headers['content-length'] = String(Buffer.byteLength(call.body))
    return transport.request({
      protocol,
      hostname,
      port,
      method: call.method,
      path: prefix + call.path,
      headers: call.headers,
      agent,
    })
  }

  return {
    description: base.origin,
    send(call, signal) {
      return new Promise((resolve, reject) => {
        const req = request(call)
        req.once('response', (res: IncomingMessage) => {
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
          }
          res.once('close', () => signal.removeEventListener('abort', onAbort))
          resolve({
            status: res.statusCode ?? 502,
            headers,
            body: res,
            cancel: () => res.destroy(),
          })
        })
        // Abort by hand rather than with the `signal` option: cheaper per call on a keep-alive agent.
        const onAbort = () =>
          req.destroy(signal.reason instanceof Error ? signal.reason : undefined)
        signal.addEventListener('abort', onAbort, { once: true })
        req.on('error', (error: NodeJS.ErrnoException) => {
          signal.removeEventListener('abort', onAbort)
          if (signal.aborted) reject(signal.reason)
          else reject(new UpstreamNetworkError(error.message, error.code))
        })
        req.end(call.body)
      })
    },
    exchange(call, limits) {
      return new Promise<BufferedAnswer>((resolve, reject) => {
        const req = request(call) as TaggedRequest
        const pending: Pending = {
          req,
          resolve,
          reject,
          timer: undefined,
          maxBytes: limits.maxBytes,
          chunks: [],
          size: 0,
          status: 0,
          contentType: '',
          done: false,
        }
        pending.timer = setTimeout(onTimeout, limits.timeoutMs, pending)
        req[PENDING] = pending
        req.on('response', onResponse)
        req.on('error', onRequestError)
        req.end(call.body)
      })
    },
    close() {
      agent.destroy()
    },
  }
}

// One exchange with an HTTP upstream, driven by shared handlers (no closures per call): the state
// hangs on the request and response objects.
const PENDING = Symbol('verify-desk.exchange')

interface Pending {
  req: http.ClientRequest
  resolve(answer: BufferedAnswer): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout> | undefined
  maxBytes: number
  chunks: Buffer[]
  size: number
  status: number
  contentType: string
  done: boolean
}

type TaggedRequest = http.ClientRequest & { [PENDING]: Pending }
type TaggedResponse = IncomingMessage & { [PENDING]: Pending }

function settle(pending: Pending, error: Error | undefined): void {
  if (pending.done) return
  pending.done = true
  clearTimeout(pending.timer)
  if (error === undefined) {
    const { chunks } = pending
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, pending.size)
    pending.resolve({ status: pending.status, contentType: pending.contentType, body })
    return
  }
  pending.req.destroy()
  pending.reject(error)
}

function onTimeout(pending: Pending): void {
  settle(pending, new UpstreamTimeoutError())
}

function onRequestError(this: TaggedRequest, error: NodeJS.ErrnoException): void {
  settle(this[PENDING], new UpstreamNetworkError(error.message, error.code))
}

function onResponse(this: TaggedRequest, res: IncomingMessage): void {
  const pending = this[PENDING]
  pending.status = res.statusCode ?? 502
  pending.contentType = rawHeader(res.rawHeaders, 'content-type')
  const tagged = res as TaggedResponse
  tagged[PENDING] = pending
  res.on('data', onData)
  res.on('end', onEnd)
  res.on('error', onResponseError)
  res.on('close', onResponseClose)
}

function onData(this: TaggedResponse, chunk: Buffer): void {
  const pending = this[PENDING]
  pending.size += chunk.length
  if (pending.size > pending.maxBytes) settle(pending, tooLarge())
  else pending.chunks.push(chunk)
}

function onEnd(this: TaggedResponse): void {
  settle(this[PENDING], undefined)
}

function onResponseError(this: TaggedResponse, error: NodeJS.ErrnoException): void {
  settle(this[PENDING], new UpstreamNetworkError(error.message, error.code ?? 'ECONNRESET'))
}

function onResponseClose(this: TaggedResponse): void {
  if (!this.complete) {
    settle(
      this[PENDING],
      new UpstreamNetworkError('the upstream closed the connection mid-answer', 'ECONNRESET'),
    )
  }
}

/** A header from `rawHeaders` (name, value, name, value…), joined when repeated; '' when absent. */
function rawHeader(raw: string[], name: string): string {
  let value = ''
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string
    if (key.length === name.length && key.toLowerCase() === name) {
      value = value ? `${value}, ${raw[i + 1]}` : (raw[i + 1] as string)
    }
  }
  return value
}

/** An in-process upstream answering web-standard Requests (the embedded sandbox's `fetch`). */
export function fetchUpstream(
  handler: (request: Request) => Promise<Response>,
  description: string,
): Upstream {
  async function respond(call: UpstreamRequest, signal: AbortSignal): Promise<Response> {
    try {
      return await handler(
        new Request(`http://sandbox.internal${call.path}`, {
          method: call.method,
          headers: call.headers,
          body:
            call.body === undefined || call.method === 'GET' || call.method === 'HEAD'
              ? undefined
              : call.body,
          signal,
        }),
      )
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw new UpstreamNetworkError(
        error instanceof Error ? error.message : String(error),
        undefined,
      )
    }
  }
  async function readAnswer(
    call: UpstreamRequest,
    limits: ExchangeLimits,
  ): Promise<BufferedAnswer> {
    let response: Response
    try {
      response = await handler(
        new Request(`http://sandbox.internal${call.path}`, {
          method: call.method,
          headers: call.headers,
          body: call.method === 'GET' || call.method === 'HEAD' ? undefined : call.body,
        }),
      )
    } catch (error) {
      throw new UpstreamNetworkError(
        error instanceof Error ? error.message : String(error),
        undefined,
      )
    }
    if (Number(response.headers.get('content-length') ?? 0) > limits.maxBytes) {
      void response.body?.cancel().catch(() => undefined)
      throw tooLarge()
    }
    const body = Buffer.from(await response.arrayBuffer())
    if (body.length > limits.maxBytes) throw tooLarge()
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
    }
  }
  return {
    description,
    async send(call, signal) {
      const response = await respond(call, signal)
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      if (!response.body) {
        return { status: response.status, headers, body: Readable.from([]), cancel: () => {} }
      }
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      return { status: response.status, headers, body, cancel: () => body.destroy() }
    },
    async exchange(call, limits) {
      // No abort signal: the sandbox answers in-process (a timed-out call finishes there unseen),
      // and a signal per Request costs more than the rest of the call.
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(rejectTimeout, limits.timeoutMs, reject)
      })
      try {
        return await Promise.race([readAnswer(call, limits), deadline])
      } finally {
        clearTimeout(timer)
      }
    },
    close() {},
  }
}

/** What `sandboxUpstream` needs of the embedded sandbox. */
export interface InProcessSandbox {
  handle(call: Call): Answer | Promise<Answer>
  fetch(request: Request): Promise<Response>
}

/**
 * The embedded sandbox, called in-process: Verify calls go straight to its call handler (no HTTP,
 * no web Request/Response), the admin API and its event stream through its `fetch` handler.
 */
export function sandboxUpstream(sandbox: InProcessSandbox, description: string): Upstream {
  const viaFetch = fetchUpstream((request) => sandbox.fetch(request), description)
  return {
    description,
    send: viaFetch.send,
    exchange(request, limits) {
      let answer: Answer | Promise<Answer>
      try {
        answer = sandbox.handle(new SandboxCall(request))
      } catch (error) {
        return Promise.reject(sandboxFailure(error))
      }
      if (!(answer instanceof Promise)) return bufferAnswer(answer, limits)
      // Only an injected delay makes the sandbox wait: bounded by the time limit like any upstream.
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(rejectTimeout, limits.timeoutMs, reject)
      })
      return Promise.race([
        answer.then(
          (settled) => bufferAnswer(settled, limits),
          (error: unknown) => {
            throw sandboxFailure(error)
          },
        ),
        deadline,
      ]).finally(() => clearTimeout(timer))
    },
    close() {},
  }
}

/** A proxied call as the sandbox's call handler reads it. */
class SandboxCall implements Call {
  readonly method: string
  readonly path: string
  readonly rawQuery: string
  readonly body: Uint8Array | null
  readonly tooLarge = false // the proxy's own body limit is far below the sandbox's
  private readonly headers: Record<string, string>

  constructor(request: UpstreamRequest) {
    const mark = request.path.indexOf('?')
    this.method = request.method
    this.path = mark < 0 ? request.path : request.path.slice(0, mark)
    this.rawQuery = mark < 0 ? '' : request.path.slice(mark + 1)
    this.body =
      request.body && request.method !== 'GET' && request.method !== 'HEAD'
        ? Buffer.from(request.body, 'utf8')
        : null
    this.headers = request.headers
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.rawQuery)
  }

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]
  }
}

function bufferAnswer(answer: Answer, limits: ExchangeLimits): Promise<BufferedAnswer> {
  if (answer === DROP) {
    return Promise.reject(
      new UpstreamNetworkError('the embedded sandbox dropped the connection', undefined),
    )
  }
  const contentType = answer.headers['content-type'] ?? ''
  if (typeof answer.body !== 'string') {
    const stream = answer.body
    return new Response(stream).arrayBuffer().then((data) => {
      if (data.byteLength > limits.maxBytes) throw tooLarge()
      return { status: answer.status, contentType, body: Buffer.from(data) }
    })
  }
  const body = Buffer.from(answer.body, 'utf8')
  if (body.length > limits.maxBytes) return Promise.reject(tooLarge())
  return Promise.resolve({ status: answer.status, contentType, body })
}

function sandboxFailure(error: unknown): Error {
  if (error instanceof UpstreamNetworkError || error instanceof UpstreamTimeoutError) return error
  return new UpstreamNetworkError(error instanceof Error ? error.message : String(error), undefined)
}

function rejectTimeout(reject: (error: Error) => void): void {
  reject(new UpstreamTimeoutError())
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(signal.aborted ? signal.reason : error)
      },
    )
  })
}
