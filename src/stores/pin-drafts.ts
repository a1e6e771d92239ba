/**
 * Codes typed into a request's PIN field and not yet sent, per request_id, so that leaving the
 * page (History, then Back) does not lose them. Kept in memory for the tab; sandbox codes also in
 * this tab's session storage, so that a reload keeps them. A live code is never written to
 * storage: it is a one-time secret for a real phone, valid for minutes, and session storage
 * outlives the page (session restore writes it to disk) for no gain worth that.
 *
 * Storage is written once typing pauses, and at once when the page is hidden or goes away (a
 * reload, a closed tab): not on every keystroke. A sent code is forgotten in storage at once.
 *
 * Apart from the drafts, the code of a check whose answer was lost, with the PIN it was sent for
 * (`keepLost`): not a draft while the check may have been processed, and put back into the field
 * only once a read shows it was not (composables/useLostCheckCode). Kept the same way, under its
 * own key.
 */
import { onScopeDispose } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { readSessionRecord, writeSessionRecord } from '@/utils/session-record'

export const PIN_DRAFTS_KEY = 'verify-desk:pin-drafts'
export const LOST_CHECK_CODES_KEY = 'verify-desk:lost-check-codes'

/** The code a check whose answer was lost sent, with the PIN it was sent for. */
export interface LostCheckCode {
  code: string
  /** Events that brought a PIN, or may have, when it was sent (`null`: not known). */
  pinEvents: number | null
  /** Attempts left when it was sent (`null`: not known). */
  attemptsLeft: number | null
}

const isLostCheckCode = (value: unknown): value is LostCheckCode =>
  typeof value === 'object' && value !== null && typeof (value as LostCheckCode).code === 'string'

/** How long typing must pause before the drafts are written to session storage. */
const WRITE_DELAY_MS = 400

const isCode = (value: unknown): value is string => typeof value === 'string'
const readSession = () => readSessionRecord(PIN_DRAFTS_KEY, isCode)

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
    if (changed) writeSessionRecord(PIN_DRAFTS_KEY, session)
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

  const lostMemory = new Map<string, LostCheckCode>()
  const readLost = () => readSessionRecord(LOST_CHECK_CODES_KEY, isLostCheckCode)

  /** Keeps the code of a lost check (`sandbox`: also across a reload of this tab). */
  function keepLost(requestId: string, kept: LostCheckCode, sandbox: boolean): void {
    lostMemory.set(requestId, kept)
    if (!sandbox) return
    writeSessionRecord(LOST_CHECK_CODES_KEY, { ...readLost(), [requestId]: kept })
  }

  /** The code of the request's lost check, if kept. */
  function lost(requestId: string): LostCheckCode | null {
    return lostMemory.get(requestId) ?? readLost()[requestId] ?? null
  }

  /** Forgets it: the check was settled, or another was sent since. */
  function forgetLost(requestId: string): void {
    lostMemory.delete(requestId)
    const codes = readLost()
    if (!(requestId in codes)) return
    delete codes[requestId]
    writeSessionRecord(LOST_CHECK_CODES_KEY, codes)
  }

  return { get, set, forget, keepLost, lost, forgetLost }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePinDraftsStore, import.meta.hot))
