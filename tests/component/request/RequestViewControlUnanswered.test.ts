/**
 * A cancel or next event sent just before a reload (or from another tab) whose answer is not in
 * is said on the page, as an unanswered check is: it may still cancel the request or send the
 * next message or call.
 */
import * as fakeIndexedDb from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { apiRequest, configureClient } from '@/api/client'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import {
  eachTestInNewTab,
  mountRequestPage,
  searchAnswer,
  startedEntry,
  stubUpstream,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const ID = '8'.repeat(32)
let t0 = 0
let page: VueWrapper | null = null

beforeEach(() => {
  localStorage.clear()
  t0 = Date.now()
  // History in IndexedDB, shared by the page before the reload and the one after.
  const classes = Object.entries(fakeIndexedDb).filter(([name]) => name.startsWith('IDB'))
  Object.assign(globalThis, Object.fromEntries(classes), {
    indexedDB: new fakeIndexedDb.IDBFactory(),
  })
})
afterEach(async () => {
  page?.unmount()
  page = null
  await useRequestsStore().dispose()
  Reflect.deleteProperty(globalThis, 'indexedDB')
})

describe('request page: a control call sent before a reload has no answer yet', () => {
  it.each([
    ['cancel', 'A cancel sent at', 'it may still cancel the request'],
    [
      'trigger_next_event',
      'A trigger next event sent at',
      'the next message or call may still go out',
    ],
  ])('warns of a %s sent and not answered', async (cmd, lead, effect) => {
    // The page before the reload (its own pinia) sends the call; its answer never comes here.
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (() => new Promise<Response>(() => undefined)) as typeof fetch,
    })
    const before = createPinia()
    setActivePinia(before)
    const beforeRequests = useRequestsStore()
    await beforeRequests.upsert(startedEntry(ID, t0))
    void apiRequest('POST', 'sandbox/verify/control/json', {
      form: { request_id: ID, cmd },
    }).catch(() => undefined)
    await eventually(async () => {
      await beforeRequests.flushCalls()
      expect(await beforeRequests.loadCalls(ID)).toHaveLength(1)
    })
    await beforeRequests.dispose()

    // The reloaded page reads the sandbox, which holds the request in progress.
    const upstream = await stubUpstream('sandbox', () => [200, searchAnswer(ID)])
    upstream.admin = () => adminRequest(ID, t0 - 40_000)
    const pinia = createPinia()
    setActivePinia(pinia)
    page = await mountRequestPage(pinia, ID)
    await eventually(() =>
      expect(page!.find('[data-test="control-unanswered"]').exists()).toBe(true),
    )
    const warning = page.get('[data-test="control-unanswered"]').text()
    expect(warning).toContain(lead)
    expect(warning).toContain(effect)
  })
})
