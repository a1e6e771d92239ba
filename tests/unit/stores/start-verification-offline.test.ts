import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { useStartVerification } from '@/composables/useStartVerification'
import { useUnansweredStartsStore } from '@/stores/unanswered-starts'
import { freshHistoryEnvironment } from './history-support'

const storage = new Map<string, string>()
const browser = { onLine: true }
const params = { number: '447700900123', brand: 'Acme' }
let sent = 0
let pages: ReturnType<typeof useRequestsStore>[] = []

function openPage() {
  const pinia = createPinia()
  setActivePinia(pinia)
  pages.push(useRequestsStore(pinia))
  return { unanswered: useUnansweredStartsStore(pinia), starter: useStartVerification() }
}

beforeEach(() => {
  storage.clear()
  freshHistoryEnvironment()
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
    removeItem: (key: string) => void storage.delete(key),
  })
  browser.onLine = true
  vi.stubGlobal('navigator', browser)
  sent = 0
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () => {
      sent++
      throw new TypeError('Failed to fetch')
    }) as typeof fetch,
  })
})
afterEach(async () => {
  for (const page of pages) await page.dispose()
  pages = []
  vi.unstubAllGlobals()
})

describe('a start while the browser is offline', () => {
  it('whose connection fails was not sent, and is no start without an answer (here or after a reload)', async () => {
    browser.onLine = false
    const page = openPage()
    const outcome = await page.starter.start('sandbox', 'request', params)
    // Tried, and failed before anything left the browser (it has no network).
    expect(sent).toBe(1)
    expect(outcome).toMatchObject({ type: 'failed', error: { kind: 'offline' } })
    expect(page.unanswered.sorted).toEqual([])
    expect(openPage().unanswered.sorted).toEqual([])
  })

  it('a start that failed after it was sent is still kept as may have gone out', async () => {
    const page = openPage()
    await page.starter.start('sandbox', 'request', params)
    expect(sent).toBe(1)
    expect(page.unanswered.sorted).toHaveLength(1)
    expect(page.unanswered.sorted[0]).toMatchObject({ delivery: 'maybe', code: 'network' })
  })
})
