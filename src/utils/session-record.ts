/**
 * A record kept whole in this tab's session storage under one key (a value per request_id, say):
 * read with what is damaged or foreign in it left out, written back whole, removed once empty.
 * Storage that cannot be read or written (full, disabled) reads as empty and is not written: the
 * callers keep what matters in memory too.
 */
export function readSessionRecord<T>(
  key: string,
  accept: (value: unknown) => value is T,
): Record<string, T> {
  try {
    const parsed = JSON.parse(globalThis.sessionStorage?.getItem(key) ?? '{}') as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    const out: Record<string, T> = {}
    for (const [id, value] of Object.entries(parsed)) if (accept(value)) out[id] = value
    return out
  } catch {
    return {}
  }
}

export function writeSessionRecord(key: string, record: Record<string, unknown>): void {
  try {
    if (Object.keys(record).length === 0) globalThis.sessionStorage?.removeItem(key)
    else globalThis.sessionStorage?.setItem(key, JSON.stringify(record))
  } catch {
    // Full or disabled: kept in memory only.
  }
}
