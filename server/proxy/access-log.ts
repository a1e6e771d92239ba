/**
 * The proxy's access log: one line per call, written once its response is done, with any secret
 * it would show redacted.
 */
import type { ServerResponse } from 'node:http'
import type { CallRecord } from './call-record.ts'
import type { Redactor } from './credentials.ts'
import { isoNow, quotedLogValue, safeToken } from './log-line.ts'

/** HTTP status logged for a call whose browser closed the connection before its answer (nginx's). */
const CLIENT_CLOSED_STATUS = 499

/**
 * A writer of access log lines through `logger.info`, each passed through `redactSecrets`.
 * A call whose browser left before its answer shows http=499 and `client_closed`, with `not_sent`
 * when it was withdrawn before reaching the upstream.
 */
export function createAccessLog(
  logger: { info(message: string): void },
  redactSecrets: Redactor,
): (res: ServerResponse, call: CallRecord) => void {
  return function accessLog(res: ServerResponse, call: CallRecord): void {
    const line =
      `[verify-desk] time=${isoNow()} env=${call.environment} ` +
      `endpoint=${call.endpoint} method=${safeToken(call.method)} ` +
      `http=${call.clientClosed ? CLIENT_CLOSED_STATUS : res.statusCode} ` +
      `status=${call.apiStatus === undefined ? '-' : quotedLogValue(call.apiStatus)} ` +
      `request_id=${call.requestId ?? '-'} latency=${(performance.now() - call.started).toFixed(1)}ms` +
      (call.clientClosed ? ' client_closed' : '') +
      (call.note ? ` ${call.note}` : '')
    logger.info(redactSecrets(line))
  }
}
