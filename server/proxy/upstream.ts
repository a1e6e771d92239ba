/** Where the proxy sends a call: a real HTTP(S) host, or the embedded sandbox in-process. */
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { Pool, type Dispatcher } from 'undici'
import { DROP, type Answer, type Call } from '../sandbox/http.ts'
import { BACKGROUND_CALL } from '../sandbox/faults.ts'

export interface UpstreamRequest {
  method: string
  /** Path and query, e.g. `/verify/search/json?request_id=abc`. */
  path: string
  /** Lower-case names; `content-length` is added from `body`. */
  headers: Record<string, string>
  body?: string
  /**
   * A background call of the dashboard (its status polling): the embedded sandbox applies no
   * injected fault to it. Never sent anywhere: an HTTP upstream does not see it.
   */
  background?: boolean
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
  /** The `Content-Encoding` header, or '' when absent. */
  contentEncoding?: string
  /** The `Retry-After` header, when the upstream sent one. */
  retryAfter?: string
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
  /** Closes its connections, cutting calls still open; resolves once they are closed. */
  close(): Promise<void>
}

/**
 * The upstream could not be reached or dropped the connection. `answerStatus` is the HTTP status
 * of an answer that had begun (its status line and headers had arrived) when the connection
 * dropped: after a 2xx the call was processed, only its answer was lost; after a refusal (401,
 * 429) or a 5xx (often a load balancer's) it may not have run.
 */
export class UpstreamNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly answerStatus?: number,
  ) {
    super(message)
    this.name = 'UpstreamNetworkError'
  }
}

/**
 * The upstream did not answer within the time limit. `sent` is false when no connection to it was
 * open by then: nothing was written, so nothing can have been processed.
 */
export class UpstreamTimeoutError extends Error {
  constructor(readonly sent = true) {
    super('upstream timeout')
    this.name = 'UpstreamTimeoutError'
  }
}

/** `UpstreamNetworkError.code` of an answer larger than `ExchangeLimits.maxBytes`. */
export const TOO_LARGE = 'ETOOLARGE'

const tooLarge = () => new UpstreamNetworkError('upstream answer too large', TOO_LARGE)

/**
 * An upstream on a base URL (`https://api.nexmo.com`, `http://127.0.0.1:4010`), with keep-alive.
 * `client` replaces the connection pool (tests).
 */
export function httpUpstream(baseUrl: string, client?: Dispatcher): Upstream {
  const base = new URL(baseUrl)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`The upstream URL must be http: or https:, not ${base.protocol}`)
  }
  const pool =
    client ??
    new Pool(base.origin, {
      // More connections than calls the rate limit lets through at once (30/s), and than a busy dev
      // server sends: a call never waits for a connection.
      connections: 64,
      // One call at a time per connection (no pipelining). The client never repeats a call that was
      // written: only the proxy decides on a retry (searches, once). Above 1, undici would still
      // write a POST only on an idle connection, and any call only once the answer before it has
      // begun: all it adds is a GET written behind an answer still being read, which undici itself
      // sends again if that connection drops. Nothing gained for a start or check, a replay risked.
      pipelining: 1,
      // The proxy's own per-call limit (ExchangeLimits.timeoutMs, the admin timer) is the only clock.
      connectTimeout: 0,
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  const prefix = base.pathname.replace(/\/$/, '')

  function options(call: UpstreamRequest): Dispatcher.RequestOptions {
    if (call.body !== undefined)
      call.headers['content-length'] = String(Buffer.byteLength(call.body))
    return {
      method: call.method as Dispatcher.HttpMethod,
      path: prefix + call.path,
      headers: call.headers,
      body: call.body,
    }
  }

  return {
    description: base.origin,
    async send(call, signal) {
      let data: Dispatcher.ResponseData
      try {
        data = await pool.request({ ...options(call), signal })
      } catch (error) {
        if (signal.aborted) throw signal.reason
        throw networkError(error)
      }
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(data.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const body = data.body
      const cancel = () => {
        // The client reports its own cancellation as an error on the body: expected here.
        body.on('error', ignore)
        body.destroy()
      }
      return { status: data.statusCode, headers, body, cancel }
    },
    exchange(call, limits) {
      return new Promise<BufferedAnswer>((resolve, reject) => {
        const exchange = new Exchange(resolve, reject, limits.maxBytes)
        exchange.timer = setTimeout(onExchangeTimeout, limits.timeoutMs, exchange)
        pool.dispatch(options(call), exchange)
      })
    },
    close() {
      return pool.destroy().catch(() => undefined)
    },
  }
}

/**
 * One exchange with an HTTP upstream: an undici dispatch handler that reads the answer into
 * memory, up to `maxBytes`, and settles once.
 */
class Exchange implements Dispatcher.DispatchHandler {
  timer: ReturnType<typeof setTimeout> | undefined
  private controller: Dispatcher.DispatchController | undefined
  private readonly chunks: Buffer[] = []
  private size = 0
  private status = 0
  private contentType = ''
  private contentEncoding = ''
  private retryAfter: string | undefined
  private done = false

  constructor(
    private readonly resolve: (answer: BufferedAnswer) => void,
    private readonly reject: (error: Error) => void,
    private readonly maxBytes: number,
  ) {}

  /** Whether the call got a connection (the client writes it right after this). */
  get started(): boolean {
    return this.controller !== undefined
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.done) controller.abort(new UpstreamTimeoutError())
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.status = statusCode
    this.contentType = headerText(headers['content-type'])
    this.contentEncoding = headerText(headers['content-encoding'])
    const retryAfter = headers['retry-after']
    if (retryAfter !== undefined) this.retryAfter = headerText(retryAfter)
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length
    if (this.size > this.maxBytes) this.fail(tooLarge())
    else this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    this.finish()
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // After onResponseStart the upstream had begun to answer: its status says whether the call ran.
    this.fail(networkError(error, this.status || undefined))
  }

  finish(): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    const { chunks } = this
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.size)
    const answer: BufferedAnswer = { status: this.status, contentType: this.contentType, body }
    if (this.contentEncoding) answer.contentEncoding = this.contentEncoding
    if (this.retryAfter !== undefined) answer.retryAfter = this.retryAfter
    this.resolve(answer)
  }

  fail(error: Error): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    // Stops the call on its connection (which then leaves the pool); a call still waiting for a
    // connection is stopped in onRequestStart, before anything is written.
    this.controller?.abort(error)
    this.reject(error)
  }
}

