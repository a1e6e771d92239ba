import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import HistoryRefreshNotice from '@/components/history/HistoryRefreshNotice.vue'
import { OFFLINE_MESSAGE } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import { freshHistoryEnvironment } from '../../unit/stores/history-support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

let wrapper: VueWrapper | null = null
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('history refresh notice, offline', () => {
  it('gives a reason that is a sentence without its full stop inside the brackets', async () => {
    freshHistoryEnvironment()
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(HistoryRefreshNotice, { global: { plugins: [pinia] } })
    useWatchStore().failures = [
      {
        environment: 'sandbox',
        reason: OFFLINE_MESSAGE,
        status: null,
        failures: 1,
        retryInMs: 20_000,
        at: Date.now(),
      },
    ]
    await nextTick()
    expect(wrapper.get('[role="status"]').text()).toBe(
      'Live status could not refresh the requests in progress in the sandbox ' +
        '(This browser is offline: nothing was sent). ' +
        'It tries again by itself; nothing is lost meanwhile.',
    )
  })
})
