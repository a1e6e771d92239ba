/**
 * The Verify v1 sandbox: `createSandbox()` wires the pure engine to a virtual clock, one timer,
 * faults, persistence and the HTTP adapter, and exposes it as a web-standard `fetch` handler and a
 * connect/node middleware.
 *
 * The pieces it wires live beside it: engine.ts (the state machine, given crypto-random ids and
 * PINs by ids.ts), http.ts and admin.ts (the calls), state-keeping.ts (the state file: lock,
 * journal, snapshots, waiting for a file another process holds) and adapters.ts (fetch and node).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fetchAdapter, nodeAdapter } from './adapters.ts'
import { ERROR_TEXTS, type AdminClock } from '../../contract/index.ts'
import { messageView } from './handset.ts'
import { Engine } from './engine.ts'
import type { AccountConfig } from './engine.ts'
import { Faults } from './faults.ts'
import { VirtualClock } from './context.ts'
import type { SandboxContext, SandboxPersistence } from './context.ts'
import { HEADER_LIMIT, handleCall, httpError, jsonAnswer } from './http.ts'
import type { Answer, Call } from './http.ts'
import type { Logger } from './persistence.ts'
import { cryptoEventId, cryptoId, cryptoPin } from './ids.ts'
import { createTimer } from './scheduler.ts'
import { chooseStateFile, keepState } from './state-keeping.ts'

export { StateFileInUseError } from './state-keeping.ts'
/** The HTTP header limit a server hosting the sandbox needs (so a 16 KB URI gets its 414). */
export { HEADER_LIMIT as SANDBOX_HEADER_LIMIT }
export type { AccountConfig, SandboxPersistence }

export interface SandboxOptions {
  /**
   * Accounts (each API key is its own account), or a string `key:secret[:pin_code],key2:secret2`.
   * The first is the default account.
   * @default [DEFAULT_ACCOUNT (sandbox / sandbox-secret), PIN_CODE_ACCOUNT (sandbox-pin / sandbox-pin-secret)]
   */
  accounts?: AccountConfig[] | string
  /**
   * Calls per second per account before status 1; `null` switches throttling off, 0 lets no
   * call through (every Verify call answers status 1, as `PUT /__admin/throttle` with 0).
   * @default 30
   */
  throttlePerSecond?: number | null
  /**
   * Searches per second per account before status 1, on top of `throttlePerSecond` (the 2018
   * docs' "the Verify Search API is rate limited to one request per second"), to try a client's
   * back-off: `null` switches it off, 0 lets no search through (as `PUT /__admin/throttle` with
   * `search_per_second`). The dashboard's own status polling is not held to it.
   * @default null (off)
   */
  searchPerSecond?: number | null
  /**
   * File the state is written to; `false` keeps it in memory only.
   * @default SANDBOX_STATE_FILE, else '.data/sandbox/state.json' (relative to the working
   * directory); in memory under Vitest
   */
  stateFile?: string | false
  /**
   * When another running process holds the state file (its `<file>.lock`): `'memory'` keeps this
   * sandbox's state in memory only, with one warning; `'refuse'` throws a StateFileInUseError.
   * @default 'memory'
   */
  whenStateFileInUse?: 'memory' | 'refuse'
  /**
   * Largest accepted request body in bytes (HTTP 413 above).
   * @default 65536
   */
  bodyLimit?: number
  /**
   * Real-time clock in ms; the sandbox clock is this plus the offset moved by the admin API.
   * @default Date.now
   */
  now?: () => number
  /** PIN source (tests). @default crypto-random digits */
  pin?: (length: number) => string
  /** Log sink for warnings (damaged state file...). @default console */
  logger?: Logger
  /** Debounce of state writes in ms. @default 250 */
  saveDelayMs?: number
  /** Keep-alive interval of the admin event stream in ms. @default 15000 */
  keepAliveMs?: number
  /**
   * Bytes of events the admin event stream holds for a client that stops reading but keeps its
   * connection open (a suspended tab): past them that client's stream is ended, and it connects
   * again and reads the state anew (as the dashboard does). @default 1048576
   */
  eventBacklogBytes?: number
  /** Handset messages kept. @default 200000 */
  maxMessages?: number
  /**
   * Finished requests kept (SUCCESS, FAILED, EXPIRED, CANCELLED), in memory and in the state
   * file: past it the one that finished first is forgotten (search then answers 101 and check 6
   * for it, as for an unknown request). Requests in progress are always kept. @default 20000
   */
  maxFinishedRequests?: number
}

