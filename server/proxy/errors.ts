import type { ServerResponse } from 'node:http'
import type { CallDelivery, ProxyErrorBody, ProxyErrorCode } from '../../contract/desk.ts'

export type { CallDelivery, ProxyErrorBody, ProxyErrorCode }

/** A refusal or failure the proxy answers itself, with the HTTP status it maps to. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProxyErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Whether the call may have reached the upstream (absent: refused before it went anywhere). */
    readonly delivery?: CallDelivery,
  ) {
    super(message)
    this.name = 'ProxyError'
  }
}

/** Writes the shared JSON error body, unless a response has already started. */
export function sendError(res: ServerResponse, error: ProxyError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body: ProxyErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.delivery ? { delivery: error.delivery } : {}),
    },
  }
  const text = JSON.stringify(body)
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(text)
}
