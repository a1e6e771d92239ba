import * as fakeIndexedDb from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { apiRequest, configureClient } from '@/api/client'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import {
  mountRequestPage,
  searchAnswer,
  startedEntry,
  type StubUpstream,
  stubUpstream,
  type UpstreamAnswer,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const ID = 'e'.repeat(32)
const WRONG: UpstreamAnswer = [200, { request_id: ID, status: '16', error_text: 'Wrong' }]
let t0 = 0
let upstream: StubUpstream
const mounted: VueWrapper[] = []

/** Mounts the request page with `pinia` (one tab: the same pinia for each page it shows). */
async function mountPage(pinia: Pinia): Promise<VueWrapper> {
  const wrapper = await mountRequestPage(pinia, ID)
  mounted.push(wrapper)
  return wrapper
}

const reason = (wrapper: VueWrapper, id: string) =>
  wrapper.find(`#${id}-reason`).exists() ? wrapper.get(`#${id}-reason`).text() : ''

async function sendCode(wrapper: VueWrapper, code: string): Promise<void> {
  await wrapper.get('#pin-code').setValue(code)
  await wrapper.get('form.pin-entry').trigger('submit')
  await wrapper.get('.pin-entry button').trigger('click')
  await flushPromises()
}

/** The stub upstream: the sandbox holds the request in progress; search finds it. */
async function serveTheRequest(): Promise<void> {
  upstream = await stubUpstream('sandbox', () => [200, searchAnswer(ID)])
  const view = adminRequest(ID, t0 - 40_000)
  upstream.admin = () => view
}

beforeEach(async () => {
  localStorage.clear()
  t0 = Date.now()
  await serveTheRequest()
})
afterEach(async () => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
  await useRequestsStore().dispose()
})

describe('request page re-created while a check is on its way (History, then Back)', () => {
  it('waits for the first check and never sends the PIN again, then shows its answer', async () => {
    let answer!: (value: UpstreamAnswer) => void
    upstream.check = () => new Promise<UpstreamAnswer>((r) => (answer = r))
    const pinia = createPinia()
    setActivePinia(pinia)
    const first = await mountPage(pinia)
    await sendCode(first, '1111')
    expect(upstream.checksSent).toBe(1)
    // Left for History: the page is gone, its check is still out.
    first.unmount()
    mounted.splice(mounted.indexOf(first), 1)

    const again = await mountPage(pinia)
    const button = again.get('.pin-entry button')
    expect(button.attributes('aria-busy')).toBe('true')
    expect(button.attributes('aria-disabled')).toBe('true')
    expect(reason(again, 'cancel')).toBe('waiting for the code check to finish')
    expect(reason(again, 'next-event')).toBe('waiting for the code check to finish')
    await sendCode(again, '1111')
    await again.get('#cancel').trigger('click')
    await flushPromises()
    expect(upstream.checksSent).toBe(1)

    const afterCheck = adminRequest(ID, t0 - 40_000, { attempts_left: 2 })
    upstream.admin = () => afterCheck
    answer([200, { request_id: ID, status: '16', error_text: 'The code provided does not match' }])
    await eventually(() =>
      expect(again.get('[data-test="action-outcome"]').text()).toContain('Status 16: Wrong code.'),
    )
    expect(again.get('.pin-entry button').attributes('aria-busy')).toBeUndefined()
    expect(reason(again, 'next-event')).toBe('')

    // Once the answer is in, a new code is the user's next attempt: sent.
    upstream.check = () => WRONG
    await sendCode(again, '2222')
    await eventually(() => expect(upstream.checksSent).toBe(2))
    expect(upstream.checkForms.at(-1)).toEqual({ request_id: ID, code: '2222' })
  })

  it('does not show an answer that came before the page was opened', async () => {
    upstream.check = () => WRONG
    const pinia = createPinia()
    setActivePinia(pinia)
    const first = await mountPage(pinia)
    await sendCode(first, '1111')
    await eventually(() =>
      expect(first.get('[data-test="action-outcome"]').text()).toContain('Status 16'),
    )
    first.unmount()
    mounted.splice(mounted.indexOf(first), 1)
    const later = await mountPage(pinia)
    expect(later.find('[data-test="action-outcome"]').exists()).toBe(false)
  })
})

describe('request page: a check another tab sent has no answer yet', () => {
  // History in IndexedDB, shared by the two tabs (the other tests keep it in memory).
  beforeEach(async () => {
    const classes = Object.entries(fakeIndexedDb).filter(([name]) => name.startsWith('IDB'))
    Object.assign(globalThis, Object.fromEntries(classes), {
      indexedDB: new fakeIndexedDb.IDBFactory(),
    })
  })
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'indexedDB')
  })

  it('warns before a second code is sent, and the warning goes once that check is answered', async () => {
    // Another tab (its own pinia, the same IndexedDB) sends a check; its answer is not in yet.
    let answerOther: ((response: Response) => void) | undefined
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (() => new Promise<Response>((resolve) => (answerOther = resolve))) as typeof fetch,
    })
    const other = createPinia()
    setActivePinia(other)
    const otherRequests = useRequestsStore()
    await otherRequests.upsert(startedEntry(ID, t0))
    const otherCheck = apiRequest('POST', 'sandbox/verify/check/json', {
      form: { request_id: ID, code: '4321' },
    }).catch(() => undefined)
    // Stored (pending) before this tab's page opens.
    await eventually(async () => {
      await otherRequests.flushCalls()
      expect(await otherRequests.loadCalls(ID)).toHaveLength(1)
    })

    // This tab's calls reach the stub upstream.
    await serveTheRequest()
    const pinia = createPinia()
    setActivePinia(pinia)
    const page = await mountPage(pinia)
    await eventually(() => expect(page.find('[data-test="pin-unanswered"]').exists()).toBe(true))
    const warning = page.get('[data-test="pin-unanswered"]').text()
    expect(warning).toContain('from another tab')
    expect(warning).toContain('A code sent now is a second check.')
    expect(page.get('#pin-code').attributes('aria-describedby')).toContain('pin-unanswered')

    // Warned, not blocked: the stored copy of a closed tab's check never gets its answer.
    upstream.check = () => WRONG
    await sendCode(page, '1111')
    await eventually(() => expect(upstream.checksSent).toBe(1))

    answerOther?.(
      new Response(JSON.stringify({ request_id: ID, status: '16', error_text: 'Wrong' }), {
        headers: { 'content-type': 'application/json' },
      }),
    )
    await otherCheck
    await otherRequests.flushCalls()
    await eventually(() => expect(page.find('[data-test="pin-unanswered"]').exists()).toBe(false))
    setActivePinia(other)
    await otherRequests.dispose()
    setActivePinia(pinia)
  })
})
