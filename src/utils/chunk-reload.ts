/**
 * A page's code that cannot be loaded (a server restarted or redeployed while the app was open:
 * "Failed to fetch dynamically imported module", "Unable to preload CSS") must never leave the
 * user on the page they came from, waiting: the target is then loaded as a full page. Once per
 * target within a short time, so a file that is really gone does not reload in a loop.
 */
import type { Router } from 'vue-router'

const CHUNK_ERROR =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS|Loading (CSS )?chunk \S+ failed/i
const LAST_RELOAD_KEY = 'verify-desk:chunk-reload'
/** A second failure for the same target within this time does not reload again. */
const RELOAD_GAP_MS = 10_000

export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return CHUNK_ERROR.test(message)
}

export interface ChunkRecoveryOptions {
  /** Loads a URL as a full page. @default location.assign */
  assign?: (url: string) => void
  /** Per-tab memory of the last reload. @default sessionStorage */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null
  now?: () => number
}

/** Makes a navigation whose page code fails to load a full page load of its target. */
export function recoverFromChunkErrors(router: Router, options: ChunkRecoveryOptions = {}): void {
  const assign = options.assign ?? ((url: string) => globalThis.location.assign(url))
  const storage = options.storage === undefined ? safeSessionStorage() : options.storage
  const now = options.now ?? Date.now
  router.onError((error, to) => {
    if (!isChunkLoadError(error)) return
    const href = router.resolve(to).href
    try {
      const last = JSON.parse(storage?.getItem(LAST_RELOAD_KEY) ?? 'null') as {
        href?: unknown
        at?: unknown
      } | null
      if (last?.href === href && typeof last.at === 'number' && now() - last.at < RELOAD_GAP_MS) {
        return
      }
      storage?.setItem(LAST_RELOAD_KEY, JSON.stringify({ href, at: now() }))
    } catch {
      // Without storage there is no loop guard; reloading is still better than staying stuck.
    }
    assign(href)
  })
}

function safeSessionStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}
