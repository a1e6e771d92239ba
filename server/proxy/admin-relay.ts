/**
 * The sandbox's admin API through the proxy: each answer relayed as it comes from the upstream (the
 * live event stream unbuffered, a plain answer with its length), within the upstream time limit
 * for the headers, and every stream still open cut when the proxy closes. A call that changes the
 * sandbox (a clock move, a reset, a fault, a test number) counts as a write: a search sent after
 * it never shares a call sent before it (see `noteWrite`).
 */
import type { ServerResponse } from 'node:http'
import { noteWrite } from './exchange.ts'
import { UpstreamTimeoutError, abortable, type Upstream, type UpstreamRequest } from './upstream.ts'

export interface AdminRelay {
  /** Relays one admin call to `upstream` and its answer (a stream included) to `res`. */
  relay(upstream: Upstream, request: UpstreamRequest, res: ServerResponse): Promise<void>
  /** Cuts the answers still being streamed. */
  cutAll(): void
}

/** The admin calls that only read the sandbox: every other one may change what a search answers. */
const READING = new Set(['GET', 'HEAD', 'OPTIONS'])

/** A relay whose upstream must start answering within `timeoutMs`. */
export function createAdminRelay(timeoutMs: number): AdminRelay {
  /** Stops the admin answers being streamed (the sandbox event stream): cut on close. */
  const streams = new Set<() => void>()
  return {
    relay,
    cutAll() {
      for (const stop of [...streams]) stop()
    },
  }

  async function relay(upstream: Upstream, request: UpstreamRequest, res: ServerResponse) {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new UpstreamTimeoutError()), timeoutMs)
    // The sandbox has done what the call asked once its answer begins (or the call failed).
    const settled = READING.has(request.method.toUpperCase()) ? undefined : noteWrite(upstream)
    let response
    try {
      response = await abortable(upstream.send(request, controller.signal), controller.signal)
    } finally {
      clearTimeout(timer)
      settled?.()
    }
    if (res.destroyed) {
      // The browser left while the upstream was answering.
      response.cancel()
      return
    }
    const contentType = response.headers['content-type']
    const streaming = /text\/event-stream/i.test(contentType ?? '')
    const headers: Record<string, string> = {
      'Cache-Control': streaming ? 'no-cache' : 'no-store',
      'X-Content-Type-Options': 'nosniff',
    }
    if (contentType) headers['Content-Type'] = contentType
    // A 405 names the methods the admin route takes (RFC 9110 §15.5.6), as the sandbox said them.
    const allow = response.headers.allow
    if (allow && /^[A-Z, ]{1,100}$/.test(allow)) headers.Allow = allow
    if (streaming) headers['X-Accel-Buffering'] = 'no'
    else {
      // A plain answer keeps its length: sent whole rather than chunked, and the production
      // server's compression can see it is too small to be worth compressing.
      const length = response.headers['content-length']
      if (length !== undefined && /^\d{1,15}$/.test(length)) headers['Content-Length'] = length
    }
    res.writeHead(response.status, headers)
    if (streaming) res.flushHeaders()
    const body = response.body
    const stop = () => {
      streams.delete(stop)
      response.cancel()
    }
    streams.add(stop)
    res.once('close', stop)
    body.once('end', () => {
      streams.delete(stop)
      res.off('close', stop)
    })
    // The sandbox closed the stream or the upstream dropped (or the server closes): end what was sent.
    body.once('error', () => {
      streams.delete(stop)
      res.off('close', stop)
      res.end()
    })
    body.once('close', () => {
      if (!res.writableEnded && !res.destroyed) res.end()
    })
    body.pipe(res)
  }
}
