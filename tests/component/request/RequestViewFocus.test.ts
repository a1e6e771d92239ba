/**
 * The request page keeps the keyboard focus when something outside it turns off the control that
 * has it: the request expires, another client verifies it, its next event goes out. The focus
 * goes to what says the new state (the reason next to the control), never to the page's body, and
 * a focus elsewhere on the page stays where it is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  apiCall,
  requestRouter,
  serveRequest,
  type ServedRequest,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = 'f'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
let served: ServedRequest

/** Opens the page of the sandbox request `admin` in the document, its event stream open. */
async function mountAttached(admin: AdminRequest): Promise<VueWrapper> {
  served.admin = admin
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = await requestRouter()
  await router.push(`/requests/${ID}`)
  const RequestView = (await import('@/views/RequestView.vue')).default
  wrapper = mount(RequestView, {
    props: { id: ID },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  await server.stream.open()
  return wrapper
}

/** The request changes in the sandbox (another client, the clock): its event stream says so. */
async function pushed(admin: AdminRequest): Promise<void> {
  served.admin = admin
  await server.stream.push('request', admin)
}

const el = (selector: string) => wrapper!.get(selector).element as HTMLElement
const iso = (ms: number) => new Date(ms).toISOString()
const expired = () => adminRequest(ID, t0, { status: 'EXPIRED', finalized_at: iso(t0 + 700_000) })
const verified = () => adminRequest(ID, t0, { status: 'SUCCESS', finalized_at: iso(t0 + 20_000) })

beforeEach(() => {
  localStorage.clear()
  t0 = Date.now()
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
  vi.setSystemTime(t0 + 10_000)
  served = serveRequest(server, ID, t0)
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

describe('request page: a control turned off from elsewhere while it has the focus', () => {
  it('moves the focus from the code field to the reason when the request expires', async () => {
    await mountAttached(adminRequest(ID, t0))
    el('#pin-code').focus()
    await pushed(expired())
    expect((el('#pin-code') as HTMLInputElement).disabled).toBe(true)
    expect(document.activeElement).toBe(el('#pin-reason'))
    expect(el('#pin-reason').textContent?.trim()).toBe('Check not possible: request expired')
  })

  it('moves the focus from Check code to the reason when another client verifies the request', async () => {
    await mountAttached(adminRequest(ID, t0))
    el('form.pin-entry button').focus()
    await pushed(verified())
    expect(document.activeElement).toBe(el('#pin-reason'))
    expect(el('#pin-reason').textContent?.trim()).toBe(
      'Check not possible: request already verified',
    )
  })

  it('moves the focus from Cancel request to its reason when the second message goes out', async () => {
    vi.setSystemTime(t0 + 40_000)
    await mountAttached(adminRequest(ID, t0))
    const cancel = el('#cancel') as HTMLButtonElement
    expect(cancel.disabled).toBe(false)
    cancel.focus()
    const first = adminRequest(ID, t0).events[0]!
    await pushed(
      adminRequest(ID, t0, {
        events: [first, { ...first, id: 'e2', index: 1, type: 'tts', sent_at: iso(t0 + 39_000) }],
      }),
    )
    expect(cancel.disabled).toBe(true)
    expect(document.activeElement).toBe(el('#cancel-reason'))
    expect(el('#cancel-reason').textContent?.trim()).toBe(
      'cancel no longer possible: a second message or call has gone out',
    )
  })

  it('moves the focus from Cancel request to its reason when the request expires', async () => {
    vi.setSystemTime(t0 + 40_000)
    await mountAttached(adminRequest(ID, t0))
    el('#cancel').focus()
    await pushed(expired())
    expect(document.activeElement).toBe(el('#cancel-reason'))
    expect(el('#cancel-reason').textContent?.trim()).toBe('request expired')
  })

  it('leaves a focus that is elsewhere on the page where it is', async () => {
    await mountAttached(adminRequest(ID, t0))
    const refresh = wrapper!.findAll('button').find((b) => b.text() === 'Refresh')!
    ;(refresh.element as HTMLButtonElement).focus()
    await pushed(expired())
    expect(document.activeElement).toBe(refresh.element)
  })

  it('takes no focus when none was on the page', async () => {
    await mountAttached(adminRequest(ID, t0))
    ;(document.activeElement as HTMLElement | null)?.blur()
    await pushed(verified())
    expect(document.activeElement).toBe(document.body)
  })

  it('after a wrong code, an expiry later moves the focus to the reason, not to that old answer', async () => {
    server.on(
      'POST',
      'sandbox/verify/check/json',
      json({
        request_id: ID,
        status: '16',
        error_text: 'The code provided does not match the expected value',
      }),
    )
    await mountAttached(adminRequest(ID, t0))
    el('#pin-code').focus()
    await wrapper!.get('#pin-code').setValue('1111')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(server.callsTo('POST', 'sandbox/verify/check/json').map((c) => c.body)).toEqual([
      { request_id: ID, code: '1111' },
    ])
    expect(document.activeElement).toBe(el('#pin-code'))
    expect(el('#action-outcome').textContent).toContain('Status 16')
    await pushed(expired())
    expect(document.activeElement).toBe(el('#pin-reason'))
  })
})

describe('request page: the toggle listing the sandbox admin calls', () => {
  it('sits above the calls it adds, so toggling it from the keyboard never pushes it away', async () => {
    await mountAttached(adminRequest(ID, t0))
    const calls = useCallsStore()
    const at = Date.UTC(2026, 0, 1, 12)
    calls.record(apiCall({ key: 'search', query: { request_id: ID }, startedAt: at }))
    for (let i = 0; i < 3; i++) {
      calls.record(
        apiCall({
          key: `admin-${i}`,
          path: `sandbox/__admin/requests/${ID}`,
          query: {},
          response: { request_id: ID, status: 'IN PROGRESS' },
          startedAt: at + 1_000 * (i + 1),
        }),
      )
    }
    await flushPromises()
    // The page's own calls are listed too: the search that looked the request up, and (once
    // toggled) its reads of the request from the sandbox's admin API.
    const searches = server.callsTo('GET', 'sandbox/verify/search/json').length
    const reads = server.callsTo('GET', 'sandbox/__admin/requests').length
    const listed = () => wrapper!.findAll('ul.calls > li')
    expect(listed()).toHaveLength(1 + searches)

    const toggle = wrapper!.get('input[type="checkbox"]')
    expect(toggle.element.closest('label')?.textContent).toContain(
      'Also list the sandbox admin calls this page made',
    )
    ;(toggle.element as HTMLInputElement).focus()
    await toggle.setValue(true)
    expect(listed()).toHaveLength(1 + searches + 3 + reads)
    // Every call listed, every admin call it added too, comes after the toggle: the list grows below it.
    for (const item of listed()) {
      expect(
        toggle.element.compareDocumentPosition(item.element) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBe(Node.DOCUMENT_POSITION_FOLLOWING)
    }
    expect(document.activeElement).toBe(toggle.element)
  })
})
