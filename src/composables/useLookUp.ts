/**
 * The Look up page's look-up: history's (a search per ten ids, found requests added or updated),
 * then, in the sandbox, what no search answer tells (the brand, a PSD2 payee and amount) from the
 * sandbox's own view, where History has none: a request found only through Look up is then shown,
 * found and exported by its brand, as one opened from the dashboard. One read per ten such ids
 * (never more reads than searches); a failed read leaves the entries as the search wrote them.
 */
import type { EnvironmentId } from '@/api/verify'
import { ADMIN_READ_IDS, getAdminRequests } from '@/api/sandbox'
import { useRequestsStore, type LookupReport } from '@/stores/requests'
import { batches } from '@/utils/history-lookup'
import type { HistoryEntry } from '@/utils/history-entry'
import { historyPatchFromAdmin } from '@/utils/request-model'

/** Whether the sandbox's view may add to `entry`: known by its id only, nothing of it yet. */
function lacksSandboxView(entry: HistoryEntry): boolean {
  return (
    entry.environment === 'sandbox' &&
    entry.source !== 'started' &&
    !entry.brand &&
    !entry.payee &&
    !entry.amount
  )
}

export function useLookUp() {
  const requests = useRequestsStore()

  /** Fills the entries' brand, payee and amount from the sandbox; returns them as now stored. */
  async function fillFromSandbox(entries: readonly HistoryEntry[]): Promise<HistoryEntry[]> {
    const filled = new Map<string, HistoryEntry>()
    const ids = entries.filter(lacksSandboxView).map((e) => e.request_id)
    for (const batch of batches(ids, ADMIN_READ_IDS)) {
      const views = await getAdminRequests(batch).catch(() => [])
      for (const view of views) {
        const patch = historyPatchFromAdmin(requests.byId(view.request_id), view)
        if (!patch) continue
        const entry = await requests.updateIfStored(patch).catch(() => undefined)
        if (entry) filled.set(entry.request_id, entry)
      }
    }
    return entries.map((e) => filled.get(e.request_id) ?? e)
  }

  async function lookUp(env: EnvironmentId, ids: readonly string[]): Promise<LookupReport> {
    const report = await requests.lookUp(env, ids)
    if (env !== 'sandbox' || report.found.length === 0) return report
    return { ...report, found: await fillFromSandbox(report.found) }
  }

  return { lookUp }
}
