/** Where the proxy sends a call: a real HTTP(S) host, or an in-process `fetch` handler (the sandbox). */
import http from 'node:http'
import https from 'node:https'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

export interface UpstreamRequest {
  method: string
  /** Path and query, e.g. `/verify/search/json?request_id=abc`. */
  path: string
  headers: Record<string, string>
  body?: string
}

export interface UpstreamResponse {
  status: number
  headers: Record<string, string>
  body: AsyncIterable<Uint8Array>
  /** Stops reading the body (the browser went away). */
  cancel(): void
}

export interface Upstream {
  /** For messages: `https://api.nexmo.com`, `the embedded sandbox`. */
  readonly description: string
  send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse>
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

/** An upstream on a base URL (`https://api.nexmo.com`, `http://127.0.0.1:4010`), with keep-alive. */
export function httpUpstream(baseUrl: string): Upstream {
  const base = new URL(baseUrl)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`The upstream URL must be http: or https:, not ${base.protocol}`)
  }
  const transport = base.protocol === 'https:' ? https : http
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 })
  const prefix = base.pathname.replace(/\/$/, '')
  return {
    description: base.origin,
    send(request, signal) {
      return new Promise((resolve, reject) => {
        const req = transport.request(
          {
            protocol: base.protocol,
            hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: base.port || undefined,
            method: request.method,
            path: prefix + request.path,
            headers: {
              ...request.headers,
              ...(request.body !== undefined
                ? { 'content-length': String(Buffer.byteLength(request.body)) }
                : {}),
            },
            agent,
          },
          (res) => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined)
                headers[name] = Array.isArray(value) ? value.join(', ') : value
            }
            res.once('close', () => signal.removeEventListener('abort', onAbort))
            resolve({
              status: res.statusCode ?? 502,
              headers,
              body: res,
              cancel: () => res.destroy(),
            })
          },
        )
        // Abort by hand rather than with the `signal` option: cheaper per call on a keep-alive agent.
        const onAbort = () =>
          req.destroy(signal.reason instanceof Error ? signal.reason : undefined)
        signal.addEventListener('abort', onAbort, { once: true })
        req.on('error', (error: NodeJS.ErrnoException) => {
          signal.removeEventListener('abort', onAbort)
          if (signal.aborted) reject(signal.reason)
          else reject(new UpstreamNetworkError(error.message, error.code))
        })
        req.end(request.body)
      })
    },
    close() {
      agent.destroy()
    },
  }
}

/** An in-process upstream answering web-standard Requests (the embedded sandbox's `fetch`). */
export function fetchUpstream(
  handler: (request: Request) => Promise<Response>,
  description: string,
): Upstream {
  return {
    description,
    async send(request, signal) {
      let response: Response
      try {
        response = await handler(
          new Request(`http://sandbox.internal${request.path}`, {
            method: request.method,
            headers: request.headers,
            body:
              request.body === undefined || request.method === 'GET' || request.method === 'HEAD'
                ? undefined
                : request.body,
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
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      if (!response.body) {
        return { status: response.status, headers, body: emptyBody(), cancel: () => {} }
      }
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      return { status: response.status, headers, body, cancel: () => body.destroy() }
    },
    close() {},
  }
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
