import type {
  NoAnswer,
  StartSent,
  UnansweredStart,
  useUnansweredStartsStore,
} from '@/stores/unanswered-starts'

/**
 * Keeps a start that got no answer as New verification does: recorded as it is sent, then settled
 * with what went wrong. Returns the stored entry.
 */
export function recordUnanswered(
  store: ReturnType<typeof useUnansweredStartsStore>,
  start: StartSent & NoAnswer,
): UnansweredStart {
  const { code, httpStatus, message, delivery, ...sent } = start
  const entry = store.recordSending(sent)
  return store.settle(entry.id, { code, httpStatus, message, delivery }) ?? entry
}

/**
 * Stored text (browser storage's values) to scan for a secret such as a chosen PIN: all of it but
 * each start's time (epoch ms) and id (that time in base 36 and random letters and digits), where
 * chance alone writes '9876' now and then.
 */
export function scannableStorage(values: Iterable<string>): string {
  const parsed = [...values].map((text) => {
    if (typeof text !== 'string') throw new TypeError(`not a stored text: ${String(text)}`)
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  })
  return JSON.stringify(parsed, (field, value: unknown) =>
    (field === 'at' && typeof value === 'number') || (field === 'id' && typeof value === 'string')
      ? undefined
      : value,
  )
}
