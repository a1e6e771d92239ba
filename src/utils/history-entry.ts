/**
 * The history entry: one verification request the dashboard started, checked, looked up or saw on
 * the sandbox handset. Pure functions only (validation, merge, migration), so the store, the
 * IndexedDB wrapper, import and the tests share one definition.
 */
import type { SearchCheck, SearchEvent, SearchStatus, VerificationRequest } from '@contract/types'
import { SEARCH_STATUSES } from '@contract/types'

export type HistoryEnvironment = 'sandbox' | 'live'
export type HistoryKind = 'request' | 'psd2'
/**
 * A search status, or `UNKNOWN`: search has not (or no longer) found the request, or found it with
 * a status this dashboard does not know (`reportedStatus` then says which).
 */
export type HistoryStatus = SearchStatus | 'UNKNOWN'
/** How the request came into history. */
export type HistorySource = 'started' | 'checked' | 'looked-up' | 'handset'

export const HISTORY_SCHEMA_VERSION = 2
export const HISTORY_STATUSES: readonly HistoryStatus[] = [...SEARCH_STATUSES, 'UNKNOWN']
export const HISTORY_ENVIRONMENTS: readonly HistoryEnvironment[] = ['sandbox', 'live']
const HISTORY_SOURCES: readonly HistorySource[] = ['started', 'checked', 'looked-up', 'handset']

/** What the last successful search said about the request (wire strings kept as they came). */
export interface HistorySearchSnapshot {
  events: SearchEvent[]
  checks: SearchCheck[]
  price: string
  currency: string
  estimatedPrice: string
  accountId: string
  senderId: string
  /** `YYYY-MM-DD HH:MM:SS` UTC, as the API answers. */
  dateSubmitted: string
  dateFinalized: string
  firstEventDate: string
  lastEventDate: string
  /** When this answer was received (epoch ms). */
  fetchedAt: number
  /** The event whose PIN a correct check used (from the check answer, which search may lag). */
  checkEventId?: string
  /**
   * The status as search wrote it when it is none this dashboard knows (`BLOCKED`): the entry's
   * status is then `UNKNOWN`, and the request is not known to be over. Absent otherwise.
   */
  reportedStatus?: string
}

/** The last failure seen for this request (an API status code or a network/proxy error code). */
export interface HistoryError {
  code: string
  message: string
  at: number
}

export interface HistoryEntry {
  request_id: string
  environment: HistoryEnvironment
  kind: HistoryKind
  /** E.164 digits as sent (or as search reported them). */
  number: string
  brand: string
  /** PSD2 only. */
  payee: string
  /** PSD2 only. */
  amount: string
  /** Parameters as sent (credentials never included). */
  params: Record<string, string>
  status: HistoryStatus
  /**
   * Epoch ms the request was submitted: the API's `date_submitted` when history learnt of it from
   * a search (the upstream's clock), else this browser's. Shown and sorted on, never compared with
   * the browser's times.
   */
  createdAt: number
  /** Epoch ms of the last change (this browser's clock); the newer side wins when two copies meet. */
  updatedAt: number
  /**
   * Epoch ms (this browser's clock) of the last thing known to have happened to the request (start,
   * check, control, first seen): answers to calls sent before it are older (see `observedPatch`).
   */
  lastActivityAt: number
  lastSearch: HistorySearchSnapshot | null
  lastError: HistoryError | null
  source: HistorySource
  schemaVersion: typeof HISTORY_SCHEMA_VERSION
}

/** A partial entry: `request_id` is required, everything else is filled from what is known. */
export type HistoryPatch = Partial<Omit<HistoryEntry, 'request_id' | 'schemaVersion'>> & {
  request_id: string
}

const REQUEST_ID = /^[0-9a-f]{32}$/i
/** Stored instead of a code entered on a live request. */
export const LIVE_CODE_PLACEHOLDER = '$CODE'

/** Whether `value` is a request_id history can keep: 32 hexadecimal characters. */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value)
}

export function isFinalStatus(status: HistoryStatus): boolean {
  return status !== 'IN PROGRESS' && status !== 'UNKNOWN'
}

