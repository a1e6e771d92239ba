/**
 * A sandbox request found only through Look up has in History what the sandbox's own view tells
 * and no search answer does (its brand, a PSD2 payee and amount), as one opened from the
 * dashboard: read once per ten ids found, never once per id.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { searchRequests, type SearchResult } from '@/api/verify'
import { ApiError } from '@/api/client'
import { getAdminRequests } from '@/api/sandbox'
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

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn(() => Promise.reject(new Error('unexpected searchRequests call'))),
}))
vi.mock('@/api/sandbox', async (original) => ({
  ...(await original<typeof import('@/api/sandbox')>()),
  getAdminRequests: vi.fn(() => Promise.reject(new Error('unexpected getAdminRequests call'))),
}))
const search = vi.mocked(searchRequests)
const read = vi.mocked(getAdminRequests)

/** Search finds every id asked but `missing`. */
function searchFinds(missing: string[] = []) {
  search.mockImplementation(async (_env, ids): Promise<SearchResult> => ({
    kind: 'found',
    requests: ids
      .filter((id) => !missing.includes(id))
      .map((id) => searchedRequest('2026-01-02 03:04:05', { request_id: id })),
    missing: ids.filter((id) => missing.includes(id)),
  }))
}

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
  await vi.waitFor(async () => {
    await flushPromises()
    expect(wrapper!.get('[data-testid="lookup-outcome"]').text()).toMatch(/found/)
  })
  return wrapper
}

const brandOf = (n: number) => useRequestsStore().byId(requestId(n))?.brand

beforeEach(() => {
  sessionStorage.clear()
  freshHistoryEnvironment()
  search.mockReset()
  read.mockReset()
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
    read.mockImplementation(async (batch) =>
      batch.map((id) => viewOf(parseInt(id, 16))).filter((r) => r.request_id !== requestId(12)),
    )
    const w = await lookUp(ids)

    expect(w.get('[data-testid="lookup-outcome"]').text()).toBe(
      '12 found, 1 not found (2 search calls).',
    )
    expect(read.mock.calls.map(([batch]) => batch)).toEqual([ids.slice(0, 10), ids.slice(10, 12)])
    expect([1, 2, 10, 11].map(brandOf)).toEqual(['Brand 1', 'Brand 2', 'Brand 10', 'Brand 11'])
    // Not in the sandbox's answer (gone since the search): as the search wrote it.
    expect(brandOf(12)).toBe('')
    expect(useRequestsStore().byId(requestId(13))).toBeUndefined()
  })

  it('gives a PSD2 request its kind, payee and amount', async () => {
    searchFinds()
    read.mockResolvedValue([
      admin({ request_id: requestId(1), kind: 'psd2', brand: '', payee: 'Shop', amount: '10.5' }),
    ])
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
    read.mockImplementation(async (batch) => batch.map((id) => viewOf(parseInt(id, 16))))
    // A look-up in live reads no sandbox.
    await lookUp([requestId(4)], 'live')
    expect(read).not.toHaveBeenCalled()
    wrapper?.unmount()
    await useRequestsStore().dispose()

    await lookUp([requestId(1), requestId(2), requestId(3)])
    expect(read.mock.calls.map(([batch]) => batch)).toEqual([[requestId(3)]])
    expect([1, 2, 3].map(brandOf)).toEqual(['Started here', 'Read before', 'Brand 3'])
  })

  it('fills what it could read when one read fails, and still reports what the search found', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => requestId(i + 1))
    searchFinds()
    read.mockRejectedValueOnce(new ApiError('network', 'The app server could not be reached.'))
    read.mockImplementation(async (batch) => batch.map((id) => viewOf(parseInt(id, 16))))
    const w = await lookUp(ids)
    expect(w.get('[data-testid="lookup-outcome"]').text()).toBe(
      '11 found, 0 not found (2 search calls).',
    )
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(read).toHaveBeenCalledTimes(2)
    expect([1, 10, 11].map(brandOf)).toEqual(['', '', 'Brand 11'])
    expect(useRequestsStore().byId(requestId(1))?.status).toBe('IN PROGRESS')
  })
})
