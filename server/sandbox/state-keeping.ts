/**
 * Keeping a sandbox's state in its file: the lock that makes one process the file's writer, the
 * journal written before each answer and the debounced snapshot, the hand-over between sandboxes of
 * one process (a dev server restarting), and, while another process holds the file, keeping the
 * state in memory and taking the file over (merging) once that process has stopped.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Engine, EngineChange, EngineSnapshot, RequestRecord } from './engine.ts'
import type { SandboxPersistence, VirtualClock } from './context.ts'
import {
  createStateWriter,
  journalFileOf,
  keepPrivate,
  loadState,
  openJournal,
  readJournal,
  replayJournal,
  setAside,
} from './persistence.ts'
import type { Journal, JournalOp, Logger, StateSnapshot, StateWriter } from './persistence.ts'
import { acquireStateLock, currentHolder } from './lock.ts'
import type { LockHolder, StateLock } from './lock.ts'
import {
  addExitHook,
  memoryStates,
  owners,
  removeExitHook,
  type MemoryState,
} from './state-registry.ts'

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

const DEFAULT_STATE_FILE = '.data/sandbox/state.json'
/** How often a sandbox in memory checks whether the file it waits for is free again, in ms. */
const WAIT_CHECK_MS = 2000

/**
 * The absolute state file asked for, or false for memory only. SANDBOX_STATE_FILE, when set, is
 * asked for even under Vitest (whose default is memory). (The Vite plugin reads it from `.env.local`
 * too and passes it as `option`.)
 */
