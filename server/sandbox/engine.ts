/**
 * The Verify v1 state machine of the sandbox. Pure: no I/O, no timers. Time comes from an injected
 * clock (`now()` in ms), PINs and ids from injected sources, so every rule runs in microseconds in
 * tests. The host calls `runDue()` when the scheduler's earliest entry falls due (and every call
 * runs due work first, so answers never depend on timer precision).
 */
import {
  DEFAULT_ERROR_TEXT,
  DEFAULT_FAULT_NETWORK,
  ERROR_TEXTS,
  LIMITS,
  NOT_SCALAR,
  SANDBOX_CURRENCY,
  WORKFLOWS,
  effectivePinExpiry,
  euroAmount,
  formatPrice,
  normalizeNumber,
  priceFor,
  validateCheckParams,
  validateControlParams,
  givenText,
  validateRequestParams,
  PSD2_LANGUAGES,
  REQUEST_LANGUAGES,
} from '../../contract/index.ts'
import type {
  AdminAccount,
  AdminRequest,
  ErrorResponse,
  NotScalar,
  ParamValue,
  PriceEntry,
  SearchStatus,
  StatusCode,
  TestNumber,
  VerificationRequest,
  VerifyEndpoint,
  WorkflowId,
} from '../../contract/index.ts'
import { Handset } from './handset.ts'
import { knownCountry, languageOfNumber, sandboxNumber } from './numbers.ts'
import type { SentEvent } from './handset.ts'
import { Scheduler } from './scheduler.ts'

/** An account of the sandbox: each API key is its own account. */
export interface AccountConfig {
  apiKey: string
  apiSecret: string
  /** Shown as `account_id` in search. @default apiKey */
  accountId?: string
  /** Whether `pin_code` is accepted (status 20 otherwise). @default false */
  pinCodeAllowed?: boolean
  /**
   * Calls per second before status 1; `null` switches throttling off, 0 lets no call through
   * (every call answers status 1). @default engine's
   */
  throttlePerSecond?: number | null
  /**
   * Searches per second before status 1 (the 2018 docs' "one request per second" for search), on
   * top of `throttlePerSecond`; `null` switches it off, 0 lets no search through. @default engine's
   */
  searchPerSecond?: number | null
}

/** The account that works with no configuration. */
const DEFAULT_ACCOUNT: Readonly<AccountConfig> = {
  apiKey: 'sandbox',
  apiSecret: 'sandbox-secret',
  accountId: 'sandbox',
  pinCodeAllowed: false,
}

/** A second built-in account with custom PINs (`pin_code`) enabled. */
const PIN_CODE_ACCOUNT: Readonly<AccountConfig> = {
  apiKey: 'sandbox-pin',
  apiSecret: 'sandbox-pin-secret',
  accountId: 'sandboxpin',
  pinCodeAllowed: true,
}

export interface EngineOptions {
  /** Clock in ms since the epoch. */
  now: () => number
  /** PIN source: `length` random digits. */
  pin?: (length: number) => string
  /** Id source: 32 lower-case hex characters, unique. */
  id?: () => string
  /**
   * The id source never repeats itself (e.g. 128 random bits), so a new id is not looked up among
   * the known ones first. @default false
   */
  uniqueIds?: boolean
  /** Event id source: 16 upper-case hex characters. @default the first 16 of an id, upper-cased */
  eventId?: () => string
  /** Accounts; the first is the default account. @default [DEFAULT_ACCOUNT, PIN_CODE_ACCOUNT] */
  accounts?: AccountConfig[]
  /**
   * Default calls per second per account before status 1; null switches it off, 0 lets no call
   * through (every call answers status 1, as `PUT /__admin/throttle` with 0). @default 30
   */
  throttlePerSecond?: number | null
  /**
   * Default searches per second per account before status 1, on top of `throttlePerSecond`
   * (opt-in, to try a client's back-off); null switches it off, 0 lets no search through.
   * @default null
   */
  searchPerSecond?: number | null
  /** Messages kept by the handset. @default 200000 */
  maxMessages?: number
  /**
   * Finished requests kept (SUCCESS, FAILED, EXPIRED, CANCELLED): past it the one that finished
   * first is forgotten, as the live API forgets (search 101, check 6). Requests in progress are
   * always kept. @default 20000
   */
  maxFinishedRequests?: number
}

/** Finished requests kept by default. */
const DEFAULT_MAX_FINISHED_REQUESTS = 20_000

/**
 * A rate limit over a sliding one-second window: at most `limit` calls accepted in any second
 * (`null`: no limit, 0: none at all). Refused calls are not counted.
 */
interface RateWindow {
  limit: number | null
  /** Times of the last `limit` accepted calls (a ring). */
  times: number[]
  /** Index of the oldest of them once the ring is full. */
  oldest: number
}

/** A limit as the options and the admin API give it: null (or a negative number) is no limit. */
function rateWindow(limit: number | null): RateWindow {
  return { limit: limit !== null && limit >= 0 ? limit : null, times: [], oldest: 0 }
}

/** Whether one more call at `now` would go over the limit. */
function overLimit(window: RateWindow, now: number): boolean {
  const { limit, times } = window
  if (limit === null) return false
  if (limit === 0) return true
  // The oldest of the last `limit` calls within a second means one more is too many.
  return times.length >= limit && now - (times[window.oldest] as number) < 1000
}

/** Counts an accepted call at `now`. */
function countCall(window: RateWindow, now: number): void {
  const { limit, times } = window
  if (limit === null || limit === 0) return
  if (times.length < limit) {
    times.push(now)
    return
  }
  times[window.oldest] = now
  window.oldest = (window.oldest + 1) % times.length
}

