/**
 * A sandbox request History knows only by its id (looked up, or added by opening its page from the
 * Handset) takes what only the sandbox's view tells: its brand, and a PSD2 payee and amount, so its
 * History row, the text filter and the exports show them. What History has from the start stays.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, getActivePinia, setActivePinia } from 'pinia'
import type { VueWrapper } from '@vue/test-utils'
import { useRequestsStore } from '@/stores/requests'
import { filterHistory, filtersFromQuery } from '@/utils/history-filter'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import {
  formStartedEntry,
  mountRequestPage,
  searchAnswer,
  type StubUpstream,
  stubUpstream,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const ID = 'f'.repeat(32)
let wrapper: VueWrapper | null = null
let upstream: StubUpstream

beforeEach(async () => {
  localStorage.clear()
  setActivePinia(createPinia())
  upstream = await stubUpstream('sandbox', () => [
    200,
    searchAnswer(ID, { number: '447700900555' }),
  ])
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** History holds the request as a look-up does: by its id and number, nothing of how it was sent. */
async function lookedUp(): Promise<void> {
  await useRequestsStore().upsert({
    request_id: ID,
    environment: 'sandbox',
    number: '447700900555',
    status: 'IN PROGRESS',
    createdAt: Date.now() - 10_000,
    source: 'looked-up',
  })
}

/** The sandbox view of the request, started 10 s ago, has `patch` (its brand, kind...). */
function sandboxViewHas(patch: Parameters<typeof adminRequest>[2]): void {
  const view = adminRequest(ID, Date.now() - 10_000, patch)
  upstream.admin = () => view
}

async function open(): Promise<void> {
  wrapper = await mountRequestPage(getActivePinia()!, ID)
}

describe('History after the request page read the sandbox view', () => {
  it('takes the brand of a looked-up request: its row, the text filter and the exports have it', async () => {
    await lookedUp()
    sandboxViewHas({ brand: 'OtherApp' })
    await open()
    expect(wrapper!.text()).toContain('OtherApp')
    const history = useRequestsStore()
    await eventually(() => expect(history.byId(ID)?.brand).toBe('OtherApp'))
    // /history?q=OtherApp finds it.
    const found = filterHistory(history.entries, filtersFromQuery({ q: 'OtherApp' }))
    expect(found.map((e) => e.request_id)).toEqual([ID])
    expect(JSON.parse(await history.exportJson())).toMatchObject({
      entries: [expect.objectContaining({ brand: 'OtherApp' })],
    })
    expect(await history.exportCsv()).toContain('OtherApp')
  })

  it('adds a request opened from the Handset with its brand', async () => {
    sandboxViewHas({ brand: 'OtherApp' })
    await open()
    const history = useRequestsStore()
    await eventually(() => expect(history.byId(ID)?.source).toBe('looked-up'))
    await eventually(() => expect(history.byId(ID)?.brand).toBe('OtherApp'))
  })

  it('takes the kind, payee and amount of a PSD2 request', async () => {
    await lookedUp()
    sandboxViewHas({ kind: 'psd2', brand: '', payee: 'Acme Shop', amount: '12.50' })
    await open()
    const history = useRequestsStore()
    await eventually(() => expect(history.byId(ID)?.payee).toBe('Acme Shop'))
    expect(history.byId(ID)).toMatchObject({ kind: 'psd2', amount: '12.50', brand: '' })
  })

  it('never overwrites what History has from the start', async () => {
    await useRequestsStore().upsert(
      formStartedEntry(ID, Date.now() - 10_000, { environment: 'sandbox', number: '447700900555' }),
    )
    sandboxViewHas({ kind: 'psd2', brand: 'Other', payee: 'Elsewhere', amount: '1.00' })
    await open()
    const entry = useRequestsStore().byId(ID)
    expect(entry).toMatchObject({ kind: 'request', brand: 'Acme', payee: '', amount: '' })
  })
})
