/**
 * The Verify v1 sandbox: `createSandbox()` wires the pure engine to a virtual clock, one timer,
 * faults, persistence and the HTTP adapter, and exposes it as a web-standard `fetch` handler and a
 * connect/node middleware.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ERROR_TEXTS, type AdminClock } from '../../contract/index.ts'
import { messageView } from './handset.ts'
import { Engine, DEFAULT_ACCOUNT, PIN_CODE_ACCOUNT } from './engine.ts'
import type { AccountConfig, EngineSnapshot, RequestRecord } from './engine.ts'
import { Faults } from './faults.ts'
import { VirtualClock } from './context.ts'
import type { SandboxContext, SandboxPersistence } from './context.ts'
import { DROP, HEADER_LIMIT, handleCall, httpError, jsonAnswer } from './http.ts'
import type { Answer, Call } from './http.ts'
import {
  createStateWriter,
  journalFileOf,
  loadState,
  openJournal,
  readJournal,
  replayJournal,
  setAside,
} from './persistence.ts'
import type { Journal, JournalOp, Logger, StateWriter } from './persistence.ts'
import { createTimer } from './scheduler.ts'
import { acquireStateLock, currentHolder } from './lock.ts'
import type { LockHolder, StateLock } from './lock.ts'

export { DEFAULT_ACCOUNT, PIN_CODE_ACCOUNT }
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
   * Calls per second per account before status 1; `null` switches throttling off.
   * @default 30
   */
  throttlePerSecond?: number | null
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
  /** Handset messages kept. @default 200000 */
  maxMessages?: number
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
  close(): Promise<void>
}

/** The state file is held by another running process (with `whenStateFileInUse: 'refuse'`). */
export class StateFileInUseError extends Error {
  constructor(
    readonly file: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(`the state file ${file} is in use by process ${holder.pid}.`)
    this.name = 'StateFileInUseError'
  }
}

export const DEFAULT_STATE_FILE = '.data/sandbox/state.json'
/** How often a sandbox in memory checks whether the file it waits for is free again, in ms. */
const WAIT_CHECK_MS = 2000
export const DEFAULT_BODY_LIMIT = 65_536

/** Parses `key:secret[:pin_code],key2:secret2` into accounts. */
export function parseAccounts(spec: string): AccountConfig[] {
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

/** Crypto-random bytes, drawn from a pool refilled 4 KiB at a time (ids and PINs are hot). */
let pool = Buffer.alloc(0)
let poolAt = 0
/** Takes `n` bytes from `pool[at]` on (read `pool` after the call: it may refill it). */
function draw(n: number): number {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096)
    poolAt = 0
  }
  poolAt += n
  return poolAt - n
}

function cryptoPin(length: number): string {
  let s = ''
  while (s.length < length) {
    const at = draw(1)
    const byte = pool[at] as number
    // Rejection sampling keeps the digits uniform.
    if (byte < 250) s += byte % 10
  }
  return s
}

/** `bytes` crypto-random bytes as lower-case hex, one flat string. */
function randomHex(bytes: number): string {
  const at = draw(bytes)
  return pool.toString('hex', at, at + bytes)
}

/** 32 lower-case hex characters: 128 crypto-random bits (never repeats in practice). */
const cryptoId = () => randomHex(16)

/** 16 upper-case hex characters. */
const cryptoEventId = () => randomHex(8).toUpperCase()

/** State files owned by open sandboxes of this process (shared across re-imported modules). */
function owners(): Map<string, () => void> {
  const key = Symbol.for('verify-desk.sandbox.state-owners')
  const store = globalThis as unknown as Record<symbol, Map<string, () => void> | undefined>
  return (store[key] ??= new Map())
}

/** The state of a sandbox that kept it in memory because another process held its file. */
interface MemoryState {
  engine: EngineSnapshot
  clockOffsetMs: number
  /** The process that held the file. */
  heldBy: number
}

