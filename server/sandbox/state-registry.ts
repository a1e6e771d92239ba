/**
 * The process-wide registries of the sandboxes that keep a state file, shared across re-imported
 * modules (a dev server re-imports the sandbox on restart): which sandbox owns a file, what a
 * sandbox waiting for a file kept in memory, and the flushes run on SIGINT/SIGTERM.
 */
import type { EngineSnapshot } from './engine.ts'

/** State files owned by open sandboxes of this process: each maps to its hand-over. */
export function owners(): Map<string, () => void> {
  const key = Symbol.for('verify-desk.sandbox.state-owners')
  const store = globalThis as unknown as Record<symbol, Map<string, () => void> | undefined>
  return (store[key] ??= new Map())
}

/** The state of a sandbox that kept it in memory because another process held its file. */
export interface MemoryState {
  engine: EngineSnapshot
  clockOffsetMs: number
  /** The process that held the file. */
  heldBy: number
}

/**
 * Sandboxes of this process that fell back to memory, by state file: the next sandbox on the same
 * file in this process (a dev server restarting) takes the state over instead of starting empty.
 * An entry stays after its sandbox closes, as the file would.
 */
export function memoryStates(): Map<string, () => MemoryState> {
  const key = Symbol.for('verify-desk.sandbox.memory-states')
  const store = globalThis as unknown as Record<symbol, Map<string, () => MemoryState> | undefined>
  return (store[key] ??= new Map())
}

/** Flushes of the open file-backed sandboxes, for SIGINT/SIGTERM. See `onStopSignal`. */
interface StopHooks {
  flushes: Set<() => void>
  handler?: (signal: NodeJS.Signals) => void
  /** Each exit hook as added, and the run-once form of it that is hooked. */
  exitHooks?: Map<() => void, () => void>
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

/** Runs `flush` on a stop signal the process has no other handler for. */
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

/**
 * Runs `hook` once when the process exits, or on a stop signal the process has no other handler
 * for (see `onStopSignal`), whichever comes first: how a sandbox saves its file and releases its
 * lock however the process ends. Add the hook of a file-backed sandbox before removing another,
 * so the signal handler stays in place.
 */
export function addExitHook(hook: () => void): void {
  const hooks = (stopHooks().exitHooks ??= new Map())
  if (hooks.has(hook)) return
  const once = () => {
    removeExitHook(hook)
    hook()
  }
  hooks.set(hook, once)
  process.once('exit', once)
  addStopHook(once)
}

/** Takes away a hook `addExitHook` added (nothing when it is not there). */
export function removeExitHook(hook: () => void): void {
  const hooks = stopHooks().exitHooks
  const once = hooks?.get(hook)
  if (!once) return
  hooks?.delete(hook)
  process.removeListener('exit', once)
  removeStopHook(once)
}
