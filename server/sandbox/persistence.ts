/**
 * Write-through persistence of the sandbox state to one JSON file: batched (debounced) writes,
 * each atomic (temp file + rename), a synchronous flush on close. A damaged file is moved aside
 * with a warning and the sandbox starts empty.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs'
import { rename, writeFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { EngineSnapshot } from './engine.ts'

export interface PersistedState {
  version: 1
  saved_at: string
  clock_offset_ms: number
  engine: EngineSnapshot
}

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
    typeof engine === 'object' &&
    engine !== null &&
    Array.isArray(engine.requests) &&
    Array.isArray(engine.testNumbers)
  )
}

/** Reads the state file; a missing file gives undefined, a damaged one is set aside. */
export function loadState(file: string, logger: Logger): PersistedState | undefined {
  if (!existsSync(file)) return undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    logger.warn(`sandbox: could not read ${file} (${String(error)}); starting empty.`)
    return undefined
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (isState(parsed)) return parsed
  } catch {
    // handled below
  }
  setAside(file, logger, 'is damaged')
  return undefined
}

/** Moves a state file that cannot be used out of the way (kept for inspection), with a warning. */
export function setAside(file: string, logger: Logger, why: string): void {
  const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`
  try {
    renameSync(file, aside)
    logger.warn(`sandbox: state file ${file} ${why}; moved it to ${aside} and started empty.`)
  } catch (error) {
    logger.warn(`sandbox: state file ${file} ${why} and could not be moved (${String(error)}).`)
  }
}

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
  produce: () => PersistedState,
  logger: Logger,
  debounceMs = 250,
): StateWriter {
  let dirty = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> | undefined
  let stopped = false
  let counter = 0
  let warned = false

  const tmpName = () => `${file}.${process.pid}.${++counter}.tmp`

  const fail = (error: unknown) => {
    if (!warned) logger.warn(`sandbox: could not save state to ${file}: ${String(error)}`)
    warned = true
  }

  const writeAsync = async () => {
    timer = undefined
    if (!dirty || stopped) return
    if (writing) {
      await writing
      return writeAsync()
    }
    dirty = false
    const text = JSON.stringify(produce())
    const tmp = tmpName()
    writing = (async () => {
      try {
        await mkdir(dirname(file), { recursive: true })
        await writeFile(tmp, text)
        await rename(tmp, file)
        warned = false
      } catch (error) {
        fail(error)
      }
    })()
    await writing
    writing = undefined
  }

  return {
    schedule() {
      if (stopped) return
      dirty = true
      if (!timer) {
        timer = setTimeout(() => void writeAsync(), debounceMs)
        timer.unref?.()
      }
    },
    flushSync() {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (!dirty) return
      dirty = false
      try {
        mkdirSync(dirname(file), { recursive: true })
        const tmp = tmpName()
        writeFileSync(tmp, JSON.stringify(produce()))
        renameSync(tmp, file)
      } catch (error) {
        fail(error)
      }
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