/**
 * Sandboxes of this process that fell back to memory, by state file (shared across re-imported
 * modules): the next sandbox on the same file in this process (a dev server restarting) takes the
 * state over instead of starting empty. An entry stays after its sandbox closes, as the file would.
 */
function memoryStates(): Map<string, () => MemoryState> {
  const key = Symbol.for('verify-desk.sandbox.memory-states')
  const store = globalThis as unknown as Record<symbol, Map<string, () => MemoryState> | undefined>
  return (store[key] ??= new Map())
}

/**
 * `base` with the requests and test numbers of `added` (ids are crypto-random, so requests never
 * clash; a test number set in both keeps the one of `added`), requests in the order they were made.
 */
function mergeSnapshots(base: EngineSnapshot, added: EngineSnapshot): EngineSnapshot {
  const requests = new Map<string, RequestRecord>()
  for (const r of base.requests) requests.set(r.id, r)
  for (const r of added.requests) requests.set(r.id, r)
  const testNumbers = new Map<string, string>()
  for (const t of [...base.testNumbers, ...added.testNumbers]) testNumbers.set(t.number, t.pin)
  return {
    version: 1,
    requests: [...requests.values()].sort((a, b) => a.submitted - b.submitted),
    testNumbers: [...testNumbers].map(([number, pin]) => ({ number, pin })),
  }
}

/**
 * Flushes of the open file-backed sandboxes, for SIGINT/SIGTERM (shared across re-imported
 * modules). See `onStopSignal`.
 */
interface StopHooks {
  flushes: Set<() => void>
  handler?: (signal: NodeJS.Signals) => void
}
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

function stopHooks(): StopHooks {
  const key = Symbol.for('verify-desk.sandbox.stop-hooks')
  const store = globalThis as unknown as Record<symbol, StopHooks | undefined>
  return (store[key] ??= { flushes: new Set() })
}

/**
 * A process that has no handler of its own for the signal (`npm run dev`: Vite's dev server has
 * none for SIGINT) dies of it without 'exit': the sandbox writes its snapshot and releases its lock
 * synchronously, then raises the signal again with Node's default action, so the process still
 * dies of it (exit status and all) as it would have. When another handler exists (`npm run serve`,
 * the standalone sandbox, Vite's SIGTERM handler), that handler decides how to stop and the sandbox
 * does nothing here: its 'exit' hook saves when that handler exits.
 */
function onStopSignal(signal: NodeJS.Signals): void {
  const hooks = stopHooks()
  if (process.listenerCount(signal) > 1) return
  for (const flush of [...hooks.flushes]) {
    try {
      flush()
    } catch {
      // best effort: the journal already holds every answered change
    }
  }
  hooks.flushes.clear()
  unhookSignals(hooks)
  process.kill(process.pid, signal)
}

function unhookSignals(hooks: StopHooks): void {
  if (!hooks.handler) return
  for (const signal of STOP_SIGNALS) process.off(signal, hooks.handler)
  hooks.handler = undefined
}

function addStopHook(flush: () => void): void {
  const hooks = stopHooks()
  hooks.flushes.add(flush)
  if (hooks.handler) return
  hooks.handler = onStopSignal
  // First in line, so that every other handler (even a `once` one) is still counted when it runs.
  for (const signal of STOP_SIGNALS) process.prependListener(signal, hooks.handler)
}