export interface Sandbox {
  /** Web-standard handler; paths relative to the sandbox root: '/verify/json', '/__admin/requests'. */
  fetch(request: Request): Promise<Response>
  /** The same in-process, without HTTP or web streams (the proxy's path to the embedded sandbox). */
  handle(call: Call): Answer | Promise<Answer>
  /** connect/node handler for the same; req.url is relative to the mount point (connect strips it). */
  middleware(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void
  /** The default account, for the proxy and the start-up banner. */
  defaultAccount: { apiKey: string; apiSecret: string }
  /** Whether and where the state is saved (also in the admin API's `GET /__admin/`). */
  persistence: SandboxPersistence
  /** How many admin event streams are subscribed now (one per connected client). */
  eventStreams(): number
  close(): Promise<void>
}

const DEFAULT_BODY_LIMIT = 65_536
const DEFAULT_EVENT_BACKLOG_BYTES = 1_048_576

/** The earlier of two times, either of which may be missing. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b)
}

/** Parses `key:secret[:pin_code],key2:secret2` into accounts. */
function parseAccounts(spec: string): AccountConfig[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [apiKey = '', apiSecret = '', ...flags] = entry.split(':')
      if (!apiKey || !apiSecret)
        throw new Error(`Bad sandbox account "${entry}" (want key:secret).`)
      return { apiKey, apiSecret, pinCodeAllowed: flags.includes('pin_code') }
    })
}

/**
 * The variable that sets `searchPerSecond`: read by `npm run sandbox` from the environment, and by
 * the app server (`npm run dev`, `npm run serve`) from the environment or `.env.local`.
 */
export const SEARCH_PER_SECOND_VAR = 'SANDBOX_SEARCH_PER_SECOND'

/**
 * A search limit written as text (a flag or a variable, named by `source`): a whole number of
 * searches per second, 0 or more. Anything else throws an Error that says so.
 */
export function parseSearchPerSecond(text: string, source: string): number {
  return parseWholeNumber(text, source, 0, 'searches per second')
}

/**
 * `value` as a whole number of `what`, `min` or more and at most nine digits: text (a flag, a
 * variable; spaces around it ignored) or a number given in code. Throws an Error naming `source`
 * and what it allows (`orElse`: another value it takes, such as "null for no limit") if not.
 */
function parseWholeNumber(
  value: string | number,
  source: string,
  min: number,
  what: string,
  orElse?: string,
): number {
  const text = typeof value === 'string' ? value.trim() : String(value)
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < min) {
    const allowed = `${min} or more${orElse ? `, or ${orElse}` : ''}`
    const given = typeof value === 'string' ? `"${value}"` : String(value)
    throw new Error(`${source} must be a whole number of ${what} (${allowed}), not ${given}.`)
  }
  return Number(text)
}

/** The limits among the options, each checked as `parseWholeNumber` reads it (code's number). */
function checkLimits(options: SandboxOptions): void {
  const check = (
    value: number | null | undefined,
    name: string,
    min: number,
    what: string,
    nullable = false,
  ) => {
    if (value === undefined || (nullable && value === null)) return
    const source = `The sandbox option ${name}`
    const orElse = nullable ? 'null for no limit' : undefined
    // In code a limit is a number (text is read by the flag and variable parsers only).
    if (typeof value !== 'number') {
      const allowed = `a number${orElse ? ` or ${orElse}` : ''}`
      throw new Error(
        `${source} must be ${allowed}, not ${JSON.stringify(value) ?? String(value)}.`,
      )
    }
    parseWholeNumber(value, source, min, what, orElse)
  }
  check(options.throttlePerSecond, 'throttlePerSecond', 0, 'calls per second', true)
  check(options.searchPerSecond, 'searchPerSecond', 0, 'searches per second', true)
  check(options.maxFinishedRequests, 'maxFinishedRequests', 1, 'finished requests to keep')
  check(options.maxMessages, 'maxMessages', 1, 'handset messages to keep')
  check(options.eventBacklogBytes, 'eventBacklogBytes', 1, 'bytes')
  check(options.bodyLimit, 'bodyLimit', 1, 'bytes')
  check(options.saveDelayMs, 'saveDelayMs', 0, 'milliseconds')
  // A timer of 0 ms would spin; one past 2^31 - 1 ms would fire at once.
  check(options.keepAliveMs, 'keepAliveMs', 1, 'milliseconds')
  if (!Array.isArray(options.accounts)) return
  options.accounts.forEach((account, i) => {
    const name = `accounts[${i}].`
    check(account.throttlePerSecond, `${name}throttlePerSecond`, 0, 'calls per second', true)
    check(account.searchPerSecond, `${name}searchPerSecond`, 0, 'searches per second', true)
  })
}

