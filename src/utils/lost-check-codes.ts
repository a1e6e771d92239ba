/**
 * The code a check whose answer was lost sent, per request_id, with the PIN it was sent for, until
 * a read says what became of that check (see views/RequestView). Kept apart from the drafts of the
 * PIN field (stores/pin-drafts): it is not a draft while the check may have been processed. Held
 * in memory for the tab; a sandbox code also in this tab's session storage, so that a reload keeps
 * it. A live code is never written to storage (a one-time secret for a real phone).
 */
export const LOST_CHECK_CODES_KEY = 'verify-desk:lost-check-codes'

export interface LostCheckCode {
  code: string
  /** Events that brought a PIN, or may have, when it was sent (`null`: not known). */
  pinEvents: number | null
  /** Attempts left when it was sent (`null`: not known). */
  attemptsLeft: number | null
}

const memory = new Map<string, LostCheckCode>()

function isLostCheckCode(value: unknown): value is LostCheckCode {
  return (
    typeof value === 'object' && value !== null && typeof (value as LostCheckCode).code === 'string'
  )
}

function readSession(): Record<string, LostCheckCode> {
  try {
    const parsed = JSON.parse(
      globalThis.sessionStorage?.getItem(LOST_CHECK_CODES_KEY) ?? '{}',
    ) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    const out: Record<string, LostCheckCode> = {}
    for (const [id, kept] of Object.entries(parsed)) if (isLostCheckCode(kept)) out[id] = kept
    return out
  } catch {
    return {}
  }
}

function writeSession(codes: Record<string, LostCheckCode>): void {
  try {
    if (Object.keys(codes).length === 0) globalThis.sessionStorage?.removeItem(LOST_CHECK_CODES_KEY)
    else globalThis.sessionStorage?.setItem(LOST_CHECK_CODES_KEY, JSON.stringify(codes))
  } catch {
    // Full or disabled: still kept in memory for in-app navigation.
  }
}

/** Keeps the code of a lost check (`sandbox`: also across a reload of this tab). */
export function keepLostCheckCode(requestId: string, kept: LostCheckCode, sandbox: boolean): void {
  memory.set(requestId, kept)
  if (!sandbox) return
  const codes = readSession()
  codes[requestId] = kept
  writeSession(codes)
}

/** The code of the request's lost check, if kept. */
export function lostCheckCode(requestId: string): LostCheckCode | null {
  return memory.get(requestId) ?? readSession()[requestId] ?? null
}

/** Forgets it: the check was settled, or another was sent since. */
export function forgetLostCheckCode(requestId: string): void {
  memory.delete(requestId)
  const codes = readSession()
  if (!(requestId in codes)) return
  delete codes[requestId]
  writeSession(codes)
}
