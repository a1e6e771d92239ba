import type { ServerResponse } from 'node:http'

/** Machine-readable codes of the proxy's own errors (API-level results are never wrapped). */
export type ProxyErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'unknown_environment'
  | 'environment_unavailable'
  | 'host_not_allowed'
  | 'cross_site_request'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'queue_full'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'upstream_bad_response'
  | 'internal_error'

/** The shared error body: `{"error":{"code":"...","message":"..."}}`. */
export interface ProxyErrorBody {
  error: { code: ProxyErrorCode; message: string }
}

/** A refusal or failure the proxy answers itself, with the HTTP status it maps to. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProxyErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
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
  const body: ProxyErrorBody = { error: { code: error.code, message: error.message } }
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
