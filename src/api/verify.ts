/**
 * Verify v1 through the proxy: `/api/{env}/verify/...`. Credentials are added by the server.
 * API-level results (any `status`) are returned as typed answers; transport failures throw `ApiError`.
 *
 * Every answer is read here, once, into the documented form: all values are strings, `status`
 * included. Some answers carry numbers (`"status": 0`, `"price": 0.1`, as some SDK fixtures do, and
 * SDKs read both), so numbers become the same strings (`0` → `"0"`) before anything compares them.
 * An answer without a `status` says neither that the call went through nor why not: it is thrown
 * as an `ApiError` (`bad_response`, code `unusable_answer`): the call may have gone out.
 *
 * The proxy passes the upstream's JSON answer on with the upstream's HTTP status. A Verify answer
 * (one with a `status`) that came with an HTTP error status (500, 409…) is still the upstream's
 * answer to the call: it is returned like any other, its `httpStatus` set to say so.
 */
import type {
  CheckErrorResponse,
  CheckResponse,
  ControlCommand,
  ControlResponse,
  ErrorResponse,
  Psd2RequestParams,
  VerifyRequestErrorResponse,
  VerifyRequestParams,
} from '@contract/types'
import type { EnvironmentId, EnvironmentsResponse } from '@contract/desk'
import { LIMITS } from '@contract/params'
import { ApiError, apiRequest, type Params } from './client'
import { UNUSABLE_ANSWER, upstreamSubject } from '@/utils/call-failure'
import {
  isObject,
  isRequestId,
  readSearchStatus,
  type SearchedRequest,
} from '@/utils/history-entry'

export type { Environment, EnvironmentId, EnvironmentsResponse } from '@contract/desk'
export type { SearchedRequest } from '@/utils/history-entry'

export type StartParams = Omit<VerifyRequestParams, 'api_key' | 'api_secret'>
export type Psd2Params = Omit<Psd2RequestParams, 'api_key' | 'api_secret'>

/** Set on an answer that came with an HTTP status other than 2xx (a Verify answer normally comes with 200). */
export interface AnsweredWith {
  httpStatus?: number
  /** Seconds the server asked to wait before sending the call again (`Retry-After`), when it said. */
  retryAfter?: number
}

export type StartResult = ({ status: '0'; request_id: string } | VerifyRequestErrorResponse) &
  AnsweredWith
export type CheckResult = (CheckResponse | CheckErrorResponse) & AnsweredWith
export type ControlResult = (ControlResponse | ErrorResponse) & AnsweredWith

export type SearchResult =
  /**
   * Found requests; `missing` lists asked ids the answer did not contain. A request's status is a
   * documented one, or any other the upstream wrote, kept as written (see `readRequest`).
   */
  | { kind: 'found'; requests: SearchedRequest[]; missing: string[] }
  /** Status 101: none of the ids is known (yet: a just-finished request can take a minute). */
  | ({ kind: 'not_found'; ids: string[]; error_text: string } & AnsweredWith)
  /** Any other API-level error (1 throttled, 4 bad credentials, …). */
  | ({ kind: 'error'; ids: string[]; status: string; error_text: string } & AnsweredWith)

/** Drops empty values: an empty field is "not sent", never `param=`. */
function compact(params: object): Params {
  const out: Params = {}
  for (const [key, value] of Object.entries(params) as [string, unknown][]) {
    if (typeof value === 'string' && value !== '') out[key] = value
  }
  return out
}

type Json = Record<string, unknown>

/** A copy with every number value as its string (`0` → `"0"`, `0.05` → `"0.05"`). */
function numbersAsStrings(value: Json): Json {
  const out: Json = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] = typeof v === 'number' && Number.isFinite(v) ? String(v) : v
  }
  return out
}

/** At most 120 characters of what was answered, to show with the failure. */
function excerpt(body: unknown): string {
  const text = body === null || body === undefined ? '' : JSON.stringify(body)
  return text.length > 120 ? `${text.slice(0, 119)}…` : text
}

/** What the upstream answered: the parsed body, and the HTTP status when it was not 2xx. */
interface Received {
  body: unknown
  httpStatus?: number
  retryAfter?: number
}

/**
 * Sends one Verify call. A JSON answer that came with an HTTP error status and is not the proxy's
 * own error is the upstream's answer, returned for reading (every other failure is thrown).
 */
async function receive(
  method: 'GET' | 'POST',
  path: string,
  options: Parameters<typeof apiRequest>[2],
): Promise<Received> {
  let retryAfter: number | undefined
  try {
    const body = await apiRequest<unknown>(method, path, {
      ...options,
      onRetryAfter: (seconds) => (retryAfter = seconds),
    })
    return { body, ...(retryAfter !== undefined ? { retryAfter } : {}) }
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'http' && error.answer) {
      return {
        body: error.answer,
        ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
        ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
      }
    }
    throw error
  }
}

