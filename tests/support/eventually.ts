/**
 * Waiting for a state in a test. Work that takes milliseconds on an idle machine (IndexedDB, a
 * BroadcastChannel message, a socket, a timer a few hundred milliseconds out) takes seconds on a
 * busy one: `vi.waitFor`'s default second then runs out while the work is still on its way, and the
 * test fails for the machine, not the code. The limit here is for work that hangs, never a measure
 * of speed.
 */
import { vi } from 'vitest'

/** How long a state may take to be reached before the test gives up on it. */
export const EVENTUALLY_MS = 10_000

/** Retries `assertion` until it passes (as `vi.waitFor`), for up to `EVENTUALLY_MS`. */
export function eventually<T>(assertion: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(assertion, { timeout: EVENTUALLY_MS })
}
