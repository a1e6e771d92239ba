/**
 * Passing on a Verify answer from the upstream: read as text, any credential it echoes redacted
 * (the API key shown as the dashboard does), Vonage's refusals of the whole call and answers the
 * dashboard cannot read turned into the proxy's own errors, the API status and request id noted for
 * the log line, then written to the browser (unless it has left).
 */
import type { ServerResponse } from 'node:http'
import { UnreadableAnswerError, answerText, type AnswerText } from './answer-text.ts'
import type { CallRecord } from './call-record.ts'
import { hideApiKey, type Redactor } from './credentials.ts'
import {
  MAX_UPSTREAM_BODY,
  badAnswer,
  credentialsRefused,
  rateLimited,
  readRetryAfter,
  redirected,
} from './failures.ts'
import { readXmlFields, safeRequestId } from './log-line.ts'
import type { Route } from './routes.ts'
import type { EnvironmentRuntime } from './runtime.ts'
import type { BufferedAnswer } from './upstream.ts'

/** A parameter name an answer quoting the call would show the key under. */
const API_KEY_NAME = /api_key/i
/** The API status of a call refused for now: too many calls per second (throttled). */
const THROTTLED = '1'

/**
 * The writer of Verify answers that passes each through `redactSecrets` (made for the credentials
 * sent upstream). It throws the proxy's error for an answer it does not pass on.
 */
export function createVerifyAnswerWriter(
  redactSecrets: Redactor,
): (
  env: EnvironmentRuntime,
  route: Extract<Route, { kind: 'verify' }>,
  answer: BufferedAnswer,
  res: ServerResponse,
  call: CallRecord,
) => void {
  return writeVerifyAnswer

  function writeVerifyAnswer(
    env: EnvironmentRuntime,
    route: Extract<Route, { kind: 'verify' }>,
    answer: BufferedAnswer,
    res: ServerResponse,
    call: CallRecord,
  ): void {
    let read: AnswerText
    try {
      read = answerText(answer, MAX_UPSTREAM_BODY)
    } catch (error) {
      if (!(error instanceof UnreadableAnswerError)) throw error
      throw badAnswer(env.upstream, route.endpoint, answer, '', error.what, call.codes)
    }
    let contentType = read.contentType
    let text = redactSecrets(read.text)
    let redacted = text !== read.text
    // An answer quoting the call shows the API key as the dashboard does: its first four characters.
    const apiKey = env.config.credentials.apiKey
    if (apiKey.length >= 4 && text.includes(apiKey) && API_KEY_NAME.test(text)) {
      const masked = hideApiKey(text, apiKey)
      if (masked !== text) {
        text = masked
        redacted = true
      }
    }
    // Vonage's own refusals of the whole call, before any Verify logic ran (HTTP, not a status).
    if (answer.status === 401) throw credentialsRefused(env.upstream, text)
    if (answer.status === 429) throw rateLimited(env.upstream, answer.retryAfter)
    if (answer.status >= 300 && answer.status < 400) throw redirected(env.upstream, answer)
    if (route.format === 'json') {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = undefined
      }
      // A JSON object is the API's answer whatever its label says (Vonage labels its XML answers
      // text/plain; a gateway may drop or rewrite the header): passed on labelled JSON. Anything
      // else counts as JSON only when the upstream says it is.
      if (!/json/i.test(contentType)) {
        if (isPlainObject(parsed)) contentType = 'application/json; charset=utf-8'
        else parsed = undefined
      }
      if (parsed === undefined)
        throw badAnswer(
          env.upstream,
          route.endpoint,
          answer,
          text,
          text.trim() ? 'with something other than JSON' : 'with an empty answer',
          call.codes,
        )
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>
        if (record.status !== undefined) call.apiStatus = String(record.status).slice(0, 20)
        const requestId = record.request_id
        if (requestId !== call.requestId)
          call.requestId = safeRequestId(requestId) ?? call.requestId
      }
    } else if (/html/i.test(contentType) || answer.status >= 500) {
      throw badAnswer(
        env.upstream,
        route.endpoint,
        answer,
        text,
        'with an error page instead of XML',
        call.codes,
      )
    } else {
      const fields = readXmlFields(text)
      if (fields.status !== undefined) call.apiStatus = fields.status
      if (fields.requestId !== undefined) call.requestId = fields.requestId
    }
    // The browser has gone: the answer is only logged.
    if (call.clientClosed) return
    const body = redacted || read.rewritten ? Buffer.from(text, 'utf8') : answer.body
    const headers: Record<string, string | number> = {
      'Content-Type': contentType || (route.format === 'json' ? 'application/json' : 'text/xml'),
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    }
    // Status 1 (throttled) with the upstream's `Retry-After`: the one upstream header passed on,
    // in whole seconds (as for an HTTP 429), so that the dashboard says how long to wait.
    if (call.apiStatus === THROTTLED) {
      const wait = readRetryAfter(answer.retryAfter, Date.now())
      if (wait !== undefined) headers['Retry-After'] = String(wait)
    }
    res.writeHead(answer.status, headers)
    res.end(body)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
