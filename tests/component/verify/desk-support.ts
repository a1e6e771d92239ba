/**
 * What the New verification tests on the stub desk server share: the environments the server
 * offers, the proxy's own answers to a start (as `server/proxy/failures.ts` words them) and a start
 * that gets no answer.
 */
import { expect } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { EnvironmentId, EnvironmentsResponse } from '@contract/desk'
import { errorAnswer, json, type DeskCall, type DeskServer } from '../support/desk-server'
import { fillField } from './support'

/** The path of a start (`psd2`: a PSD2 start) in `env` below `/api`. */
export const startPath = (env: EnvironmentId = 'sandbox', kind: 'request' | 'psd2' = 'request') =>
  `${env}/verify/${kind === 'psd2' ? 'psd2/json' : 'json'}`

/** The parameters a start call carried (its form body). */
export const paramsOf = (call: DeskCall | undefined) => call?.body as Record<string, string>

/**
 * What `GET /api/environments` answers: the sandbox, and Live when configured (`live`, with its
 * `keyHint` when given) or listed as not available.
 */
export function environments(live: boolean | { keyHint: string } = false): EnvironmentsResponse {
  return {
    environments: [
      { id: 'sandbox', label: 'Sandbox', available: true },
      live === false
        ? { id: 'live', label: 'Live', available: false }
        : { id: 'live', label: 'Live', available: true, ...(live === true ? {} : live) },
    ],
    default: 'sandbox',
  }
}

/** Has `server` answer the environments (see `environments`). */
export function answerEnvironments(
  server: DeskServer,
  live: boolean | { keyHint: string } = false,
): void {
  server.on('GET', 'environments', json(environments(live)))
}

/** How the proxy names the upstream of `env`: the subject of a sentence, and who answers 10. */
const UPSTREAM = {
  sandbox: { subject: 'The embedded sandbox', answerer: 'the sandbox' },
  live: { subject: 'The Vonage API (https://api.nexmo.com)', answerer: 'Vonage' },
} as const

/** What the proxy says of a start that may have been processed all the same. */
export const mayHaveRun = (env: EnvironmentId) =>
  ` The call may still have been processed and a code sent. Sending it again with the same number is safe: if the first one went through, ${UPSTREAM[env].answerer} answers status 10 with its request_id instead of sending a second code.`

/** The proxy's 504 to a start the upstream of `env` did not answer within 15 s: it may have gone out. */
export function startTimedOut(env: EnvironmentId = 'sandbox'): Response {
  return errorAnswer(
    504,
    'upstream_timeout',
    `${UPSTREAM[env].subject} did not answer within 15 s.${mayHaveRun(env)}`,
    { delivery: 'maybe' },
  )
}

/** The proxy's 502 to a start whose upstream dropped the connection before answering. */
export function startDropped(env: EnvironmentId = 'sandbox'): Response {
  return errorAnswer(
    502,
    'upstream_unreachable',
    `${UPSTREAM[env].subject} dropped the connection before answering.${mayHaveRun(env)}`,
    { delivery: 'maybe' },
  )
}

/** The proxy's 502 to a start answered with an HTML error page (a gateway's 502). */
export function startAnsweredHtml(env: EnvironmentId = 'sandbox'): Response {
  return errorAnswer(
    502,
    'upstream_bad_response',
    `${UPSTREAM[env].subject} answered with something other than JSON (HTTP 502, text/html): "<html>".${mayHaveRun(env)}`,
    { delivery: 'maybe' },
  )
}

/** The proxy's refusals of a start to the sandbox, by HTTP status: nothing was sent. */
export const START_REFUSED: Readonly<Record<number, { code: string; message: string }>> = {
  403: {
    code: 'cross_site_request',
    message:
      'Refused: the browser marked the request as cross-site. Only the Verify Desk page served by this server may use its API.',
  },
  404: {
    code: 'not_found',
    message:
      'No such API path: /api/sandbox/verify/json. This server forwards only the Verify v1 endpoints under /api/{sandbox|live}/verify/… and the sandbox admin API under /api/sandbox/__admin/….',
  },
  405: {
    code: 'method_not_allowed',
    message: 'The Verify request endpoint does not accept POST requests; use GET.',
  },
  413: {
    code: 'payload_too_large',
    message:
      'The request body is larger than 16 KiB. Verify calls need only a few short parameters.',
  },
  415: {
    code: 'unsupported_media_type',
    message:
      'Send the parameters as JSON (application/json) or as a form (application/x-www-form-urlencoded or multipart/form-data), in UTF-8.',
  },
}

/**
 * Sends a start to `number` for `brand` from the form in `wrapper` that gets no answer (the
 * proxy's 504, `startTimedOut`), and checks that it reached the server.
 */
export async function sendUnansweredStart(
  server: DeskServer,
  wrapper: VueWrapper,
  number: string,
  brand: string,
): Promise<void> {
  server.on('POST', startPath(), startTimedOut())
  const before = server.callsTo('POST', startPath()).length
  await fillField(wrapper, 'number', number)
  await fillField(wrapper, 'brand', brand)
  await wrapper.get('form[aria-label="New verification"]').trigger('submit')
  await flushPromises()
  expect(
    server.callsTo('POST', startPath()).slice(before),
    'the start reaches the server',
  ).toHaveLength(1)
}
