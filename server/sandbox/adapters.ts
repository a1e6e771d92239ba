/**
 * The sandbox served over a transport: a web-standard `fetch` handler and a connect/node
 * middleware, each turning a request into a `Call` for the sandbox's `handle` and its `Answer`
 * into a response (a dropped connection included).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { DROP } from './http.ts'
import type { Answer, Call } from './http.ts'

/** Answers a call: the sandbox's single entry point. */
export type CallHandler = (call: Call) => Answer | Promise<Answer>

/** A web-standard handler over `handle`; bodies above `bodyLimit` bytes are marked too large. */
export function fetchAdapter(
  handle: CallHandler,
  bodyLimit: number,
): (request: Request) => Promise<Response> {
  return async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url, 'http://sandbox.invalid')
    let body: Uint8Array | null = null
    let tooLarge = false
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.body) {
      const declared = Number(request.headers.get('content-length') ?? '0')
      if (declared > bodyLimit) {
        tooLarge = true
      } else {
        const buffer = new Uint8Array(await request.arrayBuffer())
        if (buffer.length > bodyLimit) tooLarge = true
        else body = buffer
      }
    }
    const call: Call = {
      method: request.method.toUpperCase(),
      path: url.pathname,
      rawQuery: url.search.slice(1),
      query: url.searchParams,
      header: (name) => request.headers.get(name) ?? undefined,
      body,
      tooLarge,
    }
    const answer = await handle(call)
    if (answer === DROP) throw new TypeError('fetch failed: the sandbox dropped the connection')
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }
}

/**
 * A connect/node middleware over `handle` (req.url relative to the mount point); bodies above
 * `bodyLimit` bytes are marked too large.
 */
export function nodeAdapter(
  handle: CallHandler,
  bodyLimit: number,
): (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void {
  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    next: ((err?: unknown) => void) | undefined,
    call: Call,
  ): void {
    const answer = handle(call)
    if (!(answer instanceof Promise)) return writeAnswer(req, res, answer)
    answer.then(
      (a) => writeAnswer(req, res, a),
      (error: unknown) => (next ? next(error) : res.destroy()),
    )
  }

  return function middleware(
    req: IncomingMessage,
    res: ServerResponse,
    next?: (err?: unknown) => void,
  ) {
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    let path = q < 0 ? raw : raw.slice(0, q)
    if (path.includes('%')) {
      try {
        path = decodeURI(path)
      } catch {
        // keep the raw path; it will not match a route
      }
    }
    const query = q < 0 ? '' : raw.slice(q + 1)
    const method = (req.method ?? 'GET').toUpperCase()
    if (method === 'GET' || method === 'HEAD') {
      respond(req, res, next, new NodeCall(req, method, path, query, null, false))
      return
    }
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > bodyLimit) {
      req.resume()
      respond(req, res, next, new NodeCall(req, method, path, query, null, true))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      if (size > bodyLimit) {
        tooLarge = true
        chunks.length = 0
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      const body =
        tooLarge || size === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      respond(req, res, next, new NodeCall(req, method, path, query, body, tooLarge))
    })
    req.on('error', () => res.destroy())
  }
}

/** A call read from node's req (headers looked up lazily). */
class NodeCall implements Call {
  constructor(
    private readonly req: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly rawQuery: string,
    readonly body: Uint8Array | null,
    readonly tooLarge: boolean,
  ) {}

  get query(): URLSearchParams {
    return new URLSearchParams(this.rawQuery)
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()]
    return Array.isArray(v) ? v.join(', ') : v
  }
}

function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (answer === DROP) {
    req.socket.destroy()
    return
  }
  if (res.headersSent) return
  if (typeof answer.body === 'string') {
    const headers: string[] = ['content-length', String(Buffer.byteLength(answer.body))]
    for (const k in answer.headers) headers.push(k, answer.headers[k] as string)
    res.writeHead(answer.status, headers)
    res.end(req.method === 'HEAD' ? undefined : answer.body)
    return
  }
  res.statusCode = answer.status
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v)
  res.flushHeaders()
  const reader = answer.body.getReader()
  let done = false
  res.on('close', () => {
    if (!done) void reader.cancel().catch(() => undefined)
  })
  // A stream the sandbox ends with an error (an event stream whose client stopped reading): the
  // connection is closed, whatever was still waiting to be sent.
  reader.closed.catch(() => {
    done = true
    res.destroy()
  })
  const pump = (): void => {
    reader.read().then(
      (chunk) => {
        if (chunk.done) {
          done = true
          res.end()
          return
        }
        // Reads on only once the socket took what was written: a client that stops reading
        // leaves the rest in the stream, which bounds what it holds.
        if (res.write(chunk.value)) pump()
        else res.once('drain', pump)
      },
      () => undefined, // a failed read rejects `reader.closed` too, which closes the connection
    )
  }
  pump()
}