/** New limits of an account (`undefined`: unchanged; null: off; 0: nothing let through). */
export interface AccountLimits {
  /** Calls per second before status 1. */
  perSecond?: number | null
  /** Searches per second before status 1, on top of `perSecond`. */
  searchPerSecond?: number | null
}

interface Account {
  apiKey: string
  apiSecret: string
  accountId: string
  pinCodeAllowed: boolean
  /** Every call (status 1 beyond it). */
  calls: RateWindow
  /** Searches, on top of `calls` (opt-in). */
  searches: RateWindow
}

export interface EventRecord extends SentEvent {
  /** Whether a new PIN went out with this event. */
  newPin: boolean
}

export interface CheckRecord {
  at: number
  code: string
  ok: boolean
}

/** One verification request. Kept small: 100,000 of them may be in progress. */
export interface RequestRecord {
  id: string
  accountId: string
  psd2: boolean
  /** International digits. */
  number: string
  rawNumber: string
  country: string
  brand: string
  /** `''` when not sent. */
  senderId: string
  payee: string
  amount: string
  lg: string
  workflow: WorkflowId
  codeLength: number
  /** Effective PIN lifetime, seconds. */
  pinExpiry: number
  /** `0` when not sent (workflow defaults apply). */
  nextEventWait: number
  pin: string
  fixedPin: boolean
  pinAt: number
  wrong: number
  status: SearchStatus
  submitted: number
  /** `0` while in progress. */
  finalized: number
  /** Index of the next workflow step to send. */
  next: number
  /** Time of the next event, or of the expiry when no event is left. */
  dueAt: number
  /** Replaced on change, never mutated (new requests share one empty list). */
  events: readonly EventRecord[]
  checks: readonly CheckRecord[]
}

/**
 * Parameters of a call, query and body merged: a value, the values of a repeated form key (in
 * order), or `NOT_SCALAR` for a JSON array or object (search's `request_ids` aside, whose JSON
 * array is its list of ids).
 */
export type Params = Record<string, string | string[] | NotScalar | undefined>

export type WireBody = Record<string, unknown>

export type EngineChange =
  | { type: 'request'; record: RequestRecord }
  | { type: 'message'; record: RequestRecord; event: EventRecord }
  | { type: 'reset' }
  | { type: 'test-numbers' }
  /** Finished requests forgotten to keep at most `maxFinishedRequests` (oldest finished first). */
  | { type: 'forget'; ids: string[] }

export interface RequestFilter {
  /**
   * Those requests only (a look-up that answers an empty list for an unknown id): one id, or
   * several (the requests a search of up to ten ids names, read at once).
   */
  request_id?: string | readonly string[]
  number?: string
  status?: string
  /** An account's `account_id` or its API key (see `accountIdsFor`). */
  account?: string
  limit?: number
  offset?: number
}

export interface EngineSnapshot {
  version: 1
  requests: RequestRecord[]
  testNumbers: TestNumber[]
}

/** Shared empty list of a new request (replaced, never mutated). */
const NONE: readonly never[] = Object.freeze([])
const CANCEL_AFTER_MS = 30_000
const MAX_WRONG = 3

/** A copy of `list` with `item` added, exactly sized (push would reserve room for 16 more). */
function append<T>(list: readonly T[], item: T): readonly T[] {
  return list.length === 0 ? [item] : list.concat(item)
}

/** The numeric SMS and TTS prices of a price entry (parsed once). */
const MESSAGE_PRICES = new Map<PriceEntry, { sms: number; tts: number }>()
function messagePrices(entry: PriceEntry): { sms: number; tts: number } {
  let prices = MESSAGE_PRICES.get(entry)
  if (!prices) {
    prices = { sms: Number(entry.sms), tts: Number(entry.tts) }
    MESSAGE_PRICES.set(entry, prices)
  }
  return prices
}

/** A parameter's text: the first value of a repeated one, none for a structured JSON value. */
function first(value: Params[string]): string | undefined {
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined
}

/** A parameter's value as it is judged: the first of a repeated one, `NOT_SCALAR` kept. */
function valueOf(value: Params[string]): ParamValue {
  return Array.isArray(value) ? value[0] : value
}

/**
 * The ids a search names: `request_id` alone when given (its first value), else every value of
 * `request_ids`. Several ids are sent as repeated `request_ids` (the spec's `style: form,
 * explode: true`; the SDKs send them so) or as a JSON array: a comma is part of the one value it
 * is in, not a separator, and an id is matched as written. Empty values name nothing.
 */
function searchIds(raw: Params): string[] {
  const single = first(raw.request_id)
  if (single) return [single]
  const list = raw.request_ids
  if (typeof list === 'string') return list === '' ? [] : [list]
  return Array.isArray(list) ? list.filter((v) => v !== '') : []
}

/**
 * The answer to credentials no account has: status 4 with the endpoint's text (a start's
 * "Invalid credentials were provided", the others' "Bad credentials", as the spec's examples).
 */
export function credentialsRefusal(endpoint: VerifyEndpoint): ErrorResponse {
  return {
    status: '4',
    error_text:
      endpoint === 'request' || endpoint === 'psd2'
        ? ERROR_TEXTS.invalidCredentials
        : ERROR_TEXTS.badCredentials,
  }
}

function randomDigits(length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += Math.floor(Math.random() * 10)
  return s
}

function randomHex(): string {
  let s = ''
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16)
  return s
}

const LANGUAGES = new Map<string, string>(
  [...REQUEST_LANGUAGES, ...PSD2_LANGUAGES].map((lg) => [lg, lg]),
)

/** The shared constant string of a language code (one copy for 100,000 requests). */
function internLanguage(lg: string): string {
  const lower = lg.toLowerCase()
  return LANGUAGES.get(lower) ?? lower
}