/**
 * The options with `searchPerSecond` from SANDBOX_SEARCH_PER_SECOND and `maxFinishedRequests`
 * from SANDBOX_MAX_FINISHED_REQUESTS in `env` when they name none (options given in code win, as
 * for the state file); throws when a variable is not a whole number.
 */
export function withSandboxLimitsFromEnv(
  options: SandboxOptions,
  env: Record<string, string | undefined>,
): SandboxOptions {
  let result = options
  const searches = env[SEARCH_PER_SECOND_VAR]
  if (options.searchPerSecond === undefined && searches) {
    result = { ...result, searchPerSecond: parseSearchPerSecond(searches, SEARCH_PER_SECOND_VAR) }
  }
  const kept = env[MAX_FINISHED_VAR]
  if (options.maxFinishedRequests === undefined && kept) {
    result = { ...result, maxFinishedRequests: parseMaxFinished(kept, MAX_FINISHED_VAR) }
  }
  return result
}

/**
 * The variable that sets `maxFinishedRequests`: read like SANDBOX_SEARCH_PER_SECOND (by
 * `npm run sandbox` from the environment, by the app server from it or `.env.local`).
 */
export const MAX_FINISHED_VAR = 'SANDBOX_MAX_FINISHED_REQUESTS'

/**
 * A number of finished requests to keep written as text (a flag or a variable, named by
 * `source`): a whole number, 1 or more. Anything else throws an Error that says so.
 */
export function parseMaxFinished(text: string, source: string): number {
  return parseWholeNumber(text, source, 1, 'finished requests to keep')
}