export function chooseStateFile(option: string | false | undefined): string | false {
  const fromEnv = process.env.SANDBOX_STATE_FILE
  return option === undefined
    ? fromEnv
      ? resolve(fromEnv)
      : process.env.VITEST
        ? false
        : resolve(DEFAULT_STATE_FILE)
    : option === false
      ? false
      : resolve(option)
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

export interface StateKeepingOptions {
  /** The absolute state file, or false for memory only (see `chooseStateFile`). */
  file: string | false
  whenStateFileInUse?: 'memory' | 'refuse'
  engine: Engine
  clock: VirtualClock
  logger: Logger
  saveDelayMs?: number
  /** A newer sandbox of this process took the file over: this one stops its timer. */
  onHandedOver(): void
  /** This sandbox took over the file it waited for; `kept` is what it had in memory before. */
  onTakenOver(kept: MemoryState): void
}

export interface StateKeeping {
  /** Whether and where the state is saved (live getters). */
  readonly persistence: SandboxPersistence
  /**
   * The same as it is now, after taking over a waited-for file that is free again: a plain object
   * made on one read of the lock file (`GET /__admin/` calls this once per request).
   */
  currentPersistence(): SandboxPersistence
  /** Notes an engine change for the journal and schedules a snapshot (when saving). */
  changed(change: EngineChange): void
  /** Notes that the clock offset moved (journalled at the next flush). */
  clockMoved(): void
  /** Schedules a snapshot write (when saving). */
  schedule(): void
  /** Writes the changes not yet in the journal (before the answer to the call that made them). */
  flush(): void
  /**
   * Closes: the file taken over first if it is free again, then `stop` (the sandbox stops), then
   * the pending writes, the hand-over and the lock.
   */
  close(stop: () => void): Promise<void>
}

/**
 * Takes the state file (or falls back to memory while another process holds it), restores the
 * state into `engine` and `clock`, and keeps it saved. Throws a StateFileInUseError under
 * `whenStateFileInUse: 'refuse'`, or what reading the file threw.
 */
export function keepState(options: StateKeepingOptions): StateKeeping {
  const { engine, clock, logger } = options
  const chosenFile = options.file

  // Another process writing the same file would overwrite this one's requests and the reverse.
  let lock: StateLock | undefined
  let stateFile: string | false = chosenFile
  /** The file this sandbox could not take at start (another process held it), while it waits. */
  let waitingFor: string | undefined
  /** The other process that held the file when this sandbox started. */
  let heldBy: number | undefined
  let closed = false
  const persistence: SandboxPersistence = Object.freeze(
    Object.defineProperties({ file: chosenFile || null } as SandboxPersistence, {
      saved: { enumerable: true, get: () => Boolean(stateFile) },
      // The current truth on every read: the holder may exit (or another process take the file).
      in_use_by: { enumerable: true, get: () => live().in_use_by },
      was_in_use_by: { enumerable: true, get: () => live().was_in_use_by },
    }),
  )
  /** What `persistence` shows, with `holder` the holder of the waited-for file as just read. */
  const persistenceWith = (holder: LockHolder | undefined): SandboxPersistence => {
    const view: SandboxPersistence = { file: chosenFile || null, saved: Boolean(stateFile) }
    if (waitingFor && holder) view.in_use_by = holder.pid
    else if (waitingFor && heldBy !== undefined) view.was_in_use_by = heldBy
    return view
  }
  /** `persistenceWith` the holder of the waited-for file read now. */
  const live = () => persistenceWith(waitingFor ? currentHolder(waitingFor) : undefined)
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
  /** Requests changed since the snapshot being written was taken (see `takeSnapshot`). */
  let changedSinceSnapshot: Set<RequestRecord> | undefined

  /**
   * The state at this moment, its requests written piece by piece later (the event loop is never
   * held for the whole state): what is copied now is only what can still change. A request in
   * progress changes in place, so its fields are copied (its lists of events and checks are
   * replaced on change, never changed, so they are shared); a finished request never changes
   * again, so it is kept as it is. Should one change all the same before it is written, the
   * snapshot says it is no longer intact and the writer drops it (a later one is taken).
   */
  function takeSnapshot(journalSeq: number): StateSnapshot {
    // Newest first: the order they were made is the reverse.
    const newest = engine.listRequests({ limit: Number.POSITIVE_INFINITY }).records
    const count = newest.length
    const records = new Array<RequestRecord>(count)
    for (let i = 0; i < count; i++) {
      const r = newest[count - 1 - i] as RequestRecord
      records[i] = r.status === 'IN PROGRESS' ? { ...r } : r
    }
    const changed = new Set<RequestRecord>()
    changedSinceSnapshot = changed
    let intact = true
    return {
      state: {
        version: 1,
        saved_at: new Date().toISOString(),
        clock_offset_ms: clock.offsetMs,
        engine: { version: 1, requests: [], testNumbers: engine.listTestNumbers() },
        journal_seq: journalSeq,
      },
      count,
      request(index) {
        const record = records[index] as RequestRecord
        if (changed.has(record)) intact = false
        return engine.exportRecord(record)
      },
      intact: () => intact,
      done() {
        if (changedSinceSnapshot === changed) changedSinceSnapshot = undefined
      },
    }
  }

  /**
   * Reads `file` (this process holds its lock), restores its state with `kept` merged in, and
   * starts saving to it: the journal and the snapshot writer.
   */
  function openStateFile(file: string, kept: MemoryState | undefined): void {
    // A sandbox of this process still owns the file (a dev server restarting creates the new one
    // before closing the old): it writes what it has and stops writing, so nothing is lost.
    owners().get(file)?.()
    // A state file left by an older version may be readable by others: it holds every PIN.
    keepPrivate(file)
    const journalFile = journalFileOf(file)
    // The snapshot first: a damaged one takes its journal aside with it (nothing is replayed).
    const snapshot = loadState(file, logger)
    const lines = readJournal(journalFile, logger)
    if (snapshot || lines.length > 0) {
      try {
        // Replayed in here too: a request entry that is not an object breaks the replay as well.
        const state = replayJournal(snapshot, lines)
        if (state) {
          clock.offsetMs = state.clock_offset_ms
          engine.restore(state.engine)
        }
      } catch (error) {
        // Readable but not restorable: keep the files for inspection instead of overwriting them.
        clock.offsetMs = 0
        engine.reset()
        const why = `could not be restored (${String(error)})`
        // One move, one warning: the journal goes aside with the file, under the same suffix.
        if (existsSync(file)) setAside(file, logger, why, journalFile)
        else if (existsSync(journalFile)) setAside(journalFile, logger, why)
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
        return takeSnapshot(openedJournal.seq)
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
    forgotten: [] as string[],
  }
  const journalFlush = () => {
    if (!journal) return
    const p = pending
    if (
      p.records.size === 0 &&
      p.forgotten.length === 0 &&
      !p.reset &&
      !p.clock &&
      !p.testNumbers
    ) {
      return
    }
    const ops: JournalOp[] = []
    if (p.reset) ops.push({ x: 1 })
    if (p.clock) ops.push({ c: clock.offsetMs })
    if (p.testNumbers) ops.push({ t: engine.listTestNumbers() })
    for (const record of p.records.values()) ops.push({ r: engine.exportRecord(record) })
    if (p.forgotten.length > 0) ops.push({ d: p.forgotten })
    p.records.clear()
    p.forgotten = []
    p.reset = p.clock = p.testNumbers = false
    journal.append(ops)
  }

  const onExit = () => {
    journalFlush()
    writer?.flushSync()
    lock?.release()
  }
  if (writer) addExitHook(onExit)
  const handOver = () => {
    journalFlush()
    writer?.flushSync()
    writer?.stop()
    journal?.close()
    options.onHandedOver()
    removeExitHook(onExit)
    writer = undefined
    journal = undefined
  }
  if (stateFile) owners().set(stateFile, handOver)

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
    const count = engine.requestCount
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
    removeExitHook(onExitWaiting)
  }
  /**
   * When the process that held the file has stopped: takes its lock, merges what this sandbox
   * kept in memory into the file's state as a restart would, and saves to the file from now on.
   * Only under the lock, so the other process's file is never written while it runs. `free`: the
   * caller has just read the lock file and found no live holder (it is not read again).
   */
  function takeFileOver(free = false): boolean {
    const file = waitingFor
    // A newer sandbox of this process took what this one kept (and waits for the file itself).
    if (!file || memoryStates().get(file) !== handOn) return false
    if (!free && currentHolder(file)) return false
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
    // The hook of a file-backed sandbox first, so the signal handler stays in place.
    addExitHook(onExit)
    stopWaiting()
    options.onTakenOver(kept)
    return true
  }
  if (chosenFile && waitingFor) {
    memoryStates().set(chosenFile, handOn)
    addExitHook(onExitWaiting)
    waitCheck = setInterval(() => {
      if (!closed) takeFileOver()
    }, WAIT_CHECK_MS)
    waitCheck.unref()
  }

  return {
    persistence,
    currentPersistence() {
      if (!waitingFor) return persistenceWith(undefined)
      // One read of the lock file: the take-over and the answer both go by it.
      const holder = currentHolder(waitingFor)
      if (!holder && !closed && takeFileOver(true)) return persistenceWith(undefined)
      return persistenceWith(holder)
    },
    changed(change) {
      if (!writer) return
      writer.schedule()
      if (change.type === 'request') changedSinceSnapshot?.add(change.record)
      if (change.type === 'request') pending.records.set(change.record.id, change.record)
      else if (change.type === 'reset') {
        pending.records.clear()
        pending.forgotten = []
        pending.reset = true
      } else if (change.type === 'test-numbers') pending.testNumbers = true
      else if (change.type === 'forget') {
        for (const id of change.ids) {
          pending.records.delete(id)
          pending.forgotten.push(id)
        }
      }
    },
    clockMoved() {
      pending.clock = true
    },
    schedule() {
      writer?.schedule()
    },
    flush: journalFlush,
    async close(stop) {
      // The file free again: what was kept in memory goes into it before this sandbox stops.
      if (!takeFileOver()) {
        warnUnsaved(
          'and are lost when this process stops (unless it starts a sandbox on the same file again)',
        )
      }
      stopWaiting()
      closed = true
      stop()
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
