/**
 * A request page opened from the Handset's "Enter PIN" (`/requests/<id>?pin=…`): the PIN goes into
 * the field, custom PINs too, only while it is still the request's current PIN; the `?pin=` is
 * then dropped from the address, so a reload does not bring back a code cleared meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { Router } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
import RequestView from '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import { eachTestInNewTab, clockAt, requestRouter, searchAnswer } from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '6'.repeat(32)
let wrapper: VueWrapper | null = null
let router: Router | null = null
/** What the sandbox's admin API holds of the request. */
let sandboxView: AdminRequest | null = null

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
  server.on('GET', 'sandbox/__admin/requests', () => {
    const requests = sandboxView ? [sandboxView] : []
    return json({ requests, total: requests.length })
  })
  server.on('GET', 'sandbox/__admin/clock', () => json(clockAt(Date.now())))
  server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(ID)))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Opens `/requests/<id>?pin=<pin>` on a sandbox request whose current PIN is `current`. */
async function openWithPin(pin: string, current: string): Promise<void> {
  sandboxView = adminRequest(ID, Date.now() - 20_000, { pin: current, code_length: 4 })
  const pinia = createPinia()
  setActivePinia(pinia)
  router = await requestRouter()
  await router.push({ path: `/requests/${ID}`, query: { pin } })
  wrapper = mount(RequestView, { props: { id: ID }, global: { plugins: [pinia, router] } })
  await flushPromises()
  await server.stream.open()
  await flushPromises()
}

const field = () => (wrapper!.get('#pin-code').element as HTMLInputElement).value

describe('request page: a PIN handed over by the link', () => {
  it('puts a custom PIN into the field', async () => {
    await openWithPin('AKFG-3424', 'AKFG-3424')
    expect(field()).toBe('AKFG-3424')
  })

  it('puts the current PIN in, then drops it from the address', async () => {
    await openWithPin('7117', '7117')
    expect(field()).toBe('7117')
    expect(router!.currentRoute.value.fullPath).toBe(`/requests/${ID}`)
  })

  it('leaves out a PIN a newer one replaced, and says so', async () => {
    await openWithPin('7117', '5820')
    expect(field()).toBe('')
    expect(wrapper!.get('[data-test="replaced-pin"]').text()).toContain(
      "The PIN 7117 from the link is no longer this request's current PIN",
    )
    expect(router!.currentRoute.value.query).toEqual({})
  })
})