function removeStopHook(flush: () => void): void {
  const hooks = stopHooks()
  hooks.flushes.delete(flush)
  if (hooks.flushes.size === 0) unhookSignals(hooks)
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
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
    maxMessages: options.maxMessages,
  })
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const listeners = new Set<(event: string, data: unknown) => void>()
  const publish = (event: string, data: unknown) => {
    for (const l of listeners) l(event, data)
  }
  // Every change of the faults (added, used, used up, removed, cleared): the whole list.
  const faults: Faults = new Faults(() => {
    if (listeners.size > 0) publish('faults', { faults: faults.list() })
  })

  // SANDBOX_STATE_FILE, when set, is asked for even under Vitest (whose default is memory).
  const fromEnv = process.env.SANDBOX_STATE_FILE
  const chosenFile =
    options.stateFile === undefined
      ? fromEnv
        ? resolve(fromEnv)
        : process.env.VITEST
          ? false
          : resolve(DEFAULT_STATE_FILE)
      : options.stateFile === false
        ? false
        : resolve(options.stateFile)

  // Another process writing the same file would overwrite this one's requests and the reverse.
  let lock: StateLock | undefined
  let stateFile: string | false = chosenFile
  /** The file this sandbox could not take at start (another process held it), while it waits. */
  let waitingFor: string | undefined
  /** The other process that held the file when this sandbox started. */
  let heldBy: number | undefined
  const persistence: SandboxPersistence = Object.freeze(
    Object.defineProperties({ file: chosenFile || null } as SandboxPersistence, {
      saved: { enumerable: true, get: () => Boolean(stateFile) },
      // The current truth on every read: the holder may exit (or another process take the file).
      in_use_by: {
        enumerable: true,
        get: () => (waitingFor ? currentHolder(waitingFor)?.pid : undefined),
      },
      was_in_use_by: {
        enumerable: true,
        get: () => (waitingFor && !currentHolder(waitingFor) ? heldBy : undefined),
      },
    }),
  )
  /** What a sandbox of this process kept in memory for the same file, taken over. */
  let carried: MemoryState | undefined
  if (chosenFile) {
    const taken = acquireStateLock(chosenFile)
    if (taken.ok) lock = taken.lock
    else {
      if (options.whenStateFileInUse === 'refuse') {
        throw new StateFileInUseError(chosenFile, taken.file, taken.holder)
      }
      stateFile = false
      waitingFor = chosenFile
      heldBy = taken.holder.pid
      logger.warn(
        `sandbox: the state file ${chosenFile} is in use by process ${taken.holder.pid} ` +
          `(another dev server, \`npm run serve\` or \`npm run sandbox\`): this sandbox keeps its ` +
          `requests in memory only and will not save them while that process runs (when it stops, ` +
          `they are merged into the file). To give each its own file, start one ` +
          `with SANDBOX_STATE_FILE=.data/sandbox/other.json (or \`npm run sandbox -- --state FILE\`).`,
      )
    }
  }

  if (chosenFile) {
    const take = memoryStates().get(chosenFile)
    memoryStates().delete(chosenFile)
    carried = take?.()
  }

  let writer: StateWriter | undefined
  let journal: Journal | undefined

  /**
   * Reads `file` (this process holds its lock), restores its state with `kept` merged in, and
   * starts saving to it: the journal and the snapshot writer.
   */
  function openStateFile(file: string, kept: MemoryState | undefined): void {
    // A sandbox of this process still owns the file (a dev server restarting creates the new one
    // before closing the old): it writes what it has and stops writing, so nothing is lost.
    owners().get(file)?.()
    const journalFile = journalFileOf(file)
    const lines = readJournal(journalFile, logger)
    const snapshot = loadState(file, logger)
    const state = replayJournal(snapshot, lines)
    if (state) {
      try {
        clock.offsetMs = state.clock_offset_ms
        engine.restore(state.engine)
      } catch (error) {
        // Readable but not restorable: keep the files for inspection instead of overwriting them.
        clock.offsetMs = 0
        engine.reset()
        const why = `could not be restored (${String(error)})`
        if (existsSync(file)) setAside(file, logger, why)
        if (existsSync(journalFile)) setAside(journalFile, logger, why)
      }
    }
    if (kept) {
      // The process that held the file has gone: what was kept in memory meanwhile joins what
      // that process saved (both sides keep every request; the clock never goes back).
      engine.restore(mergeSnapshots(engine.snapshot(), kept.engine))
      clock.offsetMs = Math.max(clock.offsetMs, kept.clockOffsetMs)
      logger.info(
        `sandbox: the state file ${file} is free again (process ${kept.heldBy} has ` +
          `stopped): the ${kept.engine.requests.length} request(s) kept in memory ` +
          `meanwhile are merged into it.`,
      )
    }
    let seq = snapshot?.journal_seq ?? 0
    for (const line of lines) seq = Math.max(seq, line.s)
    const openedJournal = openJournal(journalFile, seq, logger)
    journal = openedJournal
    /**
     * Where the journal ended when the latest snapshot was taken: only the latest snapshot is ever
     * put in place (the writer drops an older one), so the journal is compacted up to here.
     */
    let snapshotEnd = 0
    writer = createStateWriter(
      file,
      () => {
        snapshotEnd = openedJournal.size
        return {
          version: 1,
          saved_at: new Date().toISOString(),
          clock_offset_ms: clock.offsetMs,
          engine: engine.snapshot(),
          journal_seq: openedJournal.seq,
        }
      },
      logger,
      options.saveDelayMs,
      () => openedJournal.compact(snapshotEnd),
    )
    // Fold what the journal added into a fresh snapshot now (a short journal from here on).
    if (lines.length > 0 || kept) {
      writer.schedule()
      writer.flushSync()
    }
  }

  if (stateFile) {
    try {
      openStateFile(stateFile, carried)
    } catch (error) {
      // Nothing was written: the next start may take the file (and what was kept in memory).
      lock?.release()
      const kept = carried
      if (kept && chosenFile) memoryStates().set(chosenFile, () => kept)
      throw error
    }
  } else if (carried) {
    // Still in use by another process: keep on with what the previous sandbox had in memory.
    clock.offsetMs = carried.clockOffsetMs
    engine.restore(carried.engine)
  }

  /** Changes not yet in the journal; written before the answer to the call that made them. */
  const pending = {
    records: new Map<string, RequestRecord>(),
    reset: false,
    clock: false,
    testNumbers: false,
  }
  const journalFlush = () => {
    if (!journal) return
    const p = pending
    if (p.records.size === 0 && !p.reset && !p.clock && !p.testNumbers) return
    const ops: JournalOp[] = []
    if (p.reset) ops.push({ x: 1 })
    if (p.clock) ops.push({ c: clock.offsetMs })
    if (p.testNumbers) ops.push({ t: engine.listTestNumbers() })
    for (const record of p.records.values()) ops.push({ r: engine.exportRecord(record) })
    p.records.clear()
    p.reset = p.clock = p.testNumbers = false
    journal.append(ops)
  }

  const timer = createTimer(clock.now, () => {
    engine.runDue()
    journalFlush()
    arm()
  })
  const arm = () => timer.arm(engine.nextDueAt())

  engine.subscribe((change) => {
    if (writer) {
      writer.schedule()
      if (change.type === 'request') pending.records.set(change.record.id, change.record)
      else if (change.type === 'reset') {
        pending.records.clear()
        pending.reset = true
      } else if (change.type === 'test-numbers') pending.testNumbers = true
    }
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
    // Asked for by `GET /__admin/`: a file free again is taken over first, so the answer is current.
    get persistence() {
      if (waitingFor && !closed) takeFileOver()
      return persistence
    },
    changed: arm,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    advanceClock(seconds) {
      clock.advance(Math.round(seconds * 1000))
      pending.clock = true
      engine.runDue()
      arm()
      writer?.schedule()
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
      pending.clock = true
      arm()
      writer?.schedule()
      publish('clock', clockView())
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }

  arm()
  const onExit = () => {
    journalFlush()
    writer?.flushSync()
    lock?.release()
  }
  if (writer) {
    process.once('exit', onExit)
    addStopHook(onExit)
  }
  const handOver = () => {
    journalFlush()
    writer?.flushSync()
    writer?.stop()
    journal?.close()
    timer.stop()
    process.removeListener('exit', onExit)
    removeStopHook(onExit)
    writer = undefined
    journal = undefined
  }
  if (stateFile) owners().set(stateFile, handOver)
  let closed = false

  /**
   * Waiting for a file another process holds: what this sandbox keeps in memory, handed to the
   * next sandbox of this process on the same file (a dev server restarting), which then waits
   * instead of this one (an entry stays after its sandbox closes, as the file would).
   */
  let waitCheck: ReturnType<typeof setInterval> | undefined
  let mergeFailed = false
  const keptInMemory = (): MemoryState => ({
    engine: engine.snapshot(),
    clockOffsetMs: clock.offsetMs,
    heldBy: heldBy ?? 0,
  })
  const handOn = (): MemoryState => {
    stopWaiting()
    return keptInMemory()
  }
  /** Says that what was kept in memory is not saved (the file is still in use), if anything. */
  const warnUnsaved = (fate: string) => {
    if (!waitingFor || memoryStates().get(waitingFor) !== handOn) return
    const count = engine.snapshot().requests.length
    if (count === 0) return
    const holder = currentHolder(waitingFor)?.pid ?? heldBy
    logger.warn(
      `sandbox: the state file ${waitingFor} is still in use by process ${holder}: the ` +
        `${count} request(s) this sandbox kept in memory are not saved ${fate}.`,
    )
  }
  /** At exit or on a stop signal: into the file if it is free now, else say what is lost. */
  const onExitWaiting = () => {
    if (takeFileOver()) onExit()
    else warnUnsaved('and are lost')
    stopWaiting()
  }
  function stopWaiting(): void {
    if (waitCheck) clearInterval(waitCheck)
    waitCheck = undefined
    process.removeListener('exit', onExitWaiting)
    removeStopHook(onExitWaiting)
  }
  /**
   * When the process that held the file has stopped: takes its lock, merges what this sandbox
   * kept in memory into the file's state as a restart would, and saves to the file from now on.
   * Only under the lock, so the other process's file is never written while it runs.
   */
  function takeFileOver(): boolean {
    const file = waitingFor
    // A newer sandbox of this process took what this one kept (and waits for the file itself).
    if (!file || memoryStates().get(file) !== handOn) return false
    if (currentHolder(file)) return false
    const kept = keptInMemory()
    let taken: StateLock | undefined
    try {
      const result = acquireStateLock(file)
      if (!result.ok) return false
      taken = result.lock
      openStateFile(file, kept)
    } catch (error) {
      taken?.release()
      writer?.stop()
      journal?.close()
      writer = undefined
      journal = undefined
      clock.offsetMs = kept.clockOffsetMs
      engine.restore(kept.engine)
      // Once: the next checks try again quietly.
      if (!mergeFailed) {
        logger.warn(
          `sandbox: could not merge the requests kept in memory into ${file} (${String(error)}): ` +
            `they stay in memory only for now.`,
        )
      }
      mergeFailed = true
      return false
    }
    lock = taken
    stateFile = file
    waitingFor = undefined
    memoryStates().delete(file)
    owners().set(file, handOver)
    process.once('exit', onExit)
    // The stop hook of a file-backed sandbox first, so the signal handler stays in place.
    addStopHook(onExit)
    stopWaiting()
    arm()
    if (listeners.size > 0) {
      // Live views (the admin event stream) learn of what the file brought in.
      const had = new Set(kept.engine.requests.map((r) => r.id))
      for (const { id } of engine.snapshot().requests) {
        const record = had.has(id) ? undefined : engine.getRequest(id)
        if (record) publish('request', engine.adminView(record))
      }
      publish('test-numbers', { test_numbers: engine.listTestNumbers() })
      publish('clock', clockView())
    }
    return true
  }
  if (chosenFile && waitingFor) {
    memoryStates().set(chosenFile, handOn)
    process.once('exit', onExitWaiting)
    addStopHook(onExitWaiting)
    waitCheck = setInterval(() => {
      if (!closed) takeFileOver()
    }, WAIT_CHECK_MS)
    waitCheck.unref()
  }

  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url, 'http://sandbox.invalid')
    let body: Uint8Array | null = null
    let tooLarge = false
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.body) {
      const declared = Number(request.headers.get('content-length') ?? '0')
      if (declared > bodyLimit) {
        tooLarge = true
      } else {
        const buffer = new Uint8Array(await request.arrayBuffer())
        if (buffer.length > bodyLimit) tooLarge = true
        else body = buffer
      }
    }
    const call: Call = {
      method: request.method.toUpperCase(),
      path: url.pathname,
      rawQuery: url.search.slice(1),
      query: url.searchParams,
      header: (name) => request.headers.get(name) ?? undefined,
      body,
      tooLarge,
    }
    const answer = await handle(call)
    if (answer === DROP) throw new TypeError('fetch failed: the sandbox dropped the connection')
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }

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
      journalFlush()
      return answer
    }
    return answer.then((a) => {
      journalFlush()
      return a
    })
  }

  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    next: ((err?: unknown) => void) | undefined,
    call: Call,
  ): void {
    const answer = handle(call)
    if (!(answer instanceof Promise)) return writeAnswer(req, res, answer)
    answer.then(
      (a) => writeAnswer(req, res, a),
      (error: unknown) => (next ? next(error) : res.destroy()),
    )
  }

  function middleware(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) {
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    let path = q < 0 ? raw : raw.slice(0, q)
    if (path.includes('%')) {
      try {
        path = decodeURI(path)
      } catch {
        // keep the raw path; it will not match a route
      }
    }
    const query = q < 0 ? '' : raw.slice(q + 1)
    const method = (req.method ?? 'GET').toUpperCase()
    if (method === 'GET' || method === 'HEAD') {
      respond(req, res, next, new NodeCall(req, method, path, query, null, false))
      return
    }
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > bodyLimit) {
      req.resume()
      respond(req, res, next, new NodeCall(req, method, path, query, null, true))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      if (size > bodyLimit) {
        tooLarge = true
        chunks.length = 0
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      const body =
        tooLarge || size === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      respond(req, res, next, new NodeCall(req, method, path, query, body, tooLarge))
    })
    req.on('error', () => res.destroy())
  }

  return {
    fetch: fetchHandler,
    handle,
    middleware,
    defaultAccount: engine.defaultAccount,
    persistence,
    async close() {
      if (closed) return
      // The file free again: what was kept in memory goes into it before this sandbox stops.
      if (!takeFileOver()) {
        warnUnsaved(
          'and are lost when this process stops (unless it starts a sandbox on the same file again)',
        )
      }
      stopWaiting()
      closed = true
      timer.stop()
      publish('__close', null)
      listeners.clear()
      if (stateFile && owners().get(stateFile) === handOver) owners().delete(stateFile)
      if (writer) {
        await writer.idle()
        handOver()
      }
      // A no-op when a newer sandbox of this process took the file over.
      lock?.release()
    },
  }
}

