import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import HistoryLookupResults from '@/components/history/HistoryLookupResults.vue'
import { applyPatch, patchFromSearch, type SearchedRequest } from '@/utils/history-entry'
import { entry, requestId } from '../../unit/stores/history-support'

const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

function searched(n: number, status: string): SearchedRequest {
  return {
    request_id: requestId(n),
    account_id: 'abcdef01',
    number: `4477009${String(n).padStart(5, '0')}`,
    sender_id: 'verify',
    date_submitted: '2026-11-26 08:59:00',
    date_finalized: '',
    checks: [],
    first_event_date: '2026-11-26 08:59:00',
    last_event_date: '2026-11-26 08:59:00',
    price: '0',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03',
    events: [],
  }
}

/** Request `n` in history after search answered `status`. */
function foundWith(n: number, status: string) {
  return applyPatch(entry(n), patchFromSearch('sandbox', searched(n, status), NOW), NOW)
}

describe('HistoryLookupResults: the status of each request found', () => {
  it('reads as in the history list, a status not known here said so', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:rest(.*)*', component: { template: '<p>page</p>' } }],
    })
    await router.push('/lookup')
    const wrapper = mount(HistoryLookupResults, {
      props: {
        report: {
          found: [foundWith(1, 'IN PROGRESS'), foundWith(2, 'BLOCKED'), foundWith(3, '')],
          notFound: [],
          failed: [],
          calls: 1,
        },
      },
      global: { plugins: [router] },
    })
    const statuses = wrapper.findAll('[data-testid="lookup-found"] li strong').map((s) => s.text())
    expect(statuses).toEqual([
      'In progress',
      'BLOCKED (a status this dashboard does not know)',
      // Found, but with no status to show (search answered an empty one): as history lists it.
      'Unknown',
    ])
  })
})
