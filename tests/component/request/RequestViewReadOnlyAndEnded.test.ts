/**
 * The request page follows what is true now: an answer no longer asks to act on a request that
 * ended since, and a sandbox request of another account than the dashboard's is only watched
 * (its actions off, the Handset's sentence saying why).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminAccount, AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import { eachTestInNewTab, clockAt, mountRequestPage, searchAnswer } from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '7'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
/** What the sandbox's admin API holds of the request (null: nothing). */
let sandboxView: AdminRequest | null = null
const text = (selector: string) => wrapper!.get(selector).text()

/** The sandbox's two built-in accounts, the dashboard acting as the first. */
function account(apiKey: string, isDefault: boolean): AdminAccount {
  return {
    api_key: apiKey,
    account_id: apiKey,
    pin_code_allowed: !isDefault,
    throttle_per_second: null,
    search_per_second: null,
    is_default: isDefault,
  }
}
const ACCOUNTS = [account('sandbox', true), account('sandboxpin', false)]

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  t0 = Date.now()
  sandboxView = null
  server.on('GET', 'sandbox/__admin/requests', () => {
    const requests = sandboxView ? [sandboxView] : []
    return json({ requests, total: requests.length })
  })
  server.on('GET', 'sandbox/__admin/clock', () => json(clockAt(Date.now())))
  server.on('GET', 'sandbox/__admin/accounts', json({ accounts: ACCOUNTS }))
  server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(ID)))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

async function openPage(view: AdminRequest): Promise<void> {
  sandboxView = view
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await mountRequestPage(pinia, ID)
  await server.stream.open()
  await flushPromises()
}

describe('request page: a wrong code, then the request ends', () => {
  it('no longer says to enter the code again once it expired', async () => {
    const sent = t0 - 40_000
    await openPage(adminRequest(ID, sent, { attempts_left: 3 }))
    sandboxView = adminRequest(ID, sent, { attempts_left: 2 })
    server.on(
      'POST',
      'sandbox/verify/check/json',
      json({
        request_id: ID,
        status: '16',
        error_text: 'The code provided does not match the expected value',
      }),
    )
    await wrapper!.get('#pin-code').setValue('0001')
    await wrapper!.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(text('[data-test="action-outcome"]')).toContain('Next: Enter the code again')

    const expired = adminRequest(ID, sent, {
      attempts_left: 2,
      status: 'EXPIRED',
      date_finalized: '',
    })
    sandboxView = expired
    await server.stream.push('request', expired)
    expect(text('#pin-reason')).toContain('Check not possible')
    const outcome = text('[data-test="action-outcome"]')
    expect(outcome).toContain('Status 16')
    expect(outcome).not.toContain('Enter the code again')
    expect(outcome).toContain(
      'Next: The request has since ended (EXPIRED): it can no longer be checked, cancelled or moved on.',
    )
  })
})

describe("request page: another sandbox account's request", () => {
  it('is only watched: the Handset says why, and check, cancel and next event are off', async () => {
    // The dashboard's search, sent as its own account, does not find another account's request.
    server.on(
      'GET',
      'sandbox/verify/search/json',
      json({ status: '101', error_text: 'No response found' }),
    )
    await openPage(adminRequest(ID, t0 - 40_000, { account_id: 'sandboxpin' }))
    expect(wrapper!.find('[data-test="search-not-found"]').exists()).toBe(false)
    expect(text('[data-test="other-account"]')).toContain(
      'Sent for account sandboxpin: the dashboard acts as account sandbox, so it cannot check or cancel it.',
    )
    expect(text('#pin-reason')).toBe('Check not possible: sent for account sandboxpin')
    expect(wrapper!.get('form.pin-entry button[type="submit"]').attributes()).toHaveProperty(
      'disabled',
    )
    expect(wrapper!.get('#cancel').attributes()).toHaveProperty('disabled')
    expect(wrapper!.get('#next-event').attributes()).toHaveProperty('disabled')
    expect(server.callsTo('POST', 'sandbox/verify/check/json')).toEqual([])
  })

  it("offers the actions on the dashboard's own account's request", async () => {
    await openPage(adminRequest(ID, t0 - 40_000, { account_id: 'sandbox' }))
    expect(wrapper!.find('[data-test="other-account"]').exists()).toBe(false)
    expect(wrapper!.find('#pin-reason').exists()).toBe(false)
    expect(wrapper!.get('#next-event').attributes()).not.toHaveProperty('disabled')
  })
})
