/**
 * A cross-process lock on a sandbox state file: `<state file>.lock` holds the owner's pid, start
 * time and command, and is created atomically (`open` with `wx`). Two processes writing one state
 * file would overwrite each other's requests; the second one finds the lock and does not write.
 *
 * - A lock whose process is gone (`process.kill(pid, 0)` fails with ESRCH) is stale: taken over.
 * - Within one process the lock is handed over (a dev server restarting creates its new sandbox
 *   before closing the old one): the newest holder owns it, an older one's release does nothing.
 * - The holder releases it on close and on process exit (the sandbox's exit hook).
 */
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { PRIVATE_DIR, PRIVATE_FILE } from './persistence.ts'

/** What the lock file says about the process that holds it. */
export interface LockHolder {
  pid: number
  /** ISO time the holding process started, when known. */
  startedAt?: string
  /** The holder's command line, when known. */
  command?: string
}

export interface StateLock {
  /** The lock file. */
  readonly file: string
  /** Gives the lock up: removes the file if this holder is still the owner (safe to call twice). */
  release(): void
}

export type LockResult =
  { ok: true; lock: StateLock } | { ok: false; file: string; holder: LockHolder }

export interface LockOptions {
  /** Whether a process runs (tests). @default `process.kill(pid, 0)`, ESRCH meaning gone */
  isAlive?: (pid: number) => boolean
  /** The pid written into the lock (tests). @default process.pid */
  pid?: number
}

/** The lock file of a state file. */
export function lockFileOf(stateFile: string): string {
  return `${stateFile}.lock`
}