/** The failure for an answer of the upstream that cannot be used (`detail` says why). */
function unusable(env: EnvironmentId, received: Received, detail: string): ApiError {
  const error = new ApiError('bad_response', detail, {
    code: UNUSABLE_ANSWER,
    ...(received.httpStatus !== undefined ? { httpStatus: received.httpStatus } : {}),
  })
  error.environment = env
  return error
}

/** The failure for an answer without a `status`. */
function withoutStatus(env: EnvironmentId, received: Received): ApiError {
  const what = excerpt(received.body)
  return unusable(
    env,
    received,
    `${upstreamSubject(env)} answered without a status, so the answer says neither that the call went through nor why not` +
      (what ? `: ${what}` : ' (an empty answer).'),
  )
}

/**
 * An answer of start, PSD2, check, control or a search error in the documented string form, with
 * the HTTP status it came with when that was not 2xx; one without a `status` is thrown (see above).
 */
function readAnswer(env: EnvironmentId, received: Received): Json & { status: string } {
  const { body, httpStatus, retryAfter } = received
  const answer = isObject(body) ? numbersAsStrings(body) : null
  if (!answer || typeof answer.status !== 'string' || answer.status.trim() === '') {
    throw withoutStatus(env, received)
  }
  return {
    ...answer,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  } as Json & { status: string }
}

/**
 * One request of a search answer, its checks and events included, in the string form. A status
 * that is a documented one but for letter case and spacing (`in progress`) is read as it (see
 * `readSearchStatus`); any other is kept as written, for the dashboard to show as it came.
 */
function readRequest(value: unknown): unknown {
  if (!isObject(value)) return value
  const request = numbersAsStrings(value)
  if (typeof request.status === 'string') {
    request.status = readSearchStatus(request.status) ?? request.status
  }
  for (const key of ['checks', 'events'] as const) {
    const list = request[key]
    if (Array.isArray(list)) {
      request[key] = list.map((item: unknown) => (isObject(item) ? numbersAsStrings(item) : item))
    }
  }
  return request
}

/** A search answer: one request, a list of them, or an error, in the string form. */
function readSearchAnswer(body: unknown): unknown {
  if (!isObject(body)) return body
  if (Array.isArray(body.verification_requests)) {
    return {
      ...numbersAsStrings(body),
      verification_requests: body.verification_requests.map(readRequest),
    }
  }
  return readRequest(body)
}

function verifyPath(env: EnvironmentId, endpoint: string): string {
  return `${env}/verify/${endpoint}`
}

export function getEnvironments(): Promise<EnvironmentsResponse> {
  return apiRequest<EnvironmentsResponse>('GET', 'environments', { retryOnNetworkError: true })
}

/**
 * A start's answer. Status 0 must name the request it created by a request_id (32 hexadecimal
 * characters): one that is not cannot be opened, searched or kept in history, yet a code may have
 * been sent, so it is thrown as an unusable answer that names the id given (to look it up).
 */
function readStart(env: EnvironmentId, received: Received): StartResult {
  const answer = readAnswer(env, received)
  if (answer.status === '0' && !isRequestId(answer.request_id)) {
    const id = answer.request_id
    const given =
      typeof id === 'string' && id !== ''
        ? `the request_id "${id.length > 64 ? `${id.slice(0, 64)}…` : id}"`
        : 'no request_id'
    throw unusable(
      env,
      received,
      `${upstreamSubject(env)} accepted the start (status 0) with ${given}, not a request_id of 32 hexadecimal characters: this dashboard cannot open or keep it, but a code may have been sent.`,
    )
  }
  return answer as unknown as StartResult
}

/** `POST /verify/json`: starts a verification (sends an SMS or a call). Never retried. */
export async function startVerification(
  env: EnvironmentId,
  params: StartParams,
): Promise<StartResult> {
  return readStart(env, await receive('POST', verifyPath(env, 'json'), { form: compact(params) }))
}

/** `POST /verify/psd2/json`: starts a PSD2 payment confirmation. Never retried. */
export async function startPsd2(env: EnvironmentId, params: Psd2Params): Promise<StartResult> {
  return readStart(
    env,
    await receive('POST', verifyPath(env, 'psd2/json'), { form: compact(params) }),
  )
}

/** `POST /verify/check/json`: checks a code (uses up an attempt when wrong). Never retried. */
export async function checkCode(
  env: EnvironmentId,
  requestId: string,
  code: string,
): Promise<CheckResult> {
  const received = await receive('POST', verifyPath(env, 'check/json'), {
    form: { request_id: requestId, code },
  })
  return readAnswer(env, received) as unknown as CheckResult
}

