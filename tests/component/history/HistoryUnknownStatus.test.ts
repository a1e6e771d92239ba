import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import HistoryView from '@/views/HistoryView.vue'
import { useRequestsStore } from '@/stores/requests'
import { applyPatch, patchFromSearch } from '@/utils/history-entry'
import {
  entry,
  freshHistoryEnvironment,
  requestId,
  searchAnswer,
} from '../../unit/stores/history-support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

const base = new Date(2026, 5, 15, 12, 0, 0).getTime()

const times = (at: number) => ({ createdAt: at, updatedAt: at, lastActivityAt: at })
/** 1: found with BLOCKED; 2: never found (UNKNOWN); 3: in progress. */
const entries = [
  applyPatch(
    entry(1, { status: 'IN PROGRESS', ...times(base) }),
    {
      ...patchFromSearch('sandbox', searchAnswer(1, 'BLOCKED', '2026-06-15 10:00:00'), base),
      createdAt: base,
    },
    base,
  ),
  entry(2, { status: 'UNKNOWN', ...times(base - 1000) }),
  entry(3, { status: 'IN PROGRESS', ...times(base - 2000) }),
]

let wrapper: VueWrapper | null = null

async function mountAt(path: string) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  await history.ready
  await history.importJson(JSON.stringify(entries))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/history', component: HistoryView },
      { path: '/:rest(.*)*', component: { template: '<p>other</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  wrapper = mount(HistoryView, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** Each shown row: its request_id and what its status cell says. */
function rows(w: VueWrapper): [string, string][] {
  return w
    .findAll('[data-testid="history-scroll"] [role="row"]')
    .filter((row) => row.find('code').exists())
    .map((row) => [row.get('code').text(), row.get('.cell-status').text()])
}

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('history: a status search answered that this dashboard does not know', () => {
  it('is shown as written, said to be unknown here; a request never found is "Not found"', async () => {
    const w = await mountAt('/history')
    expect(rows(w)).toEqual([
      [requestId(1), 'BLOCKED, a status this dashboard does not know'],
      [requestId(2), 'Not found'],
      [requestId(3), 'In progress'],
    ])
    expect(w.get('.cell-status .reported').attributes('title')).toBe(
      'BLOCKED: a status this dashboard does not know',
    )
  })

  it('is found by the status filter for unknown statuses', async () => {
    const w = await mountAt('/history?status=UNKNOWN')
    expect(rows(w).map(([id]) => id)).toEqual([requestId(1), requestId(2)])
  })

  it('sorts by status after the requests in progress, without trouble', async () => {
    const w = await mountAt('/history?sort=status')
    expect(rows(w).map(([id]) => id)).toEqual([requestId(3), requestId(1), requestId(2)])
  })
})