function ignore(): void {}

function onExchangeTimeout(exchange: Exchange): void {
  // Before onRequestStart the call had no connection: the client writes a call only after it.
  exchange.fail(new UpstreamTimeoutError(exchange.started))
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

/**
 * An UpstreamNetworkError from what the client raised. Errors of the socket keep their code
 * (ECONNREFUSED, ENOTFOUND: nothing was sent; ECONNRESET, EPIPE: it may have been); the client's
 * own "the other side closed the connection" reads as ECONNRESET, which it is for the caller.
 * `answerStatus` is the status of an answer that had begun.
 */
function networkError(error: unknown, answerStatus?: number): UpstreamNetworkError {
  const failure = error as Error & { code?: unknown }
  const code = typeof failure.code === 'string' ? failure.code : undefined
  const message = failure instanceof Error ? failure.message : String(error)
  return new UpstreamNetworkError(
    message,
    code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code,
    answerStatus,
  )
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
  return {
    description,
    async send(call, signal) {
      let response: Response
      try {
        response = await sandbox.fetch(
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
        throw sandboxFailure(error)
      }
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      if (!response.body) {
        return { status: response.status, headers, body: Readable.from([]), cancel: () => {} }
      }
      if (
        headers['content-length'] === undefined &&
        !/text\/event-stream/i.test(headers['content-type'] ?? '')
      ) {
        // An answer made in memory (the admin API's JSON): read it whole to give its length, as
        // an HTTP upstream would. Only the event stream is streamed.
        let data: Buffer
        try {
          data = Buffer.from(await response.arrayBuffer())
        } catch (error) {
          if (signal.aborted) throw signal.reason
          throw sandboxFailure(error)
        }
        headers['content-length'] = String(data.length)
        const body = Readable.from(data.length > 0 ? [data] : [])
        return { status: response.status, headers, body, cancel: () => {} }
      }
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      return { status: response.status, headers, body, cancel: () => body.destroy() }
    },
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
    async close() {},
  }
}

/** A proxied call as the sandbox's call handler reads it. */
class SandboxCall implements Call {
  readonly method: string
  readonly path: string
  readonly rawQuery: string
  readonly body: Uint8Array | null
  readonly tooLarge = false // the proxy's own body limit is far below the sandbox's
  /** The dashboard's background call: no injected fault applies (see `BACKGROUND_CALL`). */
  readonly [BACKGROUND_CALL]: boolean
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
    this[BACKGROUND_CALL] = request.background === true
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
