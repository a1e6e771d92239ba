/**
 * Write-through persistence of the sandbox state: a snapshot in one JSON file, written batched
 * (debounced), piece by piece across turns of the event loop (a big state never holds calls up for
 * long), each write atomic (temp file + rename), synchronously on close; and an append-only
 * journal beside it (`<file>.journal`, one JSON line per change) written synchronously before an
 * answer leaves, so a process killed between two snapshots loses nothing it answered. At start the
 * journal is replayed over the snapshot; each snapshot then compacts the journal.
 * A damaged or unreadable state file is moved aside (never written over), its journal with it,
 * with a warning and the sandbox starts empty; a journal that cannot be read is moved aside alone.
 */
import {
  closeSync,
  existsSync,
  chmodSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { mkdir, open, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { TestNumber } from '../../contract/index.ts'
import type { EngineSnapshot, RequestRecord } from './engine.ts'

/**
 * The state file, its journal and their set-aside copies hold every PIN: readable by their owner
 * only (0600), in a folder the sandbox creates for its owner only (0700; an existing folder keeps
 * its mode).
 */
export const PRIVATE_FILE = 0o600
export const PRIVATE_DIR = { recursive: true, mode: 0o700 } as const

/**
 * Makes a state file (or one set aside) readable by its owner only, best effort: one left by an
 * older version may not be.
 */
export function keepPrivate(file: string): void {
  try {
    // A folder in the file's place keeps its mode (0600 would lock its owner out of it).
    if (statSync(file).isFile()) chmodSync(file, PRIVATE_FILE)
  } catch {
    // A file of another owner: left as it is.
  }
}

export interface PersistedState {
  version: 1
  saved_at: string
  clock_offset_ms: number
  engine: EngineSnapshot
  /** The last journal line this snapshot includes (later lines are replayed over it). */
  journal_seq?: number
}

/**
 * One journal line: `s` is its sequence number; then one change. `r` a request as it is now
 * (absolute times), `x` a reset (every request and message forgotten), `t` the test numbers now,
 * `c` the clock offset now, `d` requests forgotten (the finished ones past the limit kept).
 */
export interface JournalLine {
  s: number
  r?: RequestRecord
  x?: 1
  t?: TestNumber[]
  c?: number
  d?: string[]
}

export type JournalOp = Omit<JournalLine, 's'>

export interface Logger {
  info(message: string): void
  warn(message: string): void
}

function isState(value: unknown): value is PersistedState {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const engine = v.engine as Record<string, unknown> | undefined
  return (
    v.version === 1 &&
    typeof v.clock_offset_ms === 'number' &&
    (v.journal_seq === undefined || typeof v.journal_seq === 'number') &&
    typeof engine === 'object' &&
    engine !== null &&
    Array.isArray(engine.requests) &&
    Array.isArray(engine.testNumbers)
  )
}

/**
 * Reads the state file; a missing file gives undefined. A damaged one is set aside, and its
 * journal with it (the same suffix): lines replayed over nothing would bring back only part of
 * the state, so the sandbox starts empty.
 */
export function loadState(file: string, logger: Logger): PersistedState | undefined {
  if (!existsSync(file)) return undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    // Never written over later: its requests may still be in it (a permission to fix, say).
    setAside(file, logger, `could not be read (${errorText(error)})`, journalFileOf(file))
    return undefined
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (isState(parsed)) return parsed
  } catch {
    // handled below
  }
  setAside(file, logger, 'is damaged', journalFileOf(file))
  return undefined
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Moves a state file that cannot be used out of the way (kept for inspection), with a warning;
 * with `journal`, that journal too (when there is one), under the same suffix.
 */
export function setAside(file: string, logger: Logger, why: string, journal?: string): void {
  const suffix = `.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`
  let journalNote = ''
  if (journal !== undefined && existsSync(journal)) {
    try {
      renameSync(journal, `${journal}${suffix}`)
      keepPrivate(`${journal}${suffix}`)
      journalNote = ` (and its journal ${journal} to ${journal}${suffix})`
    } catch (error) {
      journalNote = ` (its journal ${journal} could not be moved: ${String(error)})`
    }
  }
  try {
    renameSync(file, `${file}${suffix}`)
    keepPrivate(`${file}${suffix}`)
    logger.warn(
      `sandbox: state file ${file} ${why}; moved it to ${file}${suffix}${journalNote} and started empty.`,
    )
  } catch (error) {
    logger.warn(
      `sandbox: state file ${file} ${why} and could not be moved (${String(error)})${journalNote}.`,
    )
  }
}

/** The journal file of a state file. */
export function journalFileOf(stateFile: string): string {
  return `${stateFile}.journal`
}

/**
 * The lines of a journal, in order; a missing file gives none. Lines that cannot be read (a line
 * cut short by a kill in the middle of a write) are skipped with one warning.
 */
export function readJournal(file: string, logger: Logger): JournalLine[] {
  if (!existsSync(file)) return []
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    // Set aside, not appended to and compacted later: its lines may still matter.
    setAside(file, logger, `could not be read (${errorText(error)})`)
    return []
  }
  const lines: JournalLine[] = []
  let bad = 0
  for (const line of text.split('\n')) {
    if (line === '') continue
    try {
      const parsed = JSON.parse(line) as JournalLine
      if (typeof parsed === 'object' && parsed !== null && Number.isInteger(parsed.s)) {
        lines.push(parsed)
        continue
      }
    } catch {
      // counted below
    }
    bad++
  }
  if (bad > 0) logger.warn(`sandbox: skipped ${bad} unreadable line(s) of ${file}.`)
  return lines
}

/**
 * A state with the journal lines after its `journal_seq` applied, in order (`undefined` when there
 * is neither). Requests keep their order; a request already known is replaced where it stands.
 */
export function replayJournal(
  state: PersistedState | undefined,
  lines: readonly JournalLine[],
): PersistedState | undefined {
  const after = state?.journal_seq ?? 0
  const todo = lines.filter((l) => l.s > after)
  if (todo.length === 0) return state
  const requests = new Map<string, RequestRecord>()
  for (const r of state?.engine.requests ?? []) requests.set(r.id, r)
  let testNumbers = state?.engine.testNumbers ?? []
  let offset = state?.clock_offset_ms ?? 0
  for (const line of todo) {
    if (line.x) requests.clear()
    if (typeof line.c === 'number') offset = line.c
    if (Array.isArray(line.t)) testNumbers = line.t
    if (line.r && typeof line.r.id === 'string') requests.set(line.r.id, line.r)
    if (Array.isArray(line.d)) for (const id of line.d) requests.delete(id)
  }
  return {
    version: 1,
    saved_at: state?.saved_at ?? new Date().toISOString(),
    clock_offset_ms: offset,
    engine: { version: 1, requests: [...requests.values()], testNumbers },
    journal_seq: todo[todo.length - 1]?.s ?? after,
  }
}

export interface Journal {
  /** The sequence number of the last line written. */
  readonly seq: number
  /** Bytes in the file (the offset where the next line goes). */
  readonly size: number
  /** Writes the changes as lines, synchronously (they are in the file when this returns). */
  append(ops: readonly JournalOp[]): void
  /** Drops the lines before byte `offset` (a snapshot holds them now). */
  compact(offset: number): void
  close(): void
}

/** Opens (creates) a journal for appending; new lines are numbered after `seq`. */
export function openJournal(file: string, seq: number, logger: Logger): Journal {
  let fd: number | undefined
  let size = 0
  let warned = false
  const fail = (error: unknown) => {
    if (!warned) logger.warn(`sandbox: could not write the journal ${file}: ${String(error)}`)
    warned = true
  }
  const open = () => {
    try {
      mkdirSync(dirname(file), PRIVATE_DIR)
      fd = openSync(file, 'a', PRIVATE_FILE)
      try {
        // A journal left by an older version may be readable by others: it holds every PIN.
        fchmodSync(fd, PRIVATE_FILE)
      } catch {
        // Best effort (a file of another owner, a file system without modes): still written.
      }
      size = fstatSync(fd).size
    } catch (error) {
      if (fd !== undefined) {
        try {
          closeSync(fd)
        } catch {
          // already unusable
        }
      }
      fd = undefined
      fail(error)
    }
  }
  open()
  return {
    get seq() {
      return seq
    },
    get size() {
      return size
    },
    append(ops) {
      let text = ''
      for (const op of ops) text += `{"s":${++seq},${JSON.stringify(op).slice(1)}\n`
      if (fd === undefined) open()
      if (fd === undefined) return
      try {
        size += writeSync(fd, text)
        warned = false
      } catch (error) {
        fail(error)
      }
    },
    compact(offset) {
      if (fd === undefined || offset <= 0) return
      // Only the tail written since the snapshot was taken is read and kept.
      const tail = Buffer.alloc(Math.max(0, size - offset))
      try {
        if (tail.length > 0) {
          const reader = openSync(file, 'r')
          try {
            readSync(reader, tail, 0, tail.length, offset)
          } finally {
            closeSync(reader)
          }
        }
        const tmp = `${file}.${process.pid}.tmp`
        writeFileSync(tmp, tail, { mode: PRIVATE_FILE })
        renameSync(tmp, file)
      } catch (error) {
        fail(error)
        return
      }
      closeSync(fd)
      open()
    },
    close() {
      if (fd !== undefined) closeSync(fd)
      fd = undefined
    },
  }
}

/**
 * A snapshot as taken at one moment, written later piece by piece: the moment itself costs only
 * what `take` does (no copy of the whole state, no JSON), and each piece of the file is serialised
 * in its own turn of the event loop, so calls are answered in between.
 */
export interface StateSnapshot {
  /** The state at the moment; its `engine.requests` are not read (they come from `request`). */
  state: PersistedState
  /** How many requests the state had. */
  count: number
  /** Request `index` as it was at the moment (absolute times): asked for once, in order. */
  request(index: number): RequestRecord
  /**
   * Whether every request given is still as it was at the moment: a snapshot that is not is
   * dropped, never put in place (the journal has every change; a later snapshot is taken).
   */
  intact(): boolean
  /** The snapshot is written or dropped: nothing more is asked of it. */
  done(): void
}

/** A state already whole (its requests will not change) as a snapshot. */
export function snapshotOf(state: PersistedState): StateSnapshot {
  const { requests } = state.engine
  return {
    state,
    count: requests.length,
    request: (index) => requests[index] as RequestRecord,
    intact: () => true,
    done: () => undefined,
  }
}

/** Requests per piece of the file at most; a piece also ends after PIECE_MS of work. */
const PIECE_REQUESTS = 256
const PIECE_MS = 6
/** Where the requests go in the JSON of a state written with none. */
const NO_REQUESTS = '"requests":[]'

/**
 * The JSON of a snapshot (the same text as `JSON.stringify` of the whole state) in pieces: the
 * requests are serialised as each piece is asked for. `busy` adds up the time spent serialising.
 */
function* pieces(snapshot: StateSnapshot, busy: { ms: number }): Generator<string> {
  const { state } = snapshot
  const t0 = performance.now()
  const frame = JSON.stringify({ ...state, engine: { ...state.engine, requests: [] } })
  // Its first occurrence: no string before it can hold it (a quote inside a string is escaped).
  const at = frame.indexOf(NO_REQUESTS) + NO_REQUESTS.length - 1
  let parts = [frame.slice(0, at)]
  busy.ms += performance.now() - t0
  let index = 0
  while (index < snapshot.count) {
    const start = performance.now()
    const end = Math.min(snapshot.count, index + PIECE_REQUESTS)
    while (index < end) {
      const json = JSON.stringify(snapshot.request(index))
      parts.push(index === 0 ? json : `,${json}`)
      index++
      if ((index & 15) === 0 && performance.now() - start > PIECE_MS) break
    }
    busy.ms += performance.now() - start
    yield parts.join('')
    parts = []
  }
  parts.push(frame.slice(at))
  yield parts.join('')
}

/** A snapshot may take the event loop for about 1/20 of the time at most. */
const SNAPSHOT_GAP_FACTOR = 20
const MAX_SNAPSHOT_GAP_MS = 30_000

export interface StateWriter {
  /** Marks the state dirty; it is written after the debounce delay. */
  schedule(): void
  /** Writes now, synchronously, if anything is pending. */
  flushSync(): void
  /** Waits for the current write (if any). */
  idle(): Promise<void>
  stop(): void
}

export function createStateWriter(
  file: string,
  /**
   * Takes the snapshot at this moment: a state already whole, or one written piece by piece
   * (`StateSnapshot`: the writer asks for each request as it writes its piece).
   */
  take: () => PersistedState | StateSnapshot,
  logger: Logger,
  debounceMs = 250,
  /** Called after a snapshot is in place (e.g. to compact the journal); always the latest taken. */
  written: () => void = () => undefined,
): StateWriter {
  let dirty = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> | undefined
  /** The temporary file of the snapshot being written piece by piece, until it lands or is dropped. */
  let unfinished: string | undefined
  let stopped = false
  let counter = 0
  let warned = false
  /** Counts snapshots started; an asynchronous one lands only if it is still the latest. */
  let generation = 0
  /**
   * Wait before the next snapshot: the debounce, or longer when snapshots take much of the event
   * loop's time (a big state under load), so they take at most about 1/SNAPSHOT_GAP_FACTOR of it.
   * The journal holds every change in between.
   */
  let gap = debounceMs
  const took = (ms: number) => {
    gap = Math.max(debounceMs, Math.min(MAX_SNAPSHOT_GAP_MS, ms * SNAPSHOT_GAP_FACTOR))
  }

  const tmpName = () => `${file}.${process.pid}.${++counter}.tmp`

  const fail = (error: unknown) => {
    if (!warned) logger.warn(`sandbox: could not save state to ${file}: ${String(error)}`)
    warned = true
  }

  const takeNow = (): StateSnapshot => {
    const taken = take()
    return 'request' in taken ? taken : snapshotOf(taken)
  }

  const schedule = () => {
    if (stopped) return
    dirty = true
    if (!timer) {
      timer = setTimeout(() => void writeAsync(), gap)
      timer.unref?.()
    }
  }

  /** Writes `snapshot` to `tmp` piece by piece, each piece in its own turn; false when superseded. */
  const writePieces = async (
    snapshot: StateSnapshot,
    tmp: string,
    current: () => boolean,
    busy: { ms: number },
  ): Promise<boolean> => {
    let handle: FileHandle | undefined
    try {
      await mkdir(dirname(file), PRIVATE_DIR)
      if (!current()) return false
      handle = await open(tmp, 'w', PRIVATE_FILE)
      for (const piece of pieces(snapshot, busy)) {
        if (!current()) return false
        await handle.write(piece)
        // A whole turn of the event loop before the next piece: calls waiting are answered first.
        await new Promise((resolve) => setImmediate(resolve))
      }
      return current()
    } finally {
      await handle?.close()
    }
  }

  const writeAsync = async (): Promise<void> => {
    timer = undefined
    if (!dirty || stopped) return
    if (writing) {
      await writing
      return writeAsync()
    }
    dirty = false
    const mine = ++generation
    const current = () => !stopped && mine === generation
    const busy = { ms: 0 }
    const t0 = performance.now()
    let snapshot: StateSnapshot
    try {
      snapshot = takeNow()
    } catch (error) {
      fail(error)
      return
    }
    busy.ms += performance.now() - t0
    const tmp = tmpName()
    unfinished = tmp
    writing = (async () => {
      let complete = false
      try {
        complete = await writePieces(snapshot, tmp, current, busy)
      } catch (error) {
        fail(error)
      } finally {
        snapshot.done()
        took(busy.ms)
      }
      // Checked and renamed in one turn, so a newer snapshot written meanwhile (on close, on a
      // hand-over) is never replaced by this older one: then this one is dropped (the journal has
      // it all), as is one whose requests did not all stay as they were when it was taken.
      const intact = complete && snapshot.intact()
      if (!intact || !current()) {
        if (unfinished === tmp) unfinished = undefined
        await unlink(tmp).catch(() => undefined)
        if (complete && !intact) schedule()
        return
      }
      unfinished = undefined
      try {
        renameSync(tmp, file)
        warned = false
      } catch (error) {
        fail(error)
        await unlink(tmp).catch(() => undefined)
        return
      }
      written()
    })()
    await writing
    writing = undefined
  }

  return {
    schedule,
    flushSync() {
      if (timer) clearTimeout(timer)
      timer = undefined
      // A snapshot still being written counts as pending: this one, complete, takes its place.
      if (!dirty && unfinished === undefined) return
      dirty = false
      generation++
      if (unfinished !== undefined) {
        // Dropped (the process may exit before its next piece): its file goes now.
        try {
          unlinkSync(unfinished)
        } catch {
          // not created yet, or already gone
        }
        unfinished = undefined
      }
      const busy = { ms: 0 }
      const t0 = performance.now()
      let snapshot: StateSnapshot | undefined
      const tmp = tmpName()
      let fd: number | undefined
      try {
        snapshot = takeNow()
        mkdirSync(dirname(file), PRIVATE_DIR)
        fd = openSync(tmp, 'w', PRIVATE_FILE)
        for (const piece of pieces(snapshot, busy)) writeSync(fd, piece)
        closeSync(fd)
        fd = undefined
        took(performance.now() - t0)
        renameSync(tmp, file)
      } catch (error) {
        if (fd !== undefined) closeSync(fd)
        try {
          unlinkSync(tmp)
        } catch {
          // never created
        }
        fail(error)
        return
      } finally {
        snapshot?.done()
      }
      written()
    },
    async idle() {
      if (writing) await writing
    },
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
}
