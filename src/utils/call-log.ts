/**
 * The call log kept with history: every call made about a request, as sent and received, made
 * safe and small enough to store. Pure functions only (the requests store and IndexedDB use them).
 *
 * What is stored, and what is not:
 * - credentials are placeholders already (the API client masks them); any other field that looks
 *   like a secret (`api_secret`, `token`, `password`, …) is replaced here too, at any depth;
 * - the access token of the server is never part of a call (it travels in a header);
 * - on live, the PIN of a check (`code`), a chosen PIN (`pin_code`) and the codes a search answer
 *   lists under `checks` are replaced by `$CODE` and `$PIN_CODE`: a finished request's PIN is
 *   harmless in the sandbox but not on a real phone;
 * - a call about several requests (a search of up to ten ids) is stored under each of them with
 *   only that request's part: its own id in the query, its own element of the answer's list
 *   (`callFor`); records stored whole before are read back, exported and imported the same way;
 * - a response larger than `MAX_RESPONSE_CHARS` is cut (and marked `truncated`).
 *
 * A call is stored as soon as it is sent (`pending`, with no status or response yet), then stored
 * again under the same key once its answer arrives. A call still pending when read back after a
 * reload, or from another tab, got no answer in the page that sent it: it may have reached Vonage.
 */
import { TOKEN_QUERY_PARAM } from '@contract/desk'
import type { ApiCall } from '@/api/client'
import { isObject, isTime, LIVE_CODE_PLACEHOLDER } from './history-entry'

/** Calls that change something (start, check, cancel, next event) kept per request. */
export const MAX_ACTIONS_PER_REQUEST = 50
/** Read calls (search, the sandbox's view) kept per request: the newest only. */
export const MAX_READS_PER_REQUEST = 10
/** Characters of a response kept (as JSON text). */
export const MAX_RESPONSE_CHARS = 32_000

/** Placeholders stored instead of a PIN on live. */
export const LIVE_PIN_PLACEHOLDERS: Readonly<Record<string, string>> = {
  code: LIVE_CODE_PLACEHOLDER,
  pin_code: '$PIN_CODE',
}

const SECRET_KEYS: Readonly<Record<string, string>> = {
  api_key: '$VONAGE_API_KEY',
  api_secret: '$VONAGE_API_SECRET',
  signature: '[not stored]',
  secret: '[not stored]',
  password: '[not stored]',
  token: '[not stored]',
  access_token: '[not stored]',
  [TOKEN_QUERY_PARAM]: '$VERIFY_DESK_TOKEN',
  authorization: '[not stored]',
}

/** One stored call record: one per request the call was about. */
export interface StoredCall {
  /** `call.key` + request_id: unique. */
  key: string
  request_id: string
  /** `action` calls change something; `read` calls (GET) only look. */
  kind: 'action' | 'read'
  call: ApiCall
}

function callKind(call: Pick<ApiCall, 'method'>): StoredCall['kind'] {
  return call.method === 'GET' ? 'read' : 'action'
}

/** Whether a call went to live (`live/verify/...`). */
function isLiveCall(call: Pick<ApiCall, 'path'>): boolean {
  return /^\/?live\//.test(call.path)
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[too deep]'
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const placeholder = SECRET_KEYS[key.toLowerCase()]
    out[key] =
      placeholder !== undefined && v !== '' && v !== null ? placeholder : scrub(v, depth + 1)
  }
  return out
}

/**
 * Replaces the PIN fields of live parameters by their placeholders; returns the new object and the
 * names replaced. Sandbox parameters come back unchanged.
 */
export function maskLivePins<T extends Record<string, unknown>>(
  live: boolean,
  params: T,
): { params: T; masked: string[] } {
  if (!live) return { params, masked: [] }
  const masked: string[] = []
  const out: Record<string, unknown> = { ...params }
  for (const [key, placeholder] of Object.entries(LIVE_PIN_PLACEHOLDERS)) {
    if (key in out && out[key] !== '' && out[key] !== undefined) {
      out[key] = placeholder
      masked.push(key)
    }
  }
  return { params: out as T, masked }
}

