/**
 * The request page tests' isolation (`eachTestInNewTab`): in any order, a test starts as a new tab,
 * whatever the test before it, or its page once the test was over, left behind.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { historyStoreOptions } from '@/stores/requests'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

/** The history databases and tab channels the tests of this file were given. */
const histories = new Set<string | undefined>()

// What a page may still write once its test is over: a setting, the chosen environment, a typed
// PIN kept for a reload of its tab.
afterEach(() => {
  localStorage.setItem('verify-desk:settings', '{"theme":"dark"}')
  localStorage.setItem('verify-desk:environment', 'live')
  sessionStorage.setItem('verify-desk:pin-draft', '1234')
})

describe('eachTestInNewTab', () => {
  it.for(['one', 'another'])(
    '%s test finds nothing stored before it, and a history of its own',
    () => {
      expect(localStorage.length).toBe(0)
      expect(sessionStorage.length).toBe(0)
      expect(histories.has(historyStoreOptions.name)).toBe(false)
      expect(histories.has(historyStoreOptions.channel)).toBe(false)
      histories.add(historyStoreOptions.name)
      histories.add(historyStoreOptions.channel)
    },
  )
})
