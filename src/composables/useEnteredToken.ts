/**
 * The access token this tab's prompt took last, until the server accepts it: after the reload that
 * follows, a refusal of that very token means it was mistyped, not that a token that worked has
 * been replaced on the server. Kept in this tab's session storage, by its mark only (never the
 * token itself).
 */
import { getAccessToken, tokenMarkOf } from '@/api/client'

const ENTERED_KEY = 'verify-desk:token-entered'

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

export function useEnteredToken() {
  /** Remembers `token`, just entered in the prompt (the page reloads with it next). */
  function remember(token: string): void {
    try {
      storage()?.setItem(ENTERED_KEY, tokenMarkOf(token))
    } catch {
      // Without storage a refusal is said as for a token in use.
    }
  }

  /** The server accepted the token in use: a later refusal is of a token that worked. */
  function accepted(): void {
    try {
      storage()?.removeItem(ENTERED_KEY)
    } catch {
      // Nothing kept, nothing to forget.
    }
  }

  /** Whether the token in use is the one entered here and not accepted by the server since. */
  function inUseIsUnconfirmed(): boolean {
    try {
      const mark = storage()?.getItem(ENTERED_KEY) ?? null
      return mark !== null && mark === tokenMarkOf(getAccessToken())
    } catch {
      return false
    }
  }

  return { remember, accepted, inUseIsUnconfirmed }
}
