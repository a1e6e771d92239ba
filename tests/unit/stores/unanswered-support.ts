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