/**
 * A request status as search answered it, read as one of the documented statuses, or `null` for
 * one this dashboard does not know. A status that differs from a documented one only in letter
 * case and spacing (`in progress`, ` In  Progress `) is read as it: the words say the same, and
 * no other documented status could be meant. Any other difference (`IN_PROGRESS`, `BLOCKED`)
 * is not guessed at.
 */
export function readSearchStatus(status: string): SearchStatus | null {
  const words = status.trim().replace(/\s+/g, ' ').toUpperCase()
  return (SEARCH_STATUSES as readonly string[]).includes(words) ? (words as SearchStatus) : null
}

/** A request as search answered it: its `status` may be one this dashboard does not know. */
export type SearchedRequest = Omit<VerificationRequest, 'status'> & { status: string }

/**
 * The status search last answered for the entry, as written, when it is none this dashboard knows
 * and nothing since said otherwise (a known status, an action's end, search no longer finding
 * it); else `null`.
 */
export function reportedStatus(entry: Pick<HistoryEntry, 'status' | 'lastSearch'>): string | null {
  if (entry.status !== 'UNKNOWN') return null
  const reported = entry.lastSearch?.reportedStatus
  return reported ? reported : null
}

/** The snapshot without a reported status (one that no longer says what the request is). */
function withoutReportedStatus(snapshot: HistorySearchSnapshot): HistorySearchSnapshot {
  if (snapshot.reportedStatus === undefined) return snapshot
  const rest = { ...snapshot }
  delete rest.reportedStatus
  return rest
}

/**
 * The patch that marks an entry as no longer found by search for good (`message` says why, at
 * `at`): `UNKNOWN` with a 101, its last search kept, but not a status it reported, which is no
 * longer the request's.
 */
export function gonePatch(
  entry: Pick<HistoryEntry, 'request_id' | 'lastSearch'>,
  message: string,
  at: number,
): HistoryPatch {
  return {
    request_id: entry.request_id,
    status: 'UNKNOWN',
    lastError: { code: '101', message, at },
    ...(entry.lastSearch?.reportedStatus !== undefined
      ? { lastSearch: withoutReportedStatus(entry.lastSearch) }
      : {}),
  }
}

/**
 * Whether the request is over for history's retention: finished, or known to be gone (search
 * answered 101 for good, for example after a sandbox reset, and nothing changed since). Only
 * requests that may still be in progress (IN PROGRESS, UNKNOWN without a 101, or with a status
 * search reported that this dashboard does not know) are kept.
 */
export function isSettled(
  entry: Pick<HistoryEntry, 'status' | 'lastError'> & Partial<Pick<HistoryEntry, 'lastSearch'>>,
): boolean {
  if (isFinalStatus(entry.status)) return true
  if (reportedStatus({ status: entry.status, lastSearch: entry.lastSearch ?? null })) return false
  return entry.status === 'UNKNOWN' && entry.lastError?.code === '101'
}

/** A fresh entry with defaults, for an id seen for the first time. */
export function emptyEntry(
  requestId: string,
  now: number,
  environment: HistoryEnvironment = 'sandbox',
): HistoryEntry {
  return {
    request_id: requestId,
    environment,
    kind: 'request',
    number: '',
    brand: '',
    payee: '',
    amount: '',
    params: {},
    status: 'UNKNOWN',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    lastSearch: null,
    lastError: null,
    source: 'looked-up',
    schemaVersion: HISTORY_SCHEMA_VERSION,
  }
}

/**
 * Applies a patch to an entry (or a new one) at `now` (epoch ms, this browser's clock); `updatedAt`
 * always moves forward.
 *
 * Two clocks meet here. `createdAt` may come from the API (`date_submitted`, the upstream's clock,
 * which the sandbox's clock controls move and which a live browser's clock may lag): it is shown,
 * never used to order observations. `updatedAt` and `lastActivityAt` are this browser's times, the
 * ones every answer's send time is compared with (see `observedPatch`): a new entry starts at `now`
 * whatever the API says it was submitted at, and a `lastActivityAt` later than `now` (read from an
 * older version's record, or an import from another machine) is brought back to `now`, as nothing
 * this browser sees can have happened after the time it is.
 */