/** A copy of a record with every time moved by `delta` ms (0, "not yet", stays 0). */
function shiftTimes(r: RequestRecord, delta: number): RequestRecord {
  const move = (t: number) => (t === 0 ? 0 : t + delta || (delta > 0 ? 1 : -1))
  return {
    ...r,
    pinAt: r.pinAt + delta,
    submitted: r.submitted + delta,
    finalized: move(r.finalized),
    dueAt: r.dueAt + delta,
    events: r.events.map((e) => ({ ...e, at: e.at + delta })),
    checks: r.checks.map((c) => ({ ...c, at: c.at + delta })),
  }
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, `''` for 0. */
function formatDate(ms: number): string {
  if (!ms) return ''
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

export class Engine {
  readonly handset: Handset<RequestRecord>
  private readonly clock: () => number
  /**
   * Times inside records are ms after `base` (small integers: no boxed doubles per field, which
   * keeps 100,000 requests light for the garbage collector). Views and snapshots add it back.
   */
  private readonly base: number
  private readonly pinSource: (length: number) => string
  private readonly idSource: () => string
  private readonly uniqueIds: boolean
  private readonly eventIdSource: () => string
  private readonly accounts = new Map<string, Account>()
  private readonly defaultKey: string
  /**
   * Every request by id. A record is changed in place only while it is in progress; once finished
   * it is never changed again, and its lists (events, checks) are always replaced, never changed:
   * the state's snapshot (state-keeping.ts) shares finished records and those lists rather than
   * copying them, and drops itself if a record it shares changes all the same.
   */
  private readonly requests = new Map<string, RequestRecord>()
  /** account id → normalised number → in-progress request id. */
  private readonly inFlight = new Map<string, Map<string, string>>()
  private readonly scheduler = new Scheduler()
  private readonly testNumbers = new Map<string, string>()
  private readonly listeners = new Set<(change: EngineChange) => void>()
  private readonly maxFinished: number
  /** Ids of finished requests in the order they finished, from `finishedHead` on. */
  private finishedIds: string[] = []
  private finishedHead = 0

  constructor(options: EngineOptions) {
    this.clock = options.now
    this.maxFinished = options.maxFinishedRequests ?? DEFAULT_MAX_FINISHED_REQUESTS
    this.base = options.now() - 1
    this.pinSource = options.pin ?? randomDigits
    this.idSource = options.id ?? randomHex
    this.uniqueIds = options.uniqueIds ?? false
    this.eventIdSource = options.eventId ?? (() => this.idSource().slice(0, 16).toUpperCase())
    this.handset = new Handset<RequestRecord>(
      (id) => this.requests.get(id),
      this.base,
      options.maxMessages,
      (record, event) => this.validFor(record, event),
    )
    const throttle = options.throttlePerSecond === undefined ? 30 : options.throttlePerSecond
    const searchThrottle = options.searchPerSecond ?? null
    const configs = options.accounts?.length
      ? options.accounts
      : [DEFAULT_ACCOUNT, PIN_CODE_ACCOUNT]
    for (const c of configs) {
      const t = c.throttlePerSecond === undefined ? throttle : c.throttlePerSecond
      const searches = c.searchPerSecond === undefined ? searchThrottle : c.searchPerSecond
      this.accounts.set(c.apiKey, {
        apiKey: c.apiKey,
        apiSecret: c.apiSecret,
        accountId: c.accountId ?? c.apiKey,
        pinCodeAllowed: c.pinCodeAllowed ?? false,
        // As `PUT /__admin/throttle`: null switches it off, 0 lets no call through.
        calls: rateWindow(t),
        searches: rateWindow(searches),
      })
    }
    this.defaultKey = (configs[0] as AccountConfig).apiKey
  }

  /** The clock, as ms after `base`. */
  private now(): number {
    return this.clock() - this.base
  }

  /** A record time as a `YYYY-MM-DD HH:MM:SS` date (`''` for 0, "not yet"). */
  private date(t: number): string {
    return t ? formatDate(t + this.base) : ''
  }

  private iso(t: number): string {
    return iso(t + this.base)
  }

  /** Credentials of the default account. */
  get defaultAccount(): { apiKey: string; apiSecret: string } {
    const a = this.accounts.get(this.defaultKey) as Account
    return { apiKey: a.apiKey, apiSecret: a.apiSecret }
  }

  listAccounts(): AdminAccount[] {
    return [...this.accounts.values()].map((a) => ({
      api_key: a.apiKey,
      account_id: a.accountId,
      pin_code_allowed: a.pinCodeAllowed,
      throttle_per_second: a.calls.limit,
      search_per_second: a.searches.limit,
      is_default: a.apiKey === this.defaultKey,
    }))
  }

  /**
   * Sets the throttle of one account or (without key) of all: null switches it off, 0 lets no
   * call through (every one answers status 1, to try a client's back-off).
   */
  setThrottle(perSecond: number | null, apiKey?: string): boolean {
    return this.setLimits({ perSecond }, apiKey)
  }

  /**
   * Sets the search limit (on top of the throttle) of one account or (without key) of all: null
   * switches it off, 0 lets no search through.
   */
  setSearchThrottle(perSecond: number | null, apiKey?: string): boolean {
    return this.setLimits({ searchPerSecond: perSecond }, apiKey)
  }

  /**
   * Sets the limits given (as `setThrottle` and `setSearchThrottle`; one left out stays as it is)
   * of one account or (without key) of all. False, and nothing changed, when no account has the key.
   */
  setLimits(limits: AccountLimits, apiKey?: string): boolean {
    const one = apiKey === undefined ? undefined : this.accounts.get(apiKey)
    if (apiKey !== undefined && !one) return false
    for (const a of one ? [one] : this.accounts.values()) {
      if (limits.perSecond !== undefined) a.calls = rateWindow(limits.perSecond)
      if (limits.searchPerSecond !== undefined) a.searches = rateWindow(limits.searchPerSecond)
    }
    return true
  }

  subscribe(listener: (change: EngineChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(change: EngineChange): void {
    for (const l of this.listeners) l(change)
  }

  // ---------------------------------------------------------------- API

  /**
   * One API call: authenticate, throttle, validate, act. `params` carries `api_key`/`api_secret`
   * (the adapter adds Basic credentials there). Returns the wire body (all values strings).
   * A `background` search (the dashboard's own status polling) is not held to the search limit.
   */
  call(endpoint: VerifyEndpoint, params: Params, background = false): WireBody {
    this.runDue()
    const auth = this.authenticate(endpoint, valueOf(params.api_key), valueOf(params.api_secret))
    if ('status' in auth) return { ...auth }
    if (this.throttled(auth, endpoint === 'search' && !background)) {
      return { status: '1', error_text: ERROR_TEXTS.throttled }
    }
    switch (endpoint) {
      case 'request':
        return this.start(auth, params, false)
      case 'psd2':
        return this.start(auth, params, true)
      case 'check':
        return this.check(auth, params)
      case 'search':
        return this.search(auth, params)
      case 'control':
        return this.control(auth, params)
    }
  }

  /**
   * Whether a call outside the Verify endpoints proper (network unblock) may go on: its account's
   * credentials are right, and its account's throttle lets it through (it is counted there).
   */
  admit(params: Params): 'ok' | 'unauthorized' | 'throttled' {
    const auth = this.authenticate('request', valueOf(params.api_key), valueOf(params.api_secret))
    if ('status' in auth) return 'unauthorized'
    return this.throttled(auth, false) ? 'throttled' : 'ok'
  }

  /**
   * The answer of an injected fault (`POST /__admin/faults`) in place of the call's own, once its
   * credentials are checked (missing or wrong ones answer 2 or 4, fault or not; an injected 999
   * comes before them), shaped as the API shapes that status on that endpoint: the endpoint's text
   * (`errorText` when the fault names one), status 10 with the id of the number's request in
   * progress on the caller's account, 16 and check's 6 with the `request_id` sent, search's 101
   * with the id searched for (one id), 7 with a `network`. Nothing changes state, except for a
   * status 10 to a number with nothing in progress on the caller's account: the start is then
   * carried out first (as if an earlier start had gone through), so the id it names is a real
   * request of that account, as the API's always is.
   */
  injectedAnswer(
    endpoint: VerifyEndpoint,
    params: Params,
    fault: { status: string; errorText: string | null; network: string | null },
  ): WireBody {
    const { status } = fault
    // The credentials first, as for every answer of the API once the body is read: missing or
    // wrong ones answer 2 or 4 as they would without a fault, and an injected status speaks for
    // the caller's own account only. A 999 stands for a body that cannot be read, which comes
    // before any credential is looked at.
    let account: Account | undefined
    if (status !== '999') {
      const auth = this.authenticate(endpoint, valueOf(params.api_key), valueOf(params.api_secret))
      if ('status' in auth) return { ...auth }
      account = auth
    }
    const id = first(params.request_id) ?? ''
    const cmd = first(params.cmd)
    const starts = endpoint === 'request' || endpoint === 'psd2'
    let text: string
    switch (status) {
      case '3':
        text = ERROR_TEXTS.invalidParam(starts ? 'number' : 'request_id')
        break
      case '4':
        text = starts ? ERROR_TEXTS.invalidCredentials : ERROR_TEXTS.badCredentials
        break
      case '6':
        text =
          endpoint === 'check'
            ? ERROR_TEXTS.checkNotFound(id)
            : endpoint === 'control'
              ? ERROR_TEXTS.controlNotFound(id)
              : endpoint === 'search'
                ? ERROR_TEXTS.searchWrongParameters
                : ERROR_TEXTS.notRouted
        break
      case '19':
        // Control's own (the admin API takes 19 on control only); a call without an id gets the
        // status's general text.
        text = !id
          ? DEFAULT_ERROR_TEXT['19']
          : cmd === 'cancel'
            ? ERROR_TEXTS.cancelTooEarly(id)
            : ERROR_TEXTS.noMoreEvents(id)
        break
      default:
        // The admin API takes only the statuses of FAULT_STATUSES, every one a non-zero status.
        text = DEFAULT_ERROR_TEXT[status as Exclude<StatusCode, '0'>]
    }
    const error_text = fault.errorText ?? text
    if (status === '10' && starts && account) {
      const running = this.inFlightId(account, params)
      if (running) return { request_id: running, status, error_text }
      const started = this.call(endpoint, params)
      if (started.status !== '0') return started // refused on its own (credentials, parameters)
      return { request_id: started.request_id, status, error_text }
    }
    if ((status === '16' || status === '6') && endpoint === 'check' && id) {
      return { request_id: id, status, error_text }
    }
    if (status === '101' && endpoint === 'search') {
      // The API's 101 names the id searched for when one was; a search of several names none.
      const ids = searchIds(params)
      if (ids.length === 1) return { request_id: ids[0], status, error_text }
    }
    if (status === '7' && starts) {
      return { status, error_text, network: fault.network ?? DEFAULT_FAULT_NETWORK }
    }
    return { status, error_text }
  }

  /** The id of the request in progress to the call's number on `account` (the caller's own). */
  private inFlightId(account: Account, params: Params): string | undefined {
    const raw = first(params.number)
    const country = first(params.country)
    const number = raw ? sandboxNumber(raw, country) : null
    if (!number) return undefined
    return this.inFlight.get(account.accountId)?.get(number)
  }

  private authenticate(
    endpoint: VerifyEndpoint,
    apiKey: ParamValue,
    apiSecret: ParamValue,
  ): Account | ErrorResponse {
    if (!apiKey) return { status: '2', error_text: ERROR_TEXTS.missingApiKey }
    if (!apiSecret) return { status: '2', error_text: ERROR_TEXTS.missingApiSecret }
    // A JSON array or object sent as a key or secret is credentials no account has.
    if (apiKey === NOT_SCALAR || apiSecret === NOT_SCALAR) return credentialsRefusal(endpoint)
    const account = this.accounts.get(apiKey)
    if (!account || account.apiSecret !== apiSecret) return credentialsRefusal(endpoint)
    return account
  }

  /**
   * Whether a call is over its account's limits (status 1), on the sandbox clock; a call let
   * through is counted (a search in both windows), a refused one in neither.
   */
  private throttled(account: Account, search: boolean): boolean {
    const { calls, searches } = account
    if (calls.limit === null && (!search || searches.limit === null)) return false
    const now = this.now()
    if (overLimit(calls, now) || (search && overLimit(searches, now))) return true
    countCall(calls, now)
    if (search) countCall(searches, now)
    return false
  }

  private start(account: Account, raw: Params, psd2: boolean): WireBody {
    let given = raw as Record<string, ParamValue>
    for (const key in raw) {
      if (Array.isArray(raw[key])) {
        // A repeated parameter counts with its first value.
        given = Object.create(null) as Record<string, ParamValue>
        for (const k in raw) given[k] = valueOf(raw[k])
        break
      }
    }
    // The number is read once: by the validation, which keeps what it read.
    let read: string | null = null
    const error = validateRequestParams(
      given,
      psd2 ? 'psd2' : 'request',
      (text, country) => {
        read = sandboxNumber(text, country)
        return read
      },
      knownCountry,
    )
    if (error) return { status: error.status, error_text: error.error_text }
    // Every parameter of the start read below was judged, so none is a structured value.
    const p = given as Record<string, string | undefined>
    if (!psd2 && p.pin_code && !account.pinCodeAllowed) {
      return { status: '20', error_text: ERROR_TEXTS.pinCodeNotAllowed }
    }
    const country = p.country ? p.country.toUpperCase() : ''
    const number = read as string | null
    if (number === null) return { status: '3', error_text: ERROR_TEXTS.invalidParam('number') }
    const existing = this.inFlight.get(account.accountId)?.get(number)
    if (existing) {
      return { request_id: existing, status: '10', error_text: ERROR_TEXTS.concurrent }
    }
    const now = this.now()
    const nextEventWait = p.next_event_wait ? Number(p.next_event_wait) : undefined
    const pinExpiryParam = p.pin_expiry ? Number(p.pin_expiry) : undefined
    const workflow = (p.workflow_id ? Number(p.workflow_id) : 1) as WorkflowId
    const pinExpiry = effectivePinExpiry(pinExpiryParam, nextEventWait)
    const customPin = (!psd2 && p.pin_code) || undefined
    // A custom pin_code, or else a test number's PIN, is sent as it is whatever code_length asks
    // for: the request's code length is that PIN's (in characters), the length a check must have.
    const testPin = customPin ? undefined : this.testNumbers.get(number)
    const fixed = customPin || testPin
    const record: RequestRecord = {
      id: this.newId(),
      accountId: account.accountId,
      psd2,
      number,
      rawNumber: p.number === number ? number : (p.number as string),
      country,
      brand: psd2 ? '' : (p.brand as string),
      senderId: psd2 ? '' : givenText('sender_id', p.sender_id),
      payee: psd2 ? (p.payee as string) : '',
      // The payment in euros and cents (`12.5` is `12.50`): what the payer confirms.
      amount: psd2 ? (euroAmount(p.amount as string) ?? '') : '',
      // No lg (or an empty one): the language of the number's country, as the API does.
      lg: p.lg ? internLanguage(p.lg) : languageOfNumber(number, psd2 ? 'psd2' : 'request'),
      workflow,
      codeLength: fixed ? [...fixed].length : p.code_length ? Number(p.code_length) : 4,
      pinExpiry,
      nextEventWait: nextEventWait ?? 0,
      pin: fixed || '',
      fixedPin: Boolean(fixed),
      pinAt: now,
      wrong: 0,
      status: 'IN PROGRESS',
      submitted: now,
      finalized: 0,
      next: 0,
      dueAt: now,
      events: NONE,
      checks: NONE,
    }
    this.requests.set(record.id, record)
    this.setInFlight(record)
    this.fire(record, now)
    return { request_id: record.id, status: '0' }
  }

  private check(account: Account, raw: Params): WireBody {
    const requestId = valueOf(raw.request_id)
    const code = valueOf(raw.code)
    // A code is judged in the alphabet of the request's PIN (digits, or a custom PIN's kinds of
    // characters), once the request is known to be this account's.
    const known = typeof requestId === 'string' ? this.requests.get(requestId) : undefined
    const pin = known && known.accountId === account.accountId ? known.pin : undefined
    const error = validateCheckParams({ request_id: requestId, code }, pin)
    if (error) return { status: error.status, error_text: error.error_text }
    const id = requestId as string
    const record = known
    if (!record || record.accountId !== account.accountId || record.status !== 'IN PROGRESS') {
      return { request_id: id, status: '6', error_text: ERROR_TEXTS.checkNotFound(id) }
    }
    const now = this.now()
    const valid = record.pin === code && now < record.pinAt + record.pinExpiry * 1000
    record.checks = append(record.checks, { at: now, code: code as string, ok: valid })
    if (valid) {
      this.finish(record, 'SUCCESS', now)
      const price = priceFor(record.number)
      const last = record.events[record.events.length - 1] as EventRecord
      return {
        request_id: id,
        event_id: last.id,
        status: '0',
        price: price.price,
        currency: SANDBOX_CURRENCY,
        estimated_price_messages_sent: this.messagesPrice(record, price),
      }
    }
    record.wrong++
    if (record.wrong >= MAX_WRONG) {
      this.finish(record, 'FAILED', now)
      return { status: '17', error_text: ERROR_TEXTS.tooManyWrongCodes }
    }
    this.emit({ type: 'request', record })
    return { request_id: id, status: '16', error_text: ERROR_TEXTS.wrongCode }
  }

  private search(account: Account, raw: Params): WireBody {
    const single = valueOf(raw.request_id)
    if (single === NOT_SCALAR || (!single && raw.request_ids === NOT_SCALAR)) {
      const param = single === NOT_SCALAR ? 'request_id' : 'request_ids'
      return { status: '3', error_text: ERROR_TEXTS.invalidParam(param) }
    }
    if (single) return this.searchOne(account, single)
    const ids = searchIds(raw)
    if (ids.length === 0) {
      return { status: '2', error_text: ERROR_TEXTS.missingParam('request_id') }
    }
    if (ids.length > LIMITS.searchMaxIds) {
      return { status: '18', error_text: ERROR_TEXTS.tooManyRequestIds }
    }
    if (ids.length === 1) return this.searchOne(account, ids[0] as string)
    const found: VerificationRequest[] = []
    for (const id of ids) {
      const record = this.requests.get(id)
      if (record && record.accountId === account.accountId) found.push(this.searchView(record))
    }
    if (found.length === 0) return { status: '101', error_text: ERROR_TEXTS.noResponseFound }
    return { verification_requests: found }
  }

  private searchOne(account: Account, id: string): WireBody {
    const record = this.requests.get(id)
    if (!record || record.accountId !== account.accountId) {
      return { request_id: id, status: '101', error_text: ERROR_TEXTS.noResponseFound }
    }
    return this.searchView(record) as unknown as WireBody
  }

  private control(account: Account, raw: Params): WireBody {
    const requestId = valueOf(raw.request_id)
    const cmd = valueOf(raw.cmd)
    const error = validateControlParams({ request_id: requestId, cmd })
    if (error) return { status: error.status, error_text: error.error_text }
    const id = requestId as string
    const record = this.requests.get(id)
    if (!record || record.accountId !== account.accountId || record.status !== 'IN PROGRESS') {
      return { status: '6', error_text: ERROR_TEXTS.controlNotFound(id) }
    }
    const now = this.now()
    if (cmd === 'cancel') {
      // Too late first: once a second event has gone out (trigger_next_event can send it within
      // the first 30 s), waiting would not help, so "wait 30 s" would mislead.
      if (record.events.length >= 2) {
        return { status: '19', error_text: ERROR_TEXTS.cancelTooLate(id) }
      }
      if (now - record.submitted < CANCEL_AFTER_MS) {
        return { status: '19', error_text: ERROR_TEXTS.cancelTooEarly(id) }
      }
      this.finish(record, 'CANCELLED', now)
      return { status: '0', command: 'cancel' }
    }
    if (record.next >= WORKFLOWS[record.workflow].steps.length) {
      return { status: '19', error_text: ERROR_TEXTS.noMoreEvents(id) }
    }
    this.fire(record, now)
    return { status: '0', command: 'trigger_next_event' }
  }

  // ---------------------------------------------------------------- timeline

  /** Sends the next event of a request at time `at` and schedules what follows. */
  private fire(record: RequestRecord, at: number): void {
    const index = record.next
    const step = WORKFLOWS[record.workflow].steps[index]
    if (!step) return
    const newPin = index === 0 || at - record.pinAt >= record.pinExpiry * 1000
    if (newPin) {
      if (!record.fixedPin) record.pin = this.pinSource(record.codeLength)
      record.pinAt = at
      record.wrong = 0
    }
    const event: EventRecord = {
      id: this.newEventId(),
      rid: record.id,
      type: step.channel,
      at,
      pin: record.pin,
      newPin,
    }
    record.events = append(record.events, event)
    record.next = index + 1
    record.dueAt = at + this.waitAfter(record, index) * 1000
    this.scheduler.push(record.dueAt, record.id)
    this.handset.add(event)
    this.emit({ type: 'message', record, event })
    this.emit({ type: 'request', record })
  }

  /**
   * Seconds the PIN of a message can really be used from that message on, the validity its text
   * states: the PIN's own remaining lifetime (issued at + `pin_expiry` − message time), or less
   * when the request ends first if nothing else happens (the waits of the workflow left from that
   * event on, as `fire` schedules them; `pin_expiry` for workflows 6 and 7). Whole seconds,
   * rounded down. Worked out from the request's events when a text is written: nothing is kept
   * per message.
   */
  private validFor(record: RequestRecord, event: SentEvent): number {
    const events = record.events
    let index = events.length - 1
    while (index > 0 && events[index] !== event) index--
    let issued = index
    while (issued > 0 && !events[issued]?.newPin) issued--
    const pinLeft = (events[issued]?.at ?? event.at) + record.pinExpiry * 1000 - event.at
    const requestLeft = this.restMs(record, index)
    return Math.max(0, Math.floor(Math.min(pinLeft, requestLeft) / 1000))
  }

  /**
   * Ms of the workflow left from event `index` on if nothing else happens: the waits after that
   * event and every later one, as `fire` schedules them (`pin_expiry` for workflows 6 and 7).
   */
  private restMs(record: RequestRecord, index: number): number {
    const steps = WORKFLOWS[record.workflow].steps.length
    let ms = 0
    for (let i = index; i < steps; i++) ms += this.waitAfter(record, i) * 1000
    return ms
  }

  /** Seconds to wait after event `index` (no allocation: this runs for every event). */
  private waitAfter(record: RequestRecord, index: number): number {
    const workflow = WORKFLOWS[record.workflow]
    if (workflow.expiresWithPin) return record.pinExpiry
    return record.nextEventWait || (workflow.steps[index]?.wait ?? 0)
  }

  private finish(record: RequestRecord, status: SearchStatus, at: number): void {
    record.status = status
    record.finalized = at
    const numbers = this.inFlight.get(record.accountId)
    if (numbers?.get(record.number) === record.id) numbers.delete(record.number)
    this.emit({ type: 'request', record })
    this.finishedIds.push(record.id)
    this.forgetOldFinished()
  }

  /**
   * Forgets the requests that finished first while more than `maxFinished` are kept: O(1) per
   * request forgotten (their messages leave the handset in batches).
   */
  private forgetOldFinished(): void {
    let excess = this.finishedIds.length - this.finishedHead - this.maxFinished
    if (excess <= 0) return
    const ids: string[] = []
    let messages = 0
    while (excess-- > 0) {
      const id = this.finishedIds[this.finishedHead++] as string
      const record = this.requests.get(id)
      if (!record) continue
      this.requests.delete(id)
      messages += record.events.length
      ids.push(id)
    }
    if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finishedIds.length) {
      this.finishedIds = this.finishedIds.slice(this.finishedHead)
      this.finishedHead = 0
    }
    this.handset.forgot(messages)
    if (ids.length > 0) this.emit({ type: 'forget', ids })
  }

  /** Fires every event and expiry due at `now` (default: the clock), in time order. */
  runDue(at?: number): number {
    const now = at === undefined ? this.now() : at - this.base
    let fired = 0
    for (;;) {
      const entry = this.scheduler.popDue(now)
      if (!entry) break
      const record = this.requests.get(entry.id)
      if (!record || record.status !== 'IN PROGRESS' || record.dueAt !== entry.at) continue
      fired++
      if (record.next < WORKFLOWS[record.workflow].steps.length) this.fire(record, entry.at)
      else this.finish(record, 'EXPIRED', entry.at)
    }
    return fired
  }

  /** Clock time of the earliest scheduled entry (may be stale; running it is harmless). */
  nextDueAt(): number | undefined {
    const t = this.scheduler.peek()
    return t === undefined ? undefined : t + this.base
  }

  get scheduledCount(): number {
    return this.scheduler.size
  }

  private setInFlight(record: RequestRecord): void {
    let numbers = this.inFlight.get(record.accountId)
    if (!numbers) this.inFlight.set(record.accountId, (numbers = new Map()))
    numbers.set(record.number, record.id)
  }

  private newId(): string {
    const id = this.idSource()
    // Random bits never collide in practice; a test id source might.
    return !this.uniqueIds && this.requests.has(id) ? this.newId() : id
  }

  private newEventId(): string {
    return this.eventIdSource()
  }

  private messagesPrice(record: RequestRecord, entry = priceFor(record.number)): string {
    const price = messagePrices(entry)
    let sum = 0
    for (const e of record.events) sum += e.type === 'sms' ? price.sms : price.tts
    return formatPrice(sum)
  }

  // ---------------------------------------------------------------- views

  searchView(record: RequestRecord): VerificationRequest {
    const firstEvent = record.events[0]
    const lastEvent = record.events[record.events.length - 1]
    return {
      request_id: record.id,
      account_id: record.accountId,
      number: record.number,
      sender_id: record.psd2 ? 'verify' : record.senderId || 'verify',
      date_submitted: this.date(record.submitted),
      date_finalized: this.date(record.finalized),
      checks: record.checks.map((c) => ({
        date_received: this.date(c.at),
        code: c.code,
        status: c.ok ? 'VALID' : 'INVALID',
        ip_address: '',
      })),
      first_event_date: firstEvent ? this.date(firstEvent.at) : '',
      last_event_date: lastEvent ? this.date(lastEvent.at) : '',
      price: record.status === 'SUCCESS' ? priceFor(record.number).price : '0',
      currency: SANDBOX_CURRENCY,
      status: record.status,
      estimated_price_messages_sent: this.messagesPrice(record),
      // `id` before `type`, as the API's search answers and the spec's example have them.
      events: record.events.map((e) => ({ id: e.id, type: e.type })),
    }
  }

  adminView(record: RequestRecord): AdminRequest {
    const inProgress = record.status === 'IN PROGRESS'
    const steps = WORKFLOWS[record.workflow].steps.length
    const price = priceFor(record.number)
    // The next event's time (or the expiry's, when none is left) and the waits from it on.
    const expiresAt = inProgress ? record.dueAt + this.restMs(record, record.next) : null
    return {
      request_id: record.id,
      account_id: record.accountId,
      kind: record.psd2 ? 'psd2' : 'request',
      number: record.rawNumber,
      normalized_number: record.number,
      country: record.country,
      brand: record.brand,
      sender_id: record.senderId,
      payee: record.payee,
      amount: record.amount,
      lg: record.lg,
      workflow_id: record.workflow,
      code_length: record.codeLength,
      pin_expiry: record.pinExpiry,
      next_event_wait: record.nextEventWait || null,
      pin: record.pin,
      pin_generated_at: this.iso(record.pinAt),
      attempts_left: inProgress ? MAX_WRONG - record.wrong : 0,
      status: record.status,
      date_submitted: this.date(record.submitted),
      date_finalized: this.date(record.finalized),
      submitted_at: this.iso(record.submitted),
      finalized_at: record.finalized ? this.iso(record.finalized) : null,
      next_event_at: inProgress && record.next < steps ? this.iso(record.dueAt) : null,
      expires_at: expiresAt === null ? null : this.iso(expiresAt),
      events: record.events.map((e, index) => ({
        id: e.id,
        type: e.type,
        index,
        sent_at: this.iso(e.at),
        new_pin: e.newPin,
        price: e.type === 'sms' ? price.sms : price.tts,
      })),
      checks: record.checks.map((c) => ({
        date_received: this.date(c.at),
        received_at: this.iso(c.at),
        code: c.code,
        status: c.ok ? 'VALID' : 'INVALID',
      })),
      price: record.status === 'SUCCESS' ? price.price : '0',
      currency: SANDBOX_CURRENCY,
      estimated_price_messages_sent: this.messagesPrice(record),
    }
  }

  // ---------------------------------------------------------------- admin

  getRequest(id: string): RequestRecord | undefined {
    return this.requests.get(id)
  }

  /**
   * The account ids an admin `account` filter names: the value as an `account_id`, and the
   * `account_id` of the account whose API key it is (`sandbox-pin` names `sandboxpin`).
   */
  accountIdsFor(account: string): ReadonlySet<string> {
    const byKey = this.accounts.get(account)?.accountId
    return new Set(byKey === undefined ? [account] : [account, byKey])
  }

  /** Requests matching the filter, newest first. */
  listRequests(filter: RequestFilter = {}): { records: RequestRecord[]; total: number } {
    const number = filter.number ? (normalizeNumber(filter.number) ?? filter.number) : undefined
    const status = filter.status === undefined ? undefined : statusFilterOf(filter.status)
    const accounts = filter.account ? this.accountIdsFor(filter.account) : undefined
    const ids = filter.request_id === undefined ? undefined : new Set([filter.request_id].flat())
    const matches: RequestRecord[] = []
    const all = [...this.requests.values()]
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i] as RequestRecord
      if (ids && !ids.has(r.id)) continue
      if (number && r.number !== number) continue
      if (status && r.status !== status) continue
      if (accounts && !accounts.has(r.accountId)) continue
      matches.push(r)
    }
    const offset = filter.offset ?? 0
    const limit = filter.limit ?? 100
    return { records: matches.slice(offset, offset + limit), total: matches.length }
  }

  get requestCount(): number {
    return this.requests.size
  }

  /** The ids of every request held (no record copied). */
  requestIds(): IterableIterator<string> {
    return this.requests.keys()
  }

  listTestNumbers(): TestNumber[] {
    return [...this.testNumbers].map(([number, pin]) => ({ number, pin }))
  }

  /** Registers a number whose verifications always get `pin`. Returns the stored entry or null. */
  setTestNumber(number: string, pin: string): TestNumber | null {
    const normalized = normalizeNumber(number)
    if (!normalized) return null
    this.testNumbers.set(normalized, pin)
    this.emit({ type: 'test-numbers' })
    return { number: normalized, pin }
  }

  deleteTestNumber(number: string): boolean {
    const normalized = normalizeNumber(number) ?? number
    const deleted = this.testNumbers.delete(normalized)
    if (deleted) this.emit({ type: 'test-numbers' })
    return deleted
  }

  clearTestNumbers(): void {
    this.testNumbers.clear()
    this.emit({ type: 'test-numbers' })
  }

  /** Forgets every request and message (test numbers and accounts stay). */
  reset(): void {
    this.requests.clear()
    this.finishedIds = []
    this.finishedHead = 0
    this.inFlight.clear()
    this.scheduler.clear()
    this.handset.clear()
    for (const a of this.accounts.values()) {
      a.calls = rateWindow(a.calls.limit)
      a.searches = rateWindow(a.searches.limit)
    }
    this.emit({ type: 'reset' })
  }

  /** One request with absolute times (ms since the epoch), as in a snapshot. */
  exportRecord(record: RequestRecord): RequestRecord {
    return shiftTimes(record, this.base)
  }

  /** The state with absolute times (ms since the epoch), for saving. */
  snapshot(): EngineSnapshot {
    return {
      version: 1,
      requests: [...this.requests.values()].map((r) => this.exportRecord(r)),
      testNumbers: this.listTestNumbers(),
    }
  }

  /** Replaces the state with a snapshot (as written by `snapshot()`). */
  restore(snapshot: EngineSnapshot): void {
    this.requests.clear()
    this.inFlight.clear()
    this.scheduler.clear()
    // A PSD2 amount saved as it was sent (`12.5`) is kept as its messages state it (`12.50`).
    let records = snapshot.requests.map((r) =>
      shiftTimes(r.psd2 ? { ...r, amount: euroAmount(r.amount) ?? r.amount } : r, -this.base),
    )
    // The finished ones in the order they finished; past the limit the first of them are dropped.
    const finished = records
      .filter((r) => r.status !== 'IN PROGRESS')
      .sort((a, b) => a.finalized - b.finalized)
    const dropped = new Set(
      finished.slice(0, Math.max(0, finished.length - this.maxFinished)).map((r) => r.id),
    )
    if (dropped.size > 0) records = records.filter((r) => !dropped.has(r.id))
    this.finishedIds = finished.filter((r) => !dropped.has(r.id)).map((r) => r.id)
    this.finishedHead = 0
    for (const r of records) {
      this.requests.set(r.id, r)
      if (r.status === 'IN PROGRESS') {
        this.setInFlight(r)
        this.scheduler.push(r.dueAt, r.id)
      }
    }
    this.handset.rebuild(records.flatMap((r) => r.events))
    this.testNumbers.clear()
    for (const t of snapshot.testNumbers) this.testNumbers.set(t.number, t.pin)
  }
}

/** A request status as a filter names it: any case, `_` for the space (`in_progress`). */
export function statusFilterOf(text: string): string {
  return text.toUpperCase().replace('_', ' ')
}
