/**
 * A History row writes a request as the request page and the Handset do: the number with its `+`,
 * a PSD2 amount as money in euros (for the sandbox the payment it took, rounded to the cent), never
 * as typed (`1e3`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import HistoryView from '@/views/HistoryView.vue'
import { useRequestsStore } from '@/stores/requests'
import type { HistoryEntry } from '@/utils/history-entry'
import { entry, freshHistoryEnvironment, requestId } from '../../unit/stores/history-support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

const psd2 = (n: number, amount: string, patch: Partial<HistoryEntry> = {}): HistoryEntry =>
  entry(n, { kind: 'psd2', payee: `Shop ${n}`, amount, brand: '', params: {}, ...patch })

let wrapper: VueWrapper | null = null

async function historyOf(entries: HistoryEntry[]): Promise<VueWrapper> {
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
  await router.push('/history')
  await router.isReady()
  wrapper = mount(HistoryView, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** Each shown row by request_id: its link's text and what its brand cell says. */
function rows(w: VueWrapper): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {}
  for (const row of w.findAll('[data-testid="history-scroll"] [role="row"]')) {
    if (!row.find('code').exists()) continue
    out[row.get('code').text()] = [row.get('a.number').text(), row.get('.cell-brand').text()]
  }
  return out
}

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('history rows: numbers and amounts as the rest of the dashboard writes them', () => {
  it('writes the number with its +, and deletes it by that name', async () => {
    const w = await historyOf([entry(1, { number: '447700900201' })])
    expect(rows(w)[requestId(1)]![0]).toBe('+447700900201')
    expect(w.get('.cell-actions button').attributes('aria-label')).toBe(
      `Delete +447700900201 (${requestId(1)}) from history`,
    )
  })

  it('writes a sandbox PSD2 amount as the payment the sandbox took, in euros', async () => {
    const w = await historyOf([psd2(1, '1e3'), psd2(2, '12.345'), psd2(3, '48')])
    const shown = rows(w)
    expect(shown[requestId(1)]![1]).toBe('Shop 1 · €1,000.00')
    expect(shown[requestId(2)]![1]).toBe('Shop 2 · €12.35')
    expect(shown[requestId(3)]![1]).toBe('Shop 3 · €48.00')
  })

  it('writes a live PSD2 amount as sent, in euros (what Vonage does with a third decimal is not known)', async () => {
    const w = await historyOf([
      psd2(1, '12.345', { environment: 'live' }),
      psd2(2, '1e3', { environment: 'live' }),
    ])
    const shown = rows(w)
    expect(shown[requestId(1)]![1]).toBe('Shop 1 · €12.345')
    expect(shown[requestId(2)]![1]).toBe('Shop 2 · €1,000.00')
  })
})