export function applyPatch(base: HistoryEntry | undefined, patch: HistoryPatch, now: number) {
  const start = base ?? emptyEntry(patch.request_id, now, patch.environment)
  const next: HistoryEntry = { ...start }
  for (const [key, value] of Object.entries(patch) as [keyof HistoryEntry, unknown][]) {
    if (value === undefined || key === 'request_id') continue
    ;(next as unknown as Record<string, unknown>)[key] = value
  }
  next.params = stringsOnly(next.params)
  next.request_id = start.request_id
  next.schemaVersion = HISTORY_SCHEMA_VERSION
  // A new entry takes the given creation time as it is (even a later one, on a clock ahead).
  if (base) next.createdAt = Math.min(base.createdAt, next.createdAt)
  next.updatedAt = Math.max(now, start.updatedAt + 1, patch.updatedAt ?? 0)
  next.lastActivityAt = Math.min(next.lastActivityAt, now)
  return next
}

/**
 * Merges two copies of the same request: the newer copy (by `updatedAt`) wins field by field,
 * but what only the older copy knows (a brand, the params, a search result) is kept.
 */
export function mergeEntries(a: HistoryEntry | undefined, b: HistoryEntry): HistoryEntry {
  if (!a) return b
  const [older, newer] = a.updatedAt > b.updatedAt ? [b, a] : [a, b]
  const merged: HistoryEntry = { ...older }
  for (const [key, value] of Object.entries(newer) as [keyof HistoryEntry, unknown][]) {
    if (value === '' || value === null || value === undefined) continue
    if (key === 'params' && Object.keys(value as object).length === 0) continue
    ;(merged as unknown as Record<string, unknown>)[key] = value
  }
  // A newer copy may legitimately clear the last error.
  merged.lastError = newer.lastError
  merged.createdAt = Math.min(a.createdAt, b.createdAt)
  merged.lastActivityAt = Math.max(a.lastActivityAt, b.lastActivityAt)
  return merged
}

/** Whether merging `incoming` into `current` changes anything. */
export function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The history patch that a search answer implies. A status this dashboard does not know makes the
 * entry `UNKNOWN` with the status kept as written (`reportedStatus`), and everything else the
 * answer said: the request was found, and is not known to be over.
 */
export function patchFromSearch(
  environment: HistoryEnvironment,
  request: SearchedRequest,
  now: number,
): HistoryPatch {
  const known = readSearchStatus(request.status)
  const checks = Array.isArray(request.checks) ? request.checks : []
  const snapshot: HistorySearchSnapshot = {
    events: Array.isArray(request.events) ? request.events : [],
    // On live the codes entered are not kept (one of them is the PIN): `$CODE` instead.
    checks:
      environment === 'live' ? checks.map((c) => ({ ...c, code: LIVE_CODE_PLACEHOLDER })) : checks,
    price: request.price ?? '',
    currency: request.currency ?? '',
    estimatedPrice: request.estimated_price_messages_sent ?? '',
    accountId: request.account_id ?? '',
    senderId: request.sender_id ?? '',
    dateSubmitted: request.date_submitted ?? '',
    dateFinalized: request.date_finalized ?? '',
    firstEventDate: request.first_event_date ?? '',
    lastEventDate: request.last_event_date ?? '',
    fetchedAt: now,
    ...(known === null ? { reportedStatus: request.status } : {}),
  }
  const patch: HistoryPatch = {
    request_id: request.request_id,
    environment,
    status: known ?? 'UNKNOWN',
    lastSearch: snapshot,
    lastError: null,
  }
  if (request.number) patch.number = request.number
  const submitted = parseApiDate(request.date_submitted)
  if (submitted !== null) patch.createdAt = submitted
  return patch
}

/**
 * What an API answer read at `observedAt` (epoch ms, when the call was sent) may change in `base`.
 * An answer asked for before the last action on the request (a check, a cancel) knows nothing of
 * it: its status and search snapshot are left out. Both times are this browser's clock
 * (`lastActivityAt`, see `applyPatch`); the API's own dates never order answers. An answer that is not final never turns a final
 * status back (in Verify v1 SUCCESS, FAILED, EXPIRED and CANCELLED are final): it is an older view.
 */
