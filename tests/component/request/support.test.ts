/**
 * The request page tests' isolation (`eachTestInNewTab`): in any order, a test starts as a new tab,
 * whatever the test before it, or its page once the test was over, left behind.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createPinia, getActivePinia, setActivePinia } from 'pinia'
import { configureClient } from '@/api/client'
import { checkCode } from '@/api/verify'
import { useCallsStore } from '@/stores/calls'
import { historyStoreOptions } from '@/stores/requests'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

/** The history databases and tab channels the tests of this file were given. */
const histories = new Set<string | undefined>()
/** The call logs of the tests of this file, each in its test's Pinia. */
const callLogs: ReturnType<typeof useCallsStore>[] = []

// What a page may still write once its test is over: a setting, the chosen environment, a typed
// PIN kept for a reload of its tab.
afterEach(() => {
  localStorage.setItem('verify-desk:settings', '{"theme":"dark"}')
  localStorage.setItem('verify-desk:environment', 'live')
  sessionStorage.setItem('verify-desk:pin-draft', '1234')
})

describe('eachTestInNewTab', () => {
  it.for(['one', 'another'])(
    '%s test finds nothing stored before it, a history of its own, and no Pinia of a test before',
    async () => {
      expect(localStorage.length).toBe(0)
      expect(sessionStorage.length).toBe(0)
      expect(histories.has(historyStoreOptions.name)).toBe(false)
      expect(histories.has(historyStoreOptions.channel)).toBe(false)
      histories.add(historyStoreOptions.name)
      histories.add(historyStoreOptions.channel)
      expect(getActivePinia()).toBeUndefined()

      // This test's check is in its own call log only, never in one of a test before.
      configureClient({
        prefixUrl: 'http://127.0.0.1:9/api',
        fetch: (async () =>
          new Response(JSON.stringify({ request_id: 'a'.repeat(32), status: '0' }), {
            headers: { 'content-type': 'application/json' },
          })) as typeof fetch,
      })
      setActivePinia(createPinia())
      const log = useCallsStore()
      const before = callLogs.map((earlier) => earlier.calls.length)
      await checkCode('sandbox', 'a'.repeat(32), '1234')
      expect(log.calls).toHaveLength(1)
      expect(callLogs.map((earlier) => earlier.calls.length)).toEqual(before)
      callLogs.push(log)
    },
  )
})
