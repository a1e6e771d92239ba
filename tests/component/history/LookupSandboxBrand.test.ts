/**
 * A sandbox request found only through Look up has in History what the sandbox's own view tells
 * and no search answer does (its brand, a PSD2 payee and amount), as one opened from the
 * dashboard: read once per ten ids found, never once per id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import LookupView from '@/views/LookupView.vue'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import {
  entry,
  freshHistoryEnvironment,
  requestId,
  searchedRequest,
} from '../../unit/stores/history-support'
import { admin } from '../../unit/utils/admin-request-support'
import {
  json,
  noAnswer,
  searchedIds,
  searchFound,
  searchPath,
  useDeskServer,
  type DeskCall,
} from '../support/desk-server'
import type { AdminRequest } from '@contract/admin'
import { eventually } from '../support/eventually'

const server = useDeskServer()
const READ_PATH = 'sandbox/__admin/requests'

/** Search (in either environment) finds every id asked but `missing`. */
function searchFinds(missing: string[] = []) {
  for (const env of ['sandbox', 'live'] as const) {
    server.on('GET', searchPath(env), (call) =>
      searchFound(
        call,
        searchedIds(call)
          .filter((id) => !missing.includes(id))
          .map((id) => searchedRequest('2026-01-02 03:04:05', { request_id: id })),
      ),
    )
  }
}

/** The ids a read of the sandbox's requests asked for (its repeated `request_id`). */
function readIds(call: DeskCall): string[] {
  const ids = call.query.request_id ?? []
  return typeof ids === 'string' ? [ids] : ids
}

/** The sandbox answers a read of its requests with what `hold` gives for the ids asked. */
const readAnswer = (hold: (ids: string[]) => AdminRequest[]) => (call: DeskCall) => {
  const requests = hold(readIds(call))
  return json({ requests, total: requests.length })
}

/** The batches of ids the sandbox's requests were read by, in order. */
const readBatches = () => server.callsTo('GET', READ_PATH).map(readIds)

/** The sandbox's view of request `n`: brand `Brand n`. */
const viewOf = (n: number) => admin({ request_id: requestId(n), brand: `Brand ${n}` })

let wrapper: VueWrapper | null = null

async function lookUp(ids: string[], environment: 'sandbox' | 'live' = 'sandbox') {
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().ready
  useEnvironmentsStore().environments = [
    { id: 'sandbox', label: 'Sandbox', available: true },
    { id: 'live', label: 'Live', available: true },
  ]
  useEnvironmentsStore().select(environment)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/lookup', component: LookupView },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
    ],
  })
  await router.push('/lookup')
  wrapper = mount(LookupView, { global: { plugins: [pinia, router] } })
  await wrapper.get('#lookup-ids').setValue(ids.join(' '))
  await wrapper.get('form').trigger('submit')
  // The search and the sandbox reads go through the real API layer: the first look-up of the file
  // also loads its modules.
  await eventually(async () => {
    await flushPromises()
    expect(wrapper!.get('[data-testid="lookup-outcome"]').text()).toMatch(/found/)
  })
  return wrapper
}

const brandOf = (n: number) => useRequestsStore().byId(requestId(n))?.brand

beforeEach(() => {
  sessionStorage.clear()
  freshHistoryEnvironment()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('Look up in the sandbox: what only the sandbox tells', () => {
  it('gives History the brand of each request found, in one read per ten found', async () => {
    const ids = Array.from({ length: 13 }, (_, i) => requestId(i + 1))
    searchFinds([requestId(13)])
    server.on(
      'GET',
      READ_PATH,
      readAnswer((batch) =>
        batch.map((id) => viewOf(parseInt(id, 16))).filter((r) => r.request_id !== requestId(12)),
      ),
    )
    const w = await lookUp(ids)

    expect(w.get('[data-testid="lookup-outcome"]').text()).toBe(
      '12 found, 1 not found (2 search calls).',
    )
    expect(readBatches()).toEqual([ids.slice(0, 10), ids.slice(10, 12)])
    expect([1, 2, 10, 11].map(brandOf)).toEqual(['Brand 1', 'Brand 2', 'Brand 10', 'Brand 11'])
    // Not in the sandbox's answer (gone since the search): as the search wrote it.
    expect(brandOf(12)).toBe('')
    expect(useRequestsStore().byId(requestId(13))).toBeUndefined()
  })

  it('gives a PSD2 request its kind, payee and amount', async () => {
    searchFinds()
    server.on(
      'GET',
      READ_PATH,
      readAnswer(() => [
        admin({ request_id: requestId(1), kind: 'psd2', brand: '', payee: 'Shop', amount: '10.5' }),
      ]),
    )
    await lookUp([requestId(1)])
    expect(useRequestsStore().byId(requestId(1))).toMatchObject({
      kind: 'psd2',
      payee: 'Shop',
      amount: '10.5',
    })
  })

  it('reads only the requests History has nothing of, in the sandbox, not those sent from here', async () => {
    searchFinds()
    const pinia = createPinia()
    setActivePinia(pinia)
    const store = useRequestsStore()
    await store.ready
    await store.upsert(entry(1, { brand: 'Started here' }))
    await store.upsert(entry(2, { brand: 'Read before', source: 'looked-up' }))
    await store.dispose()
    server.on(
      'GET',
      READ_PATH,
      readAnswer((batch) => batch.map((id) => viewOf(parseInt(id, 16)))),
    )
    // A look-up in live reads no sandbox.
    await lookUp([requestId(4)], 'live')
    expect(server.callsTo('GET', searchPath('live'))).toHaveLength(1)
    expect(readBatches()).toEqual([])
    wrapper?.unmount()
    await useRequestsStore().dispose()

    await lookUp([requestId(1), requestId(2), requestId(3)])
    expect(readBatches()).toEqual([[requestId(3)]])
    expect([1, 2, 3].map(brandOf)).toEqual(['Started here', 'Read before', 'Brand 3'])
  })

  it('fills what it could read when one read fails, and still reports what the search found', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => requestId(i + 1))
    searchFinds()
    // The first read gets no answer (the app server could not be reached).
    server.on(
      'GET',
      READ_PATH,
      noAnswer(),
      readAnswer((batch) => batch.map((id) => viewOf(parseInt(id, 16)))),
    )
    const w = await lookUp(ids)
    expect(w.get('[data-testid="lookup-outcome"]').text()).toBe(
      '11 found, 0 not found (2 search calls).',
    )
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(server.callsTo('GET', READ_PATH)).toHaveLength(2)
    expect([1, 10, 11].map(brandOf)).toEqual(['', '', 'Brand 11'])
    expect(useRequestsStore().byId(requestId(1))?.status).toBe('IN PROGRESS')
  })
})