export function observedPatch(
  base: HistoryEntry | undefined,
  patch: HistoryPatch,
  observedAt: number,
): HistoryPatch {
  if (!base) return patch
  const older = observedAt < base.lastActivityAt
  const undoesFinal =
    patch.status !== undefined && isFinalStatus(base.status) && !isFinalStatus(patch.status)
  if (!older && !undoesFinal) return patch
  const kept: HistoryPatch = { ...patch }
  delete kept.status
  delete kept.lastSearch
  delete kept.lastError
  return kept
}

/** What a check, cancel or next-event answer tells about its request. */
export interface ActionRecord {
  request_id: string
  /** When the answer came (epoch ms): searches sent before it are older than the action. */
  at: number
  /** The status the answer implies (SUCCESS after a correct code, CANCELLED, FAILED). */
  status?: HistoryStatus
  /** A check the API answered: its result and what the answer said of the price. */
  check?: {
    /** The code as stored: `$CODE` on live. */
    code: string
    status: SearchCheck['status']
    price?: string
    currency?: string
    estimatedPrice?: string
    eventId?: string
  }
}

/** `epoch ms` as the API writes dates (`YYYY-MM-DD HH:MM:SS`, UTC). */
function formatApiDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/**
 * The history patch an action answer implies for `base`: the status, the time, and for a check the
 * check itself, the price and the event whose PIN it used, added to what the last search said (a
 * search may answer 101, or not list the check yet, for a while after a request finished).
 */
export function patchFromAction(
  base: HistoryEntry | undefined,
  action: ActionRecord,
): HistoryPatch {
  const patch: HistoryPatch = {
    request_id: action.request_id,
    lastActivityAt: Math.max(action.at, base?.lastActivityAt ?? 0),
  }
  if (action.status) patch.status = action.status
  // A status the action set (verified, cancelled) replaces one search reported.
  const searched =
    base?.lastSearch && action.status ? withoutReportedStatus(base.lastSearch) : base?.lastSearch
  if (searched && searched !== base?.lastSearch) patch.lastSearch = searched
  const check = action.check
  if (!check) return patch
  const previous: HistorySearchSnapshot = searched ?? {
    events: [],
    checks: [],
    price: '',
    currency: '',
    estimatedPrice: '',
    accountId: '',
    senderId: '',
    dateSubmitted: '',
    dateFinalized: '',
    firstEventDate: '',
    lastEventDate: '',
    fetchedAt: action.at,
  }
  const date = formatApiDate(action.at)
  patch.lastSearch = {
    ...previous,
    checks: [
      ...previous.checks,
      { date_received: date, code: check.code, status: check.status, ip_address: '' },
    ],
    price: check.price || previous.price,
    currency: check.currency || previous.currency,
    estimatedPrice: check.estimatedPrice || previous.estimatedPrice,
    dateFinalized:
      check.status === 'VALID' && !previous.dateFinalized ? date : previous.dateFinalized,
    ...(check.eventId ? { checkEventId: check.eventId } : {}),
  }
  return patch
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) to epoch ms; null when empty or malformed. */
export function parseApiDate(value: string | undefined): number | null {
  if (!value) return null
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value)
  if (!match) return null
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
}

// ---------------------------------------------------------------------------------------------
// Validation (stored records and imported files)

/** The string-valued fields of a params object (unset fields are dropped, never stored). */
function stringsOnly(params: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof params !== 'object' || params === null) return out
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string') out[key] = value
  }
  return out
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The earliest time accepted in a stored or imported record (2000-01-01 UTC). */
const EARLIEST_TIME = Date.UTC(2000, 0, 1)
/** The first time no longer accepted (2100-01-01 UTC): every accepted time is a valid Date. */
const LATEST_TIME = Date.UTC(2100, 0, 1)

/** An epoch-ms time between 2000 and 2100 (what a date, a sort and the CSV can use). */
export function isTime(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= EARLIEST_TIME &&
    value < LATEST_TIME
  )
}

const TIME_PROBLEM = 'a time in ms between 2000 and 2100'
const SNAPSHOT_STRINGS = [
  'price',
  'currency',
  'estimatedPrice',
  'accountId',
  'senderId',
  'dateSubmitted',
  'dateFinalized',
  'firstEventDate',
  'lastEventDate',
] as const