async function control(
  env: EnvironmentId,
  requestId: string,
  cmd: ControlCommand,
): Promise<ControlResult> {
  const received = await receive('POST', verifyPath(env, 'control/json'), {
    form: { request_id: requestId, cmd },
  })
  return readAnswer(env, received) as unknown as ControlResult
}

/** `cmd=cancel`: possible from 30 s after the start until the second event. */
export function cancelRequest(env: EnvironmentId, requestId: string): Promise<ControlResult> {
  return control(env, requestId, 'cancel')
}

/** `cmd=trigger_next_event`: sends the next SMS or call now. */
export function triggerNextEvent(env: EnvironmentId, requestId: string): Promise<ControlResult> {
  return control(env, requestId, 'trigger_next_event')
}

/** A status code (`"101"`, `"5"`): what an error answer carries, never a request's status. */
function isStatusCode(value: unknown): boolean {
  return typeof value === 'string' && /^\d+$/.test(value.trim())
}

/**
 * A request of a search answer: a `request_id` and a request's status (text such as `IN PROGRESS`,
 * not a status code). What else it carries is not looked at: an upstream that adds a field
 * (`error_text: ""`, `error_text: null`) still answered the request.
 */
function isRequest(value: unknown): value is SearchedRequest {
  if (!isObject(value)) return false
  const { request_id: id, status } = value
  return (
    typeof id === 'string' &&
    id !== '' &&
    typeof status === 'string' &&
    status.trim() !== '' &&
    !isStatusCode(status)
  )
}

/**
 * An error answer of search: its `status` is a status code other than 0 (`101`, `1`, `5`…), what
 * else it carries (a `request_id`, an empty `verification_requests`) notwithstanding.
 */
function isSearchError(value: unknown): boolean {
  return isObject(value) && isStatusCode(value.status) && String(value.status).trim() !== '0'
}

/**
 * `GET /verify/search/json`: 1 id as `request_id`, 2–10 as repeated `request_ids`. The single-object
 * and `verification_requests` shapes both come back as an array. Retried once on a network error
 * (search changes nothing). `background`: the page's own polling, which never takes a fault
 * injected into the sandbox (see `RequestOptions.background`).
 */
export async function searchRequests(
  env: EnvironmentId,
  ids: readonly string[],
  options: { background?: boolean } = {},
): Promise<SearchResult> {
  const unique = [...new Set(ids.map((id) => id.trim()).filter(Boolean))]
  if (unique.length === 0) return { kind: 'found', requests: [], missing: [] }
  if (unique.length > LIMITS.searchMaxIds) {
    throw new RangeError(
      `Search takes at most ${LIMITS.searchMaxIds} ids at once (got ${unique.length}).`,
    )
  }
  const query: Params = unique.length === 1 ? { request_id: unique[0] } : { request_ids: unique }
  const received = await receive('GET', verifyPath(env, 'search/json'), {
    query,
    retryOnNetworkError: true,
    ...(options.background ? { background: true } : {}),
  })
  const body = readSearchAnswer(received.body)
  let requests: SearchedRequest[] | null = null
  if (isRequest(body)) requests = [body]
  else if (!isSearchError(body) && isObject(body) && Array.isArray(body.verification_requests)) {
    // Fields of the list answer besides the list (a `status`…) say nothing of its requests.
    requests = body.verification_requests.filter(isRequest)
  }
  if (requests) {
    const found = new Set(requests.map((r) => r.request_id))
    return { kind: 'found', requests, missing: unique.filter((id) => !found.has(id)) }
  }
  const error = readAnswer(env, received) as Partial<ErrorResponse> & { status: string }
  // Neither a request, a list nor an error code (`{"status":"IN PROGRESS"}` without a request_id):
  // nothing in it can be used, nor said to be the search's failure.
  if (!isSearchError(error)) {
    throw unusable(
      env,
      received,
      `${upstreamSubject(env)} answered the search with neither a request nor an error status code: ${excerpt(received.body)}`,
    )
  }
  const status = error.status.trim()
  const errorText = typeof error.error_text === 'string' ? error.error_text : 'No answer text'
  const http = received.httpStatus !== undefined ? { httpStatus: received.httpStatus } : {}
  if (status === '101') return { kind: 'not_found', ids: unique, error_text: errorText, ...http }
  // A throttled search (status 1) may say how long to wait: the next search waits that long.
  const wait = received.retryAfter !== undefined ? { retryAfter: received.retryAfter } : {}
  return { kind: 'error', ids: unique, status, error_text: errorText, ...http, ...wait }
}