/** Replaces `code` in every `checks` entry (search answers list the codes entered). */
function maskCheckCodes(value: unknown, depth = 0): unknown {
  if (depth > 20 || typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((v) => maskCheckCodes(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      key === 'checks' && Array.isArray(v)
        ? v.map((c: unknown) =>
            typeof c === 'object' && c !== null && 'code' in c
              ? { ...c, code: LIVE_PIN_PLACEHOLDERS.code }
              : c,
          )
        : maskCheckCodes(v, depth + 1)
  }
  return out
}

/** The storable copy of a call: secrets out, live PINs masked, the response cut to size. */
export function storableCall(call: ApiCall): ApiCall {
  const live = isLiveCall(call)
  const query = maskLivePins(live, scrub(call.query) as ApiCall['query'])
  const body = call.body
    ? maskLivePins(live, scrub(call.body) as Record<string, string>)
    : { params: null, masked: [] }
  let response = live ? maskCheckCodes(scrub(call.response)) : scrub(call.response)
  let truncated = false
  const text = typeof response === 'string' ? response : JSON.stringify(response ?? null)
  if (text.length > MAX_RESPONSE_CHARS) {
    response = `${text.slice(0, MAX_RESPONSE_CHARS)}…`
    truncated = true
  }
  const masked = [...new Set([...query.masked, ...body.masked])]
  const stored: ApiCall = {
    id: call.id,
    key: call.key,
    method: call.method,
    path: call.path,
    query: query.params,
    body: body.params,
    startedAt: call.startedAt,
    durationMs: call.durationMs,
    httpStatus: call.httpStatus,
    response,
    error: call.error ? { ...call.error } : null,
  }
  if (masked.length > 0) stored.masked = masked
  if (truncated) stored.truncated = true
  if (call.pending === true) stored.pending = true
  return stored
}

function ids(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

/** The request_ids a call was about: in its query, body or answer. */
export function requestIdsOf(call: Pick<ApiCall, 'query' | 'body' | 'response'>): string[] {
  const out = new Set<string>()
  for (const id of ids(call.query.request_id)) out.add(id)
  for (const id of ids(call.query.request_ids)) out.add(id)
  if (call.body) for (const id of ids(call.body.request_id)) out.add(id)
  const response = call.response
  if (typeof response === 'object' && response !== null) {
    const r = response as { request_id?: unknown; verification_requests?: unknown }
    for (const id of ids(r.request_id)) out.add(id)
    if (Array.isArray(r.verification_requests)) {
      for (const item of r.verification_requests as { request_id?: unknown }[]) {
        for (const id of ids(item?.request_id)) out.add(id)
      }
    }
  }
  return [...out].filter(Boolean)
}

/** Parameters that name the requests a call is about. */
const ID_PARAMS = ['request_id', 'request_ids'] as const
/** Lists of requests in an answer (a search of several ids, the sandbox's view of several). */
const ID_LISTS = ['verification_requests', 'requests'] as const

/** Said instead of a cut answer of a call about several requests: it may list the others. */
export const OTHERS_CUT_RESPONSE =
  '[not kept: this answer was cut to size and listed other requests too]'

/** Whether the query of a call names a request other than `requestId`. */
function namesOthers(query: ApiCall['query'], requestId: string): boolean {
  return ID_PARAMS.some((param) => {
    const value = query[param]
    return Array.isArray(value) && value.some((id) => id !== requestId)
  })
}

/**
 * The part of a call about one request: a search (or sandbox read) of several ids, as request
 * `requestId` keeps it. Its query names only `requestId`, and a list of requests in its answer
 * holds only that request's own element (none when the read did not find it); the rest of the
 * call (method, path, status, time, answer fields besides the list) is as it was. A call about
 * nothing else comes back as it is. An answer already cut to size (a string) of a call that named
 * other requests too cannot be taken apart: it is replaced by `OTHERS_CUT_RESPONSE`.
 */
export function callFor<T extends Pick<ApiCall, 'query' | 'response' | 'truncated'>>(
  call: T,
  requestId: string,
): T {
  let query: ApiCall['query'] | null = null
  for (const param of ID_PARAMS) {
    const value = call.query[param]
    if (!Array.isArray(value) || value.every((id) => id === requestId)) continue
    query ??= { ...call.query }
    const own = value.filter((id) => id === requestId)
    if (own.length > 0) query[param] = own
    else delete query[param]
  }
  let response: unknown = call.response
  if (isObject(call.response)) {
    let answer = call.response
    for (const key of ID_LISTS) {
      const list: unknown = answer[key]
      if (!Array.isArray(list)) continue
      const own = list.filter((item: unknown) => isObject(item) && item.request_id === requestId)
      if (own.length < list.length) answer = { ...answer, [key]: own }
    }
    response = answer
  } else if (typeof response === 'string' && call.truncated === true) {
    if (namesOthers(call.query, requestId)) response = OTHERS_CUT_RESPONSE
  }
  if (query === null && response === call.response) return call
  return { ...call, query: query ?? call.query, response } as T
}

/**
 * The records to store for one call: one per request it was about, each with only its own part of
 * the call (see `callFor`): a search of several ids is never stored whole under each of them.
 */
export function toStoredCalls(call: ApiCall): StoredCall[] {
  return requestIdsOf(call).map((request_id) =>
    storedCallOf(storableCall(callFor(call, request_id)), request_id),
  )
}

/** The record of one call, already storable (see `storableCall`), about one request. */
export function storedCallOf(call: ApiCall, request_id: string): StoredCall {
  return { key: `${call.key}|${request_id}`, request_id, kind: callKind(call), call }
}

/** Newest first (by the time sent, then by the number of the call): the order calls are kept in. */
function newestFirst(
  a: Pick<ApiCall, 'startedAt' | 'id'>,
  b: Pick<ApiCall, 'startedAt' | 'id'>,
): number {
  return b.startedAt - a.startedAt || b.id - a.id
}

/** How many calls of each kind are kept per request. */
const KEPT_PER_REQUEST: Readonly<Record<StoredCall['kind'], number>> = {
  action: MAX_ACTIONS_PER_REQUEST,
  read: MAX_READS_PER_REQUEST,
}

/**
 * What is kept of one request's calls, and what goes: the newest `MAX_ACTIONS_PER_REQUEST` calls
 * that change something and the newest `MAX_READS_PER_REQUEST` reads; the older ones go. The one
 * rule for the calls listed (`capCalls`) and the calls stored (`overflowKeys`). Both lists come
 * back newest first.
 */
function capByKind<T>(
  items: readonly T[],
  kindOf: (item: T) => StoredCall['kind'],
  callOf: (item: T) => Pick<ApiCall, 'startedAt' | 'id'>,
): { kept: T[]; dropped: T[] } {
  const seen: Record<StoredCall['kind'], number> = { action: 0, read: 0 }
  const kept: T[] = []
  const dropped: T[] = []
  for (const item of [...items].sort((a, b) => newestFirst(callOf(a), callOf(b)))) {
    const kind = kindOf(item)
    if (++seen[kind] <= KEPT_PER_REQUEST[kind]) kept.push(item)
    else dropped.push(item)
  }
  return { kept, dropped }
}

/**
 * The records of one request to delete so that at most `MAX_ACTIONS_PER_REQUEST` actions and
 * `MAX_READS_PER_REQUEST` reads remain (the oldest go first; see `capByKind`).
 */
export function overflowKeys(records: readonly StoredCall[]): string[] {
  return capByKind(
    records,
    (r) => r.kind,
    (r) => r.call,
  ).dropped.map((r) => r.key)
}

function isStrings(value: unknown, allowLists: boolean): boolean {
  return (
    isObject(value) &&
    Object.values(value).every(
      (v) =>
        typeof v === 'string' ||
        (allowLists && Array.isArray(v) && v.every((x) => typeof x === 'string')),
    )
  )
}

/** An API answer as the call log shows it: text, or JSON whose status fields are strings. */
function responseProblem(response: unknown): string | null {
  if (!isObject(response)) return null
  if ('status' in response && typeof response.status !== 'string') {
    return 'response.status must be a string'
  }
  if ('request_id' in response && typeof response.request_id !== 'string') {
    return 'response.request_id must be a string'
  }
  const list = response.verification_requests
  if (list === undefined) return null
  if (!Array.isArray(list)) return 'response.verification_requests must be an array'
  const bad = list.findIndex(
    (item: unknown) =>
      !isObject(item) || typeof item.request_id !== 'string' || typeof item.status !== 'string',
  )
  return bad >= 0
    ? `response.verification_requests[${bad}] must have a string request_id and status`
    : null
}

/**
 * What is wrong with a stored or imported call record (empty when it can be shown): every field
 * the call log renders is checked.
 */
export function storedCallProblems(raw: unknown): string[] {
  if (!isObject(raw)) return ['is not an object']
  const problems: string[] = []
  if (typeof raw.key !== 'string') problems.push('key must be a string')
  if (typeof raw.request_id !== 'string') problems.push('request_id must be a string')
  if (raw.kind !== 'action' && raw.kind !== 'read') problems.push('kind must be "action" or "read"')
  const c = raw.call
  if (!isObject(c)) return [...problems, 'call must be an object']
  if (typeof c.id !== 'number' || !Number.isFinite(c.id)) problems.push('call.id must be a number')
  if (typeof c.key !== 'string') problems.push('call.key must be a string')
  if (typeof c.method !== 'string') problems.push('call.method must be a string')
  if (typeof c.path !== 'string') problems.push('call.path must be a string')
  if (!isStrings(c.query, true)) problems.push('call.query must be an object of strings')
  if (c.body !== null && c.body !== undefined && !isStrings(c.body, false)) {
    problems.push('call.body must be null or an object of strings')
  }
  if (!isTime(c.startedAt))
    problems.push('call.startedAt must be a time in ms between 2000 and 2100')
  if (typeof c.durationMs !== 'number' || !Number.isFinite(c.durationMs) || c.durationMs < 0) {
    problems.push('call.durationMs must be a number of ms')
  }
  if (
    c.httpStatus !== null &&
    !(
      Number.isInteger(c.httpStatus) &&
      (c.httpStatus as number) >= 100 &&
      (c.httpStatus as number) < 600
    )
  ) {
    problems.push('call.httpStatus must be null or an HTTP status')
  }
  const response = responseProblem(c.response)
  if (response) problems.push(`call.${response}`)
  if (
    c.error !== null &&
    c.error !== undefined &&
    !(
      isObject(c.error) &&
      typeof c.error.kind === 'string' &&
      typeof c.error.message === 'string' &&
      (c.error.code === undefined || typeof c.error.code === 'string')
    )
  ) {
    problems.push('call.error must be null or an object with a string kind and message')
  }
  if (
    c.masked !== undefined &&
    !(Array.isArray(c.masked) && c.masked.every((m) => typeof m === 'string'))
  ) {
    problems.push('call.masked must be a list of strings')
  }
  if (c.truncated !== undefined && typeof c.truncated !== 'boolean') {
    problems.push('call.truncated must be true or false')
  }
  if (c.pending !== undefined && c.pending !== true) problems.push('call.pending must be true')
  return problems
}

/**
 * A stored or imported record read back, or null when it is not one (a damaged record is skipped).
 * A record stored before calls were kept per request holds a search of several ids whole: it comes
 * back with only its own request's part (see `callFor`), so nothing of another request is shown,
 * exported or imported with it.
 */
export function readStoredCall(raw: unknown): StoredCall | null {
  if (storedCallProblems(raw).length > 0) return null
  const record = raw as StoredCall
  const call = callFor(record.call, record.request_id)
  return call === record.call ? record : { ...record, call }
}

/**
 * Newest first; the same call (by key) once. An answered copy wins over a pending one (a call
 * never goes back to pending); otherwise the first copy given wins.
 */
export function mergeCalls(...lists: readonly (readonly ApiCall[])[]): ApiCall[] {
  const byKey = new Map<string, ApiCall>()
  for (const list of lists) {
    for (const call of list) {
      const seen = byKey.get(call.key)
      if (!seen || (seen.pending === true && call.pending !== true)) byKey.set(call.key, call)
    }
  }
  return [...byKey.values()].sort(newestFirst)
}

/**
 * The calls of one request (newest first) within what is kept of it: the newest
 * `MAX_ACTIONS_PER_REQUEST` calls that change something and `MAX_READS_PER_REQUEST` reads (see
 * `capByKind`). A list another tab keeps adding to (its polls) never grows past them.
 */
export function capCalls(calls: readonly ApiCall[]): ApiCall[] {
  return capByKind(calls, callKind, (call) => call).kept
}

/**
 * How far a call got: `answered` (an answer or a failure was recorded), `waiting` (sent by this
 * page, its answer not in yet) or `unanswered` (sent, and no answer was recorded: the page that
 * sent it was reloaded or closed first, or another tab is still waiting; it may have reached
 * Vonage).
 */
export type CallProgress = 'answered' | 'waiting' | 'unanswered'

/** The progress of `call`; `inFlight` holds the keys of this page's calls still out. */
export function callProgress(
  call: Pick<ApiCall, 'key' | 'pending'>,
  inFlight: ReadonlySet<string>,
): CallProgress {
  if (call.pending !== true) return 'answered'
  return inFlight.has(call.key) ? 'waiting' : 'unanswered'
}