function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'string')
}

function checkSnapshot(value: unknown): string[] {
  if (value === null) return []
  if (!isObject(value)) return ['lastSearch must be an object or null']
  if (!Array.isArray(value.events) || !Array.isArray(value.checks)) {
    return ['lastSearch.events and lastSearch.checks must be arrays']
  }
  const problems: string[] = []
  value.events.forEach((event: unknown, i) => {
    if (!isObject(event) || typeof event.type !== 'string' || typeof event.id !== 'string') {
      problems.push(`lastSearch.events[${i}] must be an object with a string type and id`)
    }
  })
  value.checks.forEach((check: unknown, i) => {
    if (
      !isObject(check) ||
      typeof check.date_received !== 'string' ||
      typeof check.code !== 'string' ||
      typeof check.status !== 'string' ||
      (check.ip_address !== undefined && typeof check.ip_address !== 'string')
    ) {
      problems.push(
        `lastSearch.checks[${i}] must be an object with a string date_received, code and status`,
      )
    }
  })
  for (const field of SNAPSHOT_STRINGS) {
    if (value[field] !== undefined && typeof value[field] !== 'string') {
      problems.push(`lastSearch.${field} must be a string`)
    }
  }
  if (value.checkEventId !== undefined && typeof value.checkEventId !== 'string') {
    problems.push('lastSearch.checkEventId must be a string')
  }
  if (value.reportedStatus !== undefined && typeof value.reportedStatus !== 'string') {
    problems.push('lastSearch.reportedStatus must be a string')
  }
  if (!isTime(value.fetchedAt)) problems.push(`lastSearch.fetchedAt must be ${TIME_PROBLEM}`)
  return problems
}

function checkLastError(value: unknown): string[] {
  if (value === null) return []
  if (!isObject(value)) return ['lastError must be an object or null']
  const problems: string[] = []
  if (typeof value.code !== 'string') problems.push('lastError.code must be a string')
  if (typeof value.message !== 'string') problems.push('lastError.message must be a string')
  if (!isTime(value.at)) problems.push(`lastError.at must be ${TIME_PROBLEM}`)
  return problems
}

/**
 * Checks one stored or imported record. Returns the list of problems (empty when valid), each
 * naming the field, so an import can say exactly what is wrong.
 */
function entryProblems(value: unknown): string[] {
  if (!isObject(value)) return ['is not an object']
  const problems: string[] = []
  if (!isRequestId(value.request_id)) problems.push('request_id must be 32 hexadecimal characters')
  if (!(HISTORY_ENVIRONMENTS as readonly unknown[]).includes(value.environment)) {
    problems.push('environment must be "sandbox" or "live"')
  }
  if (value.kind !== 'request' && value.kind !== 'psd2')
    problems.push('kind must be "request" or "psd2"')
  if (!(HISTORY_STATUSES as readonly unknown[]).includes(value.status)) {
    problems.push(`status must be one of ${HISTORY_STATUSES.join(', ')}`)
  }
  if (!(HISTORY_SOURCES as readonly unknown[]).includes(value.source)) {
    problems.push(`source must be one of ${HISTORY_SOURCES.join(', ')}`)
  }
  for (const field of ['number', 'brand', 'payee', 'amount'] as const) {
    if (typeof value[field] !== 'string') problems.push(`${field} must be a string`)
  }
  for (const field of ['createdAt', 'updatedAt', 'lastActivityAt'] as const) {
    if (!isTime(value[field])) problems.push(`${field} must be ${TIME_PROBLEM}`)
  }
  if (!isStringRecord(value.params)) problems.push('params must be an object of strings')
  problems.push(...checkSnapshot(value.lastSearch), ...checkLastError(value.lastError))
  return problems
}

/**
 * Reads a stored or imported record, accepting current entries and the older (v1) shape.
 * Returns the entry, or the problems that make it unusable (a record of a newer `schemaVersion`
 * is one).
 */
