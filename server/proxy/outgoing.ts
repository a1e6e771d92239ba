/**
 * The upstream call made of a browser's: the credentials and access token the browser sent taken
 * out, the server's own added (Basic auth or parameters), the request id and codes noted for the
 * log line, only the headers the upstream needs, and the query passed on as sent when nothing
 * changed in it.
 */
import type { IncomingMessage } from 'node:http'
import { BACKGROUND_HEADER } from '../../contract/desk.ts'
import { addNote, type CallRecord } from './call-record.ts'
import {
  injectParamCredentials,
  stripBody,
  stripQuery,
  stripToken,
  type BodyKind,
} from './credentials.ts'
import { safeRequestId } from './log-line.ts'
import type { Route } from './routes.ts'
import type { EnvironmentRuntime } from './runtime.ts'
import type { UpstreamRequest } from './upstream.ts'

/** The dashboard's background mark, as node spells incoming header names. */
const BACKGROUND_HEADER_NAME = BACKGROUND_HEADER.toLowerCase()

/** A browser's call as the proxy read it. */
export interface BrowserCall {
  req: IncomingMessage
  method: string
  /** The URL as received, and where its query starts (-1 without one). */
  rawUrl: string
  mark: number
  /** The query parsed; the access token and credentials are taken out of it in place. */
  query: URLSearchParams
  /** The body as text, and what it holds. */
  body: string
  kind: BodyKind
  /** The Content-Type to send instead of the browser's (a multipart form goes on urlencoded). */
  contentType?: string
}

/** The call to send `env`'s upstream for `from` on `route` (noting what the log line says). */
export function upstreamRequestOf(
  from: BrowserCall,
  route: Exclude<Route, { kind: 'environments' }>,
  env: EnvironmentRuntime,
  call: CallRecord,
): UpstreamRequest {
  const { req, method, rawUrl, mark, query, body: raw, kind } = from
  const hadToken = stripToken(query)
  const strippedQuery = stripQuery(query)
  const stripped = stripBody(raw, kind)
  if (strippedQuery + stripped.removed > 0) call.note = 'browser_credentials=dropped'
  // The first of a repeated request_id, as the API reads it.
  const bodyId = stripped.params?.request_id
  call.requestId = safeRequestId(
    (Array.isArray(bodyId) ? (bodyId as unknown[])[0] : bodyId) ??
      (query.size === 0 ? undefined : query.get('request_id')),
  )
  // Every value sent as a code is hidden from what the upstream may quote: a repeated one and
  // each of a JSON array too (the sandbox refuses an array, an upstream may quote it all the same).
  for (const name of ['code', 'pin_code']) {
    const given = stripped.params?.[name]
    const values = [
      ...(Array.isArray(given) ? (given as unknown[]) : [given]),
      ...(query.size === 0 ? [] : query.getAll(name)),
    ]
    for (const value of values) {
      const text = typeof value === 'number' ? String(value) : value
      if (typeof text === 'string' && text.trim()) (call.codes ??= []).push(text.trim())
    }
  }

  const headers: Record<string, string> = { 'user-agent': 'verify-desk-proxy' }
  const accept = req.headers.accept
  if (accept) headers.accept = accept
  const contentType = from.contentType ?? req.headers['content-type']
  if (kind !== 'none' && contentType) headers['content-type'] = contentType
  const lastEventId = req.headers['last-event-id']
  if (route.kind === 'admin' && typeof lastEventId === 'string')
    headers['last-event-id'] = lastEventId

  let outgoing: { query: URLSearchParams; body: string; headers: Record<string, string> }
  if (route.kind === 'admin' || env.config.auth === 'basic') {
    headers.authorization = env.authorization
    outgoing = { query, body: stripped.body, headers }
  } else {
    outgoing = injectParamCredentials(
      { query, body: stripped.body, kind, headers },
      method,
      env.config.credentials,
    )
  }
  // The query as sent when nothing was taken out or added (re-encoding could alter it).
  const search =
    outgoing.query !== query
      ? outgoing.query.toString()
      : hadToken || strippedQuery > 0
        ? query.toString()
        : mark < 0
          ? ''
          : rawUrl.slice(mark + 1)
  const upstreamRequest: UpstreamRequest = {
    method,
    path: route.upstreamPath + (search ? `?${search}` : ''),
    headers: outgoing.headers,
    body: kind === 'none' && method !== 'POST' ? undefined : outgoing.body,
  }
  // The dashboard's background polling: the embedded sandbox applies no injected fault to it. A
  // flag passed in-process only: the header itself goes nowhere (live never hears of it). Only a
  // search can be one: a start, check or control is never background, whatever it claims.
  if (
    route.kind === 'verify' &&
    route.endpoint === 'search' &&
    route.environment === 'sandbox' &&
    req.headers[BACKGROUND_HEADER_NAME] === '1'
  ) {
    upstreamRequest.background = true
    addNote(call, 'background')
  }
  return upstreamRequest
}
