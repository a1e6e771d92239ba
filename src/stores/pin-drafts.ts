/**
 * Codes typed into a request's PIN field and not yet sent, per request_id, so that leaving the
 * page (History, then Back) does not lose them. Kept in memory for the tab; sandbox codes also in
 * this tab's session storage, so that a reload keeps them. A live code is never written to
 * storage: it is a one-time secret for a real phone, valid for minutes, and session storage
 * outlives the page (session restore writes it to disk) for no gain worth that.
 *
 * Storage is written once typing pauses, and at once when the page is hidden or goes away (a
 * reload, a closed tab): not on every keystroke. A sent code is forgotten in storage at once.
 */
import { onScopeDispose } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'

export const PIN_DRAFTS_KEY = 'verify-desk:pin-drafts'
/** How long typing must pause before the drafts are written to session storage. */
const WRITE_DELAY_MS = 400

function readSession(): Record<string, string> {
  try {
    const parsed = JSON.parse(globalThis.sessionStorage?.getItem(PIN_DRAFTS_KEY) ?? '{}') as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    const out: Record<string, string> = {}
    for (const [id, code] of Object.entries(parsed)) if (typeof code === 'string') out[id] = code
    return out
  } catch {
    return {}
  }
}

function writeSession(drafts: Record<string, string>): void {
  try {
    if (Object.keys(drafts).length === 0) globalThis.sessionStorage?.removeItem(PIN_DRAFTS_KEY)
    else globalThis.sessionStorage?.setItem(PIN_DRAFTS_KEY, JSON.stringify(drafts))
  } catch {
    // Full or disabled: the draft is still kept in memory for in-app navigation.
  }
}

export const usePinDraftsStore = defineStore('pin-drafts', () => {
  const memory = new Map<string, string>()
  /** Changes not written to session storage yet: the code to keep, or null to drop it. */
  const unwritten = new Map<string, string | null>()
  let timer: ReturnType<typeof setTimeout> | null = null

  /** Writes what changed to session storage now. */
  function flush(): void {
    if (timer) clearTimeout(timer)
    timer = null
    if (unwritten.size === 0) return
    const session = readSession()
    let changed = false
    for (const [id, code] of unwritten) {
      if (code !== null) {
        changed ||= session[id] !== code
        session[id] = code
      } else if (id in session) {
        changed = true
        delete session[id]
      }
    }
    unwritten.clear()
    if (changed) writeSession(session)
  }
  function flushWhenHidden(): void {
    if (document.visibilityState === 'hidden') flush()
  }
  // A reload or a closed tab comes before the pause: write what is typed first.
  globalThis.addEventListener?.('pagehide', flush)
  globalThis.document?.addEventListener('visibilitychange', flushWhenHidden)
  onScopeDispose(() => {
    flush()
    globalThis.removeEventListener?.('pagehide', flush)
    globalThis.document?.removeEventListener('visibilitychange', flushWhenHidden)
  })

  /** The code typed for this request and not sent, if any. */
  function get(requestId: string): string | undefined {
    return memory.get(requestId) ?? readSession()[requestId]
  }

  /** Keeps what is typed (`sandbox`: also across a reload of this tab); '' forgets it. */
  function set(requestId: string, code: string, sandbox: boolean): void {
    if (code === '') {
      forget(requestId)
      return
    }
    memory.set(requestId, code)
    unwritten.set(requestId, sandbox ? code : null)
    if (timer) clearTimeout(timer)
    timer = setTimeout(flush, WRITE_DELAY_MS)
  }

  /** Forgets the draft (it was sent: the check may have gone through), in storage too at once. */
  function forget(requestId: string): void {
    memory.delete(requestId)
    unwritten.set(requestId, null)
    flush()
  }

  return { get, set, forget }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePinDraftsStore, import.meta.hot))
