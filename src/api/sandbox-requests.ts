/**
 * Several requests as the sandbox sees them, in one read of the admin API through the proxy
 * (`/api/sandbox/__admin/requests?request_id=a&request_id=b…`): what no search answer tells (the
 * brand, a PSD2 payee and amount) for the requests a look-up found.
 */
import type { AdminRequest, AdminRequestList } from '@contract/admin'
import { apiRequest } from './client'

/** Ids read at once: as many as one search takes. */
export const ADMIN_READ_IDS = 10

/**
 * The requests among `ids` (at most `ADMIN_READ_IDS`) the sandbox knows, newest first; an id it
 * does not know is left out.
 */
export async function getAdminRequests(ids: readonly string[]): Promise<AdminRequest[]> {
  if (ids.length === 0) return []
  if (ids.length > ADMIN_READ_IDS) {
    throw new RangeError(`At most ${ADMIN_READ_IDS} request_ids are read at once.`)
  }
  const { requests } = await apiRequest<AdminRequestList>('GET', 'sandbox/__admin/requests', {
    // Repeated, as search sends its ids: the call log files the read under each of them.
    query: { request_id: [...ids], limit: String(ids.length) },
  })
  const named = new Set(ids)
  return requests.filter((r) => named.has(r.request_id))
}
