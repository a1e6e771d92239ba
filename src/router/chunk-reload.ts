/**
 * A page's code that cannot be loaded (a server restarted or redeployed while the app was open:
 * "Failed to fetch dynamically imported module", "Unable to preload CSS") must never leave the
 * user on the page they came from, waiting: the target is then loaded as a full page. Once per
 * target within a short time, so a file that is really gone does not reload in a loop: then the
 * page says it could not be loaded (`pageLoadFailure`), never a blank page. Only when the server
 * answers: a full page load of a server that is down would replace the app with the browser's
 * own error page, which stays even once the server is back; the app says so in place instead.
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
/** How long the check that the server answers may take before it counts as unreachable. */
const REACHABLE_TIMEOUT_MS = 5_000

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
  /**
   * Whether the server answers a full page load of `href` now (within a few seconds).
   * @default a GET of `href`, never from the cache, answered with a 2xx status
   */
  reachable?: (href: string) => Promise<boolean>
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
  /** The server did not answer: the page was not loaded as a full page (it would have failed). */
  unreachable: boolean
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

/** Whether the server answers a GET of `href` with a page, within `REACHABLE_TIMEOUT_MS`. */
async function serverAnswers(href: string): Promise<boolean> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), REACHABLE_TIMEOUT_MS)
  try {
    const response = await globalThis.fetch(href, {
      cache: 'no-store',
      headers: { Accept: 'text/html' },
      signal: controller.signal,
    })
    return response.ok
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/** How the Reload of the message loads the page again: set by `recoverFromChunkErrors`. */
let retry: ((failure: PageLoadFailure) => Promise<boolean>) | null = null

/**
 * Loads the page that could not be loaded as a full page, once the server answers. Resolves to
 * false (the message stays, saying the server still does not answer) while it does not.
 */
export async function retryPageLoad(): Promise<boolean> {
  const failure = pageLoadFailure.value
  if (!failure) return true
  if (!retry) {
    globalThis.location.assign(failure.href)
    return true
  }
  return retry(failure)
}

/** Makes a navigation whose page code fails to load a full page load of its target. */
export function recoverFromChunkErrors(router: Router, options: ChunkRecoveryOptions = {}): void {
  const assign = options.assign ?? ((url: string) => globalThis.location.assign(url))
  const storage = options.storage === undefined ? safeSessionStorage() : options.storage
  const now = options.now ?? Date.now
  const reachable = options.reachable ?? serverAnswers
  // The first navigation of this page load: when it fails, nothing else is shown.
  let loadedOnce = false
  /** Pages loaded so far: a page loaded while the server was being checked makes the check moot. */
  let loads = 0
  /** A full page load of `href`, remembered so that a second failure there says so instead. */
  function loadFully(href: string): void {
    try {
      storage?.setItem(LAST_RELOAD_KEY, JSON.stringify({ href, at: now() }))
    } catch {
      // Without storage there is no loop guard; reloading is still better than staying stuck.
    }
    assign(href)
  }
  retry = async (failure) => {
    if (!(await reachable(failure.href))) {
      if (pageLoadFailure.value === failure) {
        pageLoadFailure.value = { ...failure, unreachable: true }
      }
      return false
    }
    loadFully(failure.href)
    return true
  }
  router.afterEach((to, _from, failure) => {
    if (failure) return
    loadedOnce = true
    loads++
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
  router.onError(async (error, to) => {
    if (!isChunkLoadError(error)) return
    const href = router.resolve(to).href
    const failure = (unreachable: boolean): PageLoadFailure => ({
      href,
      title: titleOf(to),
      blank: !loadedOnce,
      message: error instanceof Error ? error.message : String(error),
      startedRequestId: startedRequest(storage, now),
      unreachable,
    })
    try {
      const last = JSON.parse(storage?.getItem(LAST_RELOAD_KEY) ?? 'null') as {
        href?: unknown
        at?: unknown
      } | null
      if (last?.href === href && typeof last.at === 'number' && now() - last.at < RELOAD_GAP_MS) {
        // Loaded as a full page already, and it failed again: say so rather than loop or stay blank.
        pageLoadFailure.value = failure(false)
        return
      }
    } catch {
      // Without storage there is no loop guard; reloading is still better than staying stuck.
    }
    const loadsBefore = loads
    const answers = await reachable(href)
    // Another page loaded meanwhile: the user has moved on.
    if (loads !== loadsBefore) return
    if (!answers) {
      pageLoadFailure.value = failure(true)
      return
    }
    loadFully(href)
  })
}

function safeSessionStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}