/** The sandbox; throws an Error naming the option when a limit among `options` is not allowed. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  checkLimits(options)
  const logger: Logger = options.logger ?? {
    info: (m) => console.info(m),
    warn: (m) => console.warn(m),
  }
  const accounts =
    typeof options.accounts === 'string' ? parseAccounts(options.accounts) : options.accounts
  const clock = new VirtualClock(options.now ?? Date.now)
  const engine = new Engine({
    now: clock.now,
    pin: options.pin ?? cryptoPin,
    id: cryptoId,
    uniqueIds: true,
    eventId: cryptoEventId,
    accounts,
    throttlePerSecond: options.throttlePerSecond,
    searchPerSecond: options.searchPerSecond,
    maxMessages: options.maxMessages,
    maxFinishedRequests: options.maxFinishedRequests,
  })
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const listeners = new Set<(event: string, data: unknown) => void>()
  const publish = (event: string, data: unknown) => {
    for (const l of listeners) l(event, data)
  }
  // Every change of the faults (added, used, used up, removed, cleared, an unblock begun or over):
  // the whole list. The timer is armed again for the end of an unblock.
  const faults: Faults = new Faults(() => {
    arm()
    if (listeners.size > 0) publish('faults', { faults: faults.list() })
  }, clock.now)

  const state = keepState({
    file: chooseStateFile(options.stateFile),
    whenStateFileInUse: options.whenStateFileInUse,
    engine,
    clock,
    logger,
    saveDelayMs: options.saveDelayMs,
    onHandedOver: () => timer.stop(),
    onTakenOver(kept) {
      arm()
      if (listeners.size === 0) return
      // Live views (the admin event stream) learn of what the file brought in.
      const had = new Set(kept.engine.requests.map((r) => r.id))
      for (const id of engine.requestIds()) {
        const record = had.has(id) ? undefined : engine.getRequest(id)
        if (record) publish('request', engine.adminView(record))
      }
      publish('test-numbers', { test_numbers: engine.listTestNumbers() })
      publish('clock', clockView())
    },
  })

  const timer = createTimer(clock.now, () => {
    engine.runDue()
    faults.runDue()
    state.flush()
    arm()
  })
  /** The one timer, for what falls due first: a request's event or expiry, an unblock's end. */
  const arm = () => timer.arm(earliest(engine.nextDueAt(), faults.nextDueAt()))

  engine.subscribe((change) => {
    state.changed(change)
    if (listeners.size === 0) return
    if (change.type === 'request') publish('request', engine.adminView(change.record))
    else if (change.type === 'message') {
      const message = engine.handset.materialise(change.event)
      if (message) publish('message', messageView(message))
    } else if (change.type === 'reset') {
      publish('reset', { at: new Date(clock.now()).toISOString() })
    } else if (change.type === 'test-numbers') {
      publish('test-numbers', { test_numbers: engine.listTestNumbers() })
    }
  })

  const clockView = (): AdminClock => {
    const now = clock.now()
    const next = engine.nextDueAt()
    return {
      now: new Date(now).toISOString(),
      now_ms: now,
      offset_ms: clock.offsetMs,
      next_due_at: next === undefined ? null : new Date(Math.max(next, now)).toISOString(),
    }
  }

  const ctx: SandboxContext = {
    engine,
    faults,
    clock,
    bodyLimit,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    eventBacklogBytes: options.eventBacklogBytes ?? DEFAULT_EVENT_BACKLOG_BYTES,
    // Asked for by `GET /__admin/`: a file free again is taken over first, so the answer is current.
    get persistence() {
      return state.currentPersistence()
    },
    changed: arm,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    advanceClock(seconds) {
      clock.advance(Math.round(seconds * 1000))
      state.clockMoved()
      engine.runDue()
      faults.runDue()
      arm()
      state.schedule()
      const view = clockView()
      publish('clock', view)
      return view
    },
    clockView,
    reset({ testNumbers }) {
      engine.reset()
      if (testNumbers) engine.clearTestNumbers()
      faults.clear()
      clock.offsetMs = 0
      state.clockMoved()
      arm()
      state.schedule()
      publish('clock', clockView())
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }

  arm()
  let closed = false

  const internalError = (call: Call, error: unknown): Answer => {
    logger.warn(`sandbox: internal error on ${call.method} ${call.path}: ${String(error)}`)
    return jsonAnswer(200, { status: '5', error_text: ERROR_TEXTS.internalError })
  }

  /** Answers a call; synchronous unless an injected delay or the admin API makes it wait. */
  function safeHandle(call: Call): Answer | Promise<Answer> {
    if (closed) {
      return httpError(503, 'closed', 'The sandbox is closed.')
    }
    try {
      const answer = handleCall(ctx, call)
      return answer instanceof Promise
        ? answer.catch((error: unknown) => internalError(call, error))
        : answer
    } catch (error) {
      return internalError(call, error)
    }
  }

  /**
   * Answers a call with what it changed already in the journal (the only entry point: HTTP, fetch
   * and in-process callers such as the proxy all come through here).
   */
  function handle(call: Call): Answer | Promise<Answer> {
    const answer = safeHandle(call)
    if (!(answer instanceof Promise)) {
      state.flush()
      return answer
    }
    return answer.then((a) => {
      state.flush()
      return a
    })
  }

  return {
    fetch: fetchAdapter(handle, bodyLimit),
    handle,
    middleware: nodeAdapter(handle, bodyLimit),
    defaultAccount: engine.defaultAccount,
    persistence: state.persistence,
    eventStreams: () => listeners.size,
    async close() {
      if (closed) return
      await state.close(() => {
        closed = true
        timer.stop()
        publish('__close', null)
        listeners.clear()
      })
    },
  }
}
