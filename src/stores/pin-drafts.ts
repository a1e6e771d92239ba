/**
 * Codes typed into a request's PIN field and not yet sent, per request_id, so that leaving the
 * page (History, then Back) does not lose them. Kept in memory for the tab; sandbox codes also in
 * this tab's session storage, so that a reload keeps them. A live code is never written to
 * storage: it is a one-time secret for a real phone, valid for minutes, and session storage
 * outlives the page (session restore writes it to disk) for no gain worth that.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'

export const PIN_DRAFTS_KEY = 'verify-desk:pin-drafts'

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
    const session = readSession()
    if (sandbox) session[requestId] = code
    else delete session[requestId]
    writeSession(session)
  }

  /** Forgets the draft (it was sent: the check may have gone through). */
  function forget(requestId: string): void {
    memory.delete(requestId)
    const session = readSession()
    if (!(requestId in session)) return
    delete session[requestId]
    writeSession(session)
  }

  return { get, set, forget }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePinDraftsStore, import.meta.hot))
