/**
 * Request bodies for the proxy: read whole, refused (413) past the limit or (408) when they stop
 * arriving; taken as UTF-8 text (415 when they are not), a `multipart/form-data` body as the form
 * of its text fields.
 */
import type { IncomingMessage } from 'node:http'
import { ProxyError } from './errors.ts'
import type { Timers } from './limiter.ts'
import { UpstreamNetworkError } from './upstream.ts'
import { formFields } from '../multipart.ts'

/** How long a whole body may take to arrive by default, in milliseconds. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000

/** The time a body has to arrive whole, on a clock. */
export interface BodyDeadline {
  ms: number
  timers: Timers
}

/**
 * Reads a request body whole, refusing (413) anything larger than `limit` bytes and (408) a body
 * that has not all arrived within `deadline.ms` (stalled, or trickling in).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  deadline?: BodyDeadline,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.reject(bodyTooLarge(limit))
  return new Promise<Buffer>((resolve, reject) => {
    const reading: BodyReading = { limit, size: 0, chunks: [], resolve, reject, stop: undefined }
    ;(req as ReadingRequest)[READING] = reading
    // `end` and `error` come at most once each: plain listeners spare the `once` wrappers.
    req.on('data', onBodyData)
    req.on('end', onBodyEnd)
    req.on('error', onBodyError)
    if (deadline) {
      const { ms, timers } = deadline
      const timer = timers.setTimeout(() => {
        reading.stop = undefined
        stopReading(req as ReadingRequest)
        reject(bodyTimedOut(ms))
      }, ms)
      reading.stop = () => timers.clearTimeout(timer)
    }
  })
}

/**
 * A body refused before it was all read (too large, or too slow to arrive): the proxy closes the
 * connection after answering it, since the rest of the body cannot be told from a next call.
 */
export class BodyRefusal extends ProxyError {}

// Shared handlers for request bodies (no closures per call): the state hangs on the request.
const READING = Symbol('verify-desk.body')

interface BodyReading {
  limit: number
  size: number
  chunks: Buffer[]
  resolve(bytes: Buffer): void
  reject(error: Error): void
  /** Clears the deadline's timer (set while one runs). */
  stop: (() => void) | undefined
}

type ReadingRequest = IncomingMessage & { [READING]: BodyReading }

function bodyTooLarge(limit: number): ProxyError {
  return new BodyRefusal(
    413,
    'payload_too_large',
    `The request body is larger than ${Math.round(limit / 1024)} KiB. Verify calls need only a few short parameters.`,
  )
}

function bodyTimedOut(ms: number): ProxyError {
  return new BodyRefusal(
    408,
    'request_timeout',
    `The request body did not arrive whole within ${ms / 1000} s (it stopped, or came too ` +
      'slowly), so the call was not sent. Send it again with the whole body at once, as curl, ' +
      'the SDKs and the dashboard do.',
    {},
    'not_sent',
  )
}

/** Clears the deadline's timer, if one runs. */
function clearDeadline(reading: BodyReading): void {
  reading.stop?.()
  reading.stop = undefined
}

/** Stops reading a body: no more data or end handled, the deadline's timer cleared. */
function stopReading(req: ReadingRequest): void {
  req.off('data', onBodyData)
  req.off('end', onBodyEnd)
  clearDeadline(req[READING])
}

function onBodyData(this: ReadingRequest, chunk: Buffer): void {
  const reading = this[READING]
  reading.size += chunk.length
  if (reading.size > reading.limit) {
    stopReading(this)
    reading.reject(bodyTooLarge(reading.limit))
    return
  }
  reading.chunks.push(chunk)
}

function onBodyEnd(this: ReadingRequest): void {
  const reading = this[READING]
  clearDeadline(reading)
  const { chunks } = reading
  reading.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks))
}

function onBodyError(this: ReadingRequest, error: Error): void {
  const reading = this[READING]
  clearDeadline(reading)
  reading.reject(error)
}

/** Refuses bytes that are not UTF-8 (a fatal decoder; a leading byte order mark is kept). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function notUtf8(): ProxyError {
  return new ProxyError(
    415,
    'unsupported_media_type',
    'The request body is not UTF-8: send the parameters as JSON or as a form encoded in UTF-8 ' +
      '(Café as the bytes C3 A9, or %C3%A9 in a form).',
  )
}

/** The body as text: 415 when its bytes are not UTF-8 (they would reach the upstream altered). */
export function bodyText(bytes: Buffer): string {
  if (bytes.length === 0) return ''
  try {
    return UTF8.decode(bytes)
  } catch {
    throw notUtf8()
  }
}

/** Whether a Content-Type is `multipart/form-data` (curl -F, Postman's form-data). */
export function isMultipart(contentType: string | undefined): contentType is string {
  return /^\s*multipart\/form-data\s*(;|$)/i.test(contentType ?? '')
}

/**
 * The fields of a `multipart/form-data` body as a form (`application/x-www-form-urlencoded`),
 * which the proxy then handles as any form. A file part counts with its text, as the sandbox reads
 * it (`curl -F brand=@brand.txt` answers the same through the proxy as straight from the sandbox);
 * the body limit bounds it. A broken body and bytes that are not UTF-8 (in a field or a file) are
 * refused (415).
 */
export async function multipartAsForm(contentType: string, bytes: Buffer): Promise<string> {
  // The parser decodes fields and files leniently: a byte that is not UTF-8 must not slip through.
  bodyText(bytes)
  let fields: Array<[string, string]>
  try {
    fields = await formFields(contentType, bytes)
  } catch {
    throw new ProxyError(
      415,
      'unsupported_media_type',
      'The multipart/form-data body could not be read (a missing or wrong boundary, or a cut ' +
        'part): send each parameter as a text field, e.g. curl -F number=447700900000.',
    )
  }
  return new URLSearchParams(fields).toString()
}

/** The error a request raises when its connection closes before its body has all arrived. */
export function isAbortedBody(error: unknown): boolean {
  return (
    error instanceof Error &&
    !(error instanceof UpstreamNetworkError) &&
    (error as NodeJS.ErrnoException).code === 'ECONNRESET'
  )
}