/** Whether process `pid` runs; a process of another user (EPERM) runs too. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Lock files this process holds, each with the token of its newest holder (survives re-imports). */
function held(): Map<string, object> {
  const key = Symbol.for('verify-desk.sandbox.state-locks')
  const store = globalThis as unknown as Record<symbol, Map<string, object> | undefined>
  return (store[key] ??= new Map())
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) {
      return undefined
    }
    return {
      pid: value.pid,
      startedAt: typeof value.started_at === 'string' ? value.started_at : undefined,
      command: typeof value.command === 'string' ? value.command : undefined,
    }
  } catch {
    return undefined
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Blocks the thread for `ms` (start-up only, while another process finishes writing its lock). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** A lock file younger than this with no readable pid is being written, not abandoned. */
const WRITING_GRACE_MS = 1000

/** `key:secret[:pin_code],...` with each secret shown as `***`. */
function maskAccounts(list: string): string {
  return list
    .split(',')
    .map((account) => account.replace(/^([^:]*):[^:]*/, '$1:***'))
    .join(',')
}

/** A name that says it holds a secret: `api_secret`, `VERIFY_DESK_TOKEN`, `admin-password`. */
const SECRET_NAME = '[A-Za-z0-9_-]*(?:secret|token|password)[A-Za-z0-9_-]*'

/**
 * A command line as it may be shown (a lock file's, in a message): the secrets of `--accounts`
 * and of `SANDBOX_ACCOUNTS=` (`key:***`) and the value of any `…SECRET…=`, `…TOKEN…=` or
 * `…PASSWORD…=` assignment or `--…secret…`/`--…token…` option replaced with `***`.
 */
export function maskCommand(command: string): string {
  return command
    .replace(
      /(--accounts(?:=|\s+)|\bSANDBOX_ACCOUNTS=)(\S+)/g,
      (_, name: string, list: string) => `${name}${maskAccounts(list)}`,
    )
    .replace(new RegExp(`(\\b${SECRET_NAME}=)\\S+`, 'gi'), '$1***')
    .replace(new RegExp(`(--${SECRET_NAME}\\s+)(?!--)\\S+`, 'gi'), '$1***')
}

const SECRET_OPTION = new RegExp(`^--${SECRET_NAME}$`, 'i')
const SECRET_ASSIGNMENT = new RegExp(`^(${SECRET_NAME}=)`, 'i')
const ACCOUNTS_ASSIGNMENT = /^(--accounts=|SANDBOX_ACCOUNTS=)/

/**
 * A process's arguments as one command line that may be shown, masked as `maskCommand` does, but
 * argument by argument: a value with spaces in it is masked whole.
 */
export function maskArguments(args: readonly string[]): string {
  return args
    .map((arg, i) => {
      const previous = args[i - 1] ?? ''
      if (previous === '--accounts') return maskAccounts(arg)
      if (SECRET_OPTION.test(previous) && !arg.startsWith('--')) return '***'
      const accounts = ACCOUNTS_ASSIGNMENT.exec(arg)
      if (accounts) return `${accounts[1]}${maskAccounts(arg.slice(accounts[1]!.length))}`
      const secret = SECRET_ASSIGNMENT.exec(arg)
      if (secret) return `${secret[1]}***`
      return maskCommand(arg)
    })
    .join(' ')
}

function ownLockContent(pid: number): string {
  return (
    JSON.stringify({
      pid,
      started_at: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      // Shown to another process that finds the lock: never with a secret in it.
      command: maskArguments([process.argv0, ...process.execArgv, ...process.argv.slice(1)]),
    }) + '\n'
  )
}

/**
 * Takes the lock of `stateFile` for this process, or says which live process holds it. A stale
 * lock (its process gone, or a file left empty by a process killed while writing it) is taken
 * over; a lock this process already holds is handed to the new caller.
 */
export function acquireStateLock(stateFile: string, options: LockOptions = {}): LockResult {
  const file = lockFileOf(stateFile)
  const pid = options.pid ?? process.pid
  const isAlive = options.isAlive ?? processAlive
  const token = {}
  const owned = (): LockResult => {
    held().set(file, token)
    return {
      ok: true,
      lock: {
        file,
        release() {
          if (held().get(file) !== token) return
          held().delete(file)
          try {
            // Only a lock that still names this process is removed.
            if (parseHolder(readText(file) ?? '')?.pid === pid) unlinkSync(file)
          } catch {
            // best effort: a lock left behind names a pid that will be gone, so it is stale
          }
        },
      },
    }
  }

  if (held().has(file) && parseHolder(readText(file) ?? '')?.pid === pid) return owned()
  mkdirSync(dirname(file), PRIVATE_DIR)
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      const fd = openSync(file, 'wx', PRIVATE_FILE)
      try {
        writeSync(fd, ownLockContent(pid))
      } finally {
        closeSync(fd)
      }
      return owned()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const text = readText(file)
    if (text === undefined) continue // released in between: try again
    const holder = parseHolder(text)
    if (holder) {
      // This process (another sandbox of it, or a module loaded twice): handed over.
      if (holder.pid === pid) return owned()
      if (isAlive(holder.pid)) return { ok: false, file, holder }
    } else if (ageMs(file) < WRITING_GRACE_MS) {
      pause(10)
      continue
    }
    takeOver(file, text)
  }
  throw new Error(`could not take the lock ${file}: it keeps changing.`)
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Removes a stale lock whose content was `seen`. It is first moved to a name of its own, so that
 * of two processes taking over the same stale lock, only one removes it; a fresh lock moved by
 * mistake (another process took over first) is put back.
 */
function takeOver(file: string, seen: string): void {
  const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`
  try {
    renameSync(file, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = readText(aside)
  if (moved !== seen) {
    try {
      linkSync(aside, file)
    } catch {
      // another lock is in place already: it wins
    }
  }
  try {
    unlinkSync(aside)
  } catch {
    // already gone
  }
}

/**
 * The live process holding the lock of `stateFile` now, if any (one small read and one
 * `kill(pid, 0)`: cheap enough to answer `GET /__admin/` with the current truth).
 */
export function currentHolder(
  stateFile: string,
  isAlive: (pid: number) => boolean = processAlive,
): LockHolder | undefined {
  let text: string | undefined
  try {
    text = readText(lockFileOf(stateFile))
  } catch {
    return undefined
  }
  const holder = text === undefined ? undefined : parseHolder(text)
  return holder && isAlive(holder.pid) ? holder : undefined
}