/** A call read from node's req (headers looked up lazily). */
class NodeCall implements Call {
  constructor(
    private readonly req: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly rawQuery: string,
    readonly body: Uint8Array | null,
    readonly tooLarge: boolean,
  ) {}

  get query(): URLSearchParams {
    return new URLSearchParams(this.rawQuery)
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()]
    return Array.isArray(v) ? v.join(', ') : v
  }
}

function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (answer === DROP) {
    req.socket.destroy()
    return
  }
  if (res.headersSent) return
  if (typeof answer.body === 'string') {
    const headers: string[] = ['content-length', String(Buffer.byteLength(answer.body))]
    for (const k in answer.headers) headers.push(k, answer.headers[k] as string)
    res.writeHead(answer.status, headers)
    res.end(req.method === 'HEAD' ? undefined : answer.body)
    return
  }
  res.statusCode = answer.status
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v)
  res.flushHeaders()
  const reader = answer.body.getReader()
  let done = false
  res.on('close', () => {
    if (!done) void reader.cancel().catch(() => undefined)
  })
  const pump = (): void => {
    reader.read().then(
      (chunk) => {
        if (chunk.done) {
          done = true
          res.end()
          return
        }
        res.write(chunk.value)
        pump()
      },
      () => {
        done = true
        res.end()
      },
    )
  }
  pump()
}
