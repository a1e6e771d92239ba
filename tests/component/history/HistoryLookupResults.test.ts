import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import HistoryLookupResults from '@/components/history/HistoryLookupResults.vue'
import { foundWith } from '../../unit/stores/history-support'

const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

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
          found: [
            foundWith(1, 'IN PROGRESS', NOW),
            foundWith(2, 'BLOCKED', NOW),
            foundWith(3, '', NOW),
          ],
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
