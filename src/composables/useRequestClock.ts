/**
 * Which clock the request page's times are on. A sandbox request's times are on the sandbox clock:
 * said with how far it runs ahead, and, for a request started here, how far it ran ahead as the
 * request was submitted when that differs by a minute or more (the clock was moved or reset since):
 * its times then differ from History's.
 */
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import type { EnvironmentId } from '@/api/verify'
import type { HistoryEntry } from '@/utils/history-entry'
import type { RequestModel } from '@/utils/request-model'

export interface RequestClockSources {
  /** The request as the page shows it (null: nothing shown). */
  model: MaybeRefOrGetter<RequestModel | null>
  environment: MaybeRefOrGetter<EnvironmentId>
  /** How far the sandbox clock runs ahead of this computer's (ms). */
  clockOffset: MaybeRefOrGetter<number>
  /** The request's history entry, if history holds it. */
  entry: MaybeRefOrGetter<HistoryEntry | null | undefined>
}

export function useRequestClock(sources: RequestClockSources) {
  /** The sandbox clock as the summary says it; null: the page's times are this computer's. */
  const sandboxClock = computed(() => {
    const m = toValue(sources.model)
    if (!m || toValue(sources.environment) !== 'sandbox') return null
    const aheadMs = toValue(sources.clockOffset)
    const entry = toValue(sources.entry)
    let earlier: { aheadMs: number; startedAt: number } | null = null
    if (entry?.source === 'started' && m.submittedAt !== null) {
      const then = m.submittedAt - entry.createdAt
      if (then >= 60_000 && Math.abs(then - aheadMs) >= 60_000) {
        earlier = { aheadMs: then, startedAt: entry.createdAt }
      }
    }
    return aheadMs >= 1000 || earlier ? { aheadMs, earlier } : null
  })
  /**
   * The page's times are on the sandbox clock while it runs (or ran, as the request was submitted)
   * another time than this computer's: a time read from this computer's clock (a read, a call sent)
   * then says so.
   */
  const computerClockSaid = computed(() => sandboxClock.value !== null)
  return { sandboxClock, computerClockSaid }
}