export function readEntry(value: unknown): { entry: HistoryEntry } | { problems: string[] } {
  // A newer version's record may mean its fields differently: refused, never read as ours (which
  // would drop its unknown fields and label it with this version).
  const version = isObject(value) ? value.schemaVersion : undefined
  if (typeof version === 'number' && version > HISTORY_SCHEMA_VERSION) {
    return {
      problems: [
        `schemaVersion ${version} is from a newer version of Verify Desk (this one reads up to ${HISTORY_SCHEMA_VERSION})`,
      ],
    }
  }
  const older = isObject(value) && !('request_id' in value) && 'id' in value
  // Params with unset (non-string) values are tidied, not treated as damage.
  const candidate = older
    ? migrateV1(value)
    : isObject(value) && isObject(value.params)
      ? { ...value, params: stringsOnly(value.params) }
      : value
  if (candidate === null) return { problems: ['is an older history entry that cannot be read'] }
  const problems = entryProblems(candidate)
  if (problems.length > 0) return { problems }
  return { entry: ownFields(candidate as HistoryEntry) }
}

/**
 * The entry with only the fields history knows, in their usual order: a field a file adds (or a
 * newer version's, say `smsLog`) is left out rather than stored and exported as ours.
 */
function ownFields(entry: HistoryEntry): HistoryEntry {
  const search = entry.lastSearch
  const error = entry.lastError
  return {
    request_id: entry.request_id,
    environment: entry.environment,
    kind: entry.kind,
    number: entry.number,
    brand: entry.brand,
    payee: entry.payee,
    amount: entry.amount,
    params: entry.params,
    status: entry.status,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    lastActivityAt: entry.lastActivityAt,
    lastSearch: search
      ? {
          events: search.events,
          checks: search.checks,
          price: search.price,
          currency: search.currency,
          estimatedPrice: search.estimatedPrice,
          accountId: search.accountId,
          senderId: search.senderId,
          dateSubmitted: search.dateSubmitted,
          dateFinalized: search.dateFinalized,
          firstEventDate: search.firstEventDate,
          lastEventDate: search.lastEventDate,
          fetchedAt: search.fetchedAt,
          ...(search.checkEventId !== undefined ? { checkEventId: search.checkEventId } : {}),
          ...(search.reportedStatus !== undefined ? { reportedStatus: search.reportedStatus } : {}),
        }
      : null,
    lastError: error ? { code: error.code, message: error.message, at: error.at } : null,
    source: entry.source,
    schemaVersion: HISTORY_SCHEMA_VERSION,
  }
}

// ---------------------------------------------------------------------------------------------
// Migration from the first stored shape (schema 1, IndexedDB version 1, store `requests`):
// `{ id, env, phone, brand, status, created: ISO, updated: ISO, psd2?: { payee, amount }, params?,
// result? }`

/** Converts a schema-1 record to the current shape; null when it is not a schema-1 record. */
function migrateV1(value: Record<string, unknown>): HistoryEntry | null {
  if (typeof value.id !== 'string' || typeof value.created !== 'string') return null
  const created = Date.parse(value.created)
  const updated = typeof value.updated === 'string' ? Date.parse(value.updated) : created
  if (!Number.isFinite(created) || !Number.isFinite(updated)) return null
  const psd2 = isObject(value.psd2) ? value.psd2 : null
  const environment = value.env === 'live' ? 'live' : value.env === 'sandbox' ? 'sandbox' : null
  if (environment === null) return null
  let entry: HistoryEntry = {
    ...emptyEntry(value.id, created, environment),
    kind: psd2 ? 'psd2' : 'request',
    number: typeof value.phone === 'string' ? value.phone : '',
    brand: typeof value.brand === 'string' ? value.brand : '',
    payee: psd2 && typeof psd2.payee === 'string' ? psd2.payee : '',
    amount: psd2 && typeof psd2.amount === 'string' ? psd2.amount : '',
    params: isStringRecord(value.params) ? value.params : {},
    status: (HISTORY_STATUSES as readonly unknown[]).includes(value.status)
      ? (value.status as HistoryStatus)
      : 'UNKNOWN',
    updatedAt: updated,
    lastActivityAt: updated,
    source: 'started',
  }
  if (isObject(value.result) && value.result.request_id === value.id) {
    const patch = patchFromSearch(environment, value.result as unknown as SearchedRequest, updated)
    entry = { ...entry, lastSearch: patch.lastSearch ?? null }
  }
  return entry
}
