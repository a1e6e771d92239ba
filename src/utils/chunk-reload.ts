/**
 * A page's code that cannot be loaded (a server restarted or redeployed while the app was open:
 * "Failed to fetch dynamically imported module", "Unable to preload CSS") must never leave the
 * user on the page they came from, waiting: the target is then loaded as a full page. Once per
 * target within a short time, so a file that is really gone does not reload in a loop: then the
 * page says it could not be loaded (`pageLoadFailure`), never a blank page.
 */
import { shallowRef } from 'vue'
import type { RouteLocationNormalized, Router } from 'vue-router'

const CHUNK_ERROR =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS|Loading (CSS )?chunk \S+ failed/i
const LAST_RELOAD_KEY = 'verify-desk:chunk-reload'
/** The verification just started, kept through the reload that opens its page. */
const STARTED_KEY = 'verify-desk:started-request'
/** How long a started request is worth naming after a reload. */
const STARTED_KEEP_MS = 10 * 60_000
/** A second failure for the same target within this time does not reload again. */
const RELOAD_GAP_MS = 10_000

export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return CHUNK_ERROR.test(message)
}

export interface ChunkRecoveryOptions {
  /** Loads a URL as a full page. @default location.assign */
  assign?: (url: string) => void
  /** Per-tab memory of the last reload and of a request just started. @default sessionStorage */
  storage?: (Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>) | null
  now?: () => number
}

/** A page whose code did not load, even after a full page load. */
export interface PageLoadFailure {
  /** The page's address in the app (`/requests/…`). */
  href: string
  /** The page's title (route meta), e.g. `Request`. */
  title: string | null
  /** Whether nothing else is shown (the first page of this load): the message is the page. */
  blank: boolean
  /** The error the browser gave. */
  message: string
  /** The request_id of a verification started just before (its page is the one not loaded). */
  startedRequestId: string | null
}

/** Set while a page could not be loaded; cleared by the next page that loads. */
export const pageLoadFailure = shallowRef<PageLoadFailure | null>(null)

/**
 * Remembers a verification just started, before its page is opened: when that page's code does not
 * load, the full page load that follows (or the message after it) can still name it.
 */
export function rememberStartedRequest(
  requestId: string,
  options: Pick<ChunkRecoveryOptions, 'storage' | 'now'> = {},
): void {
  const storage = options.storage === undefined ? safeSessionStorage() : options.storage
  const now = options.now ?? Date.now
  try {
    storage?.setItem(STARTED_KEY, JSON.stringify({ requestId, at: now() }))
  } catch {
    // Without storage the message after a failed load cannot name the request.
  }
}

function startedRequest(
  storage: Pick<Storage, 'getItem'> | null,
  now: () => number,
): string | null {
  try {
    const note = JSON.parse(storage?.getItem(STARTED_KEY) ?? 'null') as {
      requestId?: unknown
      at?: unknown
    } | null
    if (typeof note?.requestId !== 'string' || typeof note.at !== 'number') return null
    return now() - note.at < STARTED_KEEP_MS ? note.requestId : null
  } catch {
    return null
  }
}

function titleOf(to: RouteLocationNormalized): string | null {
  const title = to.meta?.title
  return typeof title === 'string' ? title : null
}

/** Makes a navigation whose page code fails to load a full page load of its target. */
export function recoverFromChunkErrors(router: Router, options: ChunkRecoveryOptions = {}): void {
  const assign = options.assign ?? ((url: string) => globalThis.location.assign(url))
  const storage = options.storage === undefined ? safeSessionStorage() : options.storage
  const now = options.now ?? Date.now
  // The first navigation of this page load: when it fails, nothing else is shown.
  let loadedOnce = false
  router.afterEach((to, _from, failure) => {
    if (failure) return
    loadedOnce = true
    pageLoadFailure.value = null
    // The started request's page is open: nothing more to remember.
    const started = startedRequest(storage, now)
    if (started && to.path === `/requests/${started}`) {
      try {
        storage?.removeItem?.(STARTED_KEY)
      } catch {
        // Kept: it expires by itself.
      }
    }
  })
  router.onError((error, to) => {
    if (!isChunkLoadError(error)) return
    const href = router.resolve(to).href
    try {
      const last = JSON.parse(storage?.getItem(LAST_RELOAD_KEY) ?? 'null') as {
        href?: unknown
        at?: unknown
      } | null
      if (last?.href === href && typeof last.at === 'number' && now() - last.at < RELOAD_GAP_MS) {
        // Loaded as a full page already, and it failed again: say so rather than loop or stay blank.
        const started = startedRequest(storage, now)
        pageLoadFailure.value = {
          href,
          title: titleOf(to),
          blank: !loadedOnce,
          message: error instanceof Error ? error.message : String(error),
          startedRequestId: started,
        }
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
