/**
 * A refresh that failed because the browser is offline says so once, as sentences: not the title
 * and then the message that repeats it, and never "sent.Next:". The real API layer runs (only
 * `fetch` and the browser's `navigator.onLine` are replaced).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { configureClient } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { eachTestInNewTab, openEntryPage, refreshPage, searchAnswer, startedEntry } from './support'

eachTestInNewTab()

const ID = 'd'.repeat(32)
let wrapper: VueWrapper | null = null
let online = true

afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  await useRequestsStore().dispose()
})

describe('request page: a refresh that failed offline', () => {
  it('says it once, with a space before "Next:"', async () => {
    localStorage.clear()
    vi.stubGlobal('navigator', { ...navigator, onLine: true })
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (async () => {
        if (!online) throw new TypeError('Failed to fetch')
        return new Response(JSON.stringify(searchAnswer(ID)), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }) as typeof fetch,
    })
    wrapper = await openEntryPage(
      createPinia(),
      startedEntry(ID, Date.now(), { environment: 'live' }),
    )
    online = false
    vi.stubGlobal('navigator', { ...navigator, onLine: false })
    await refreshPage(wrapper)
    expect(wrapper.get('[data-test="load-failure"]').text()).toMatch(
      /^The request could not be refreshed \(showing what was last read at .+\): This browser is offline: nothing was sent\. Next: Check the connection, then try again\. Try again$/,
    )
  })
})
