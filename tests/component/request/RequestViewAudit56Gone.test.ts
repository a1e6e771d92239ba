/**
 * Once the sandbox was reset, the request is gone: the answer to the last action no longer asks to
 * act on it: what history knew of it is no new PIN ("a new PIN has been sent since this answer").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import {
  NOT_FOUND,
  checkCode,
  openEntryPage,
  refreshPage,
  serveRequest,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '5'.repeat(32)
const NUMBER = '447700900123'
let wrapper: VueWrapper | null = null
let served: ServedRequest
let sent = 0

const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')
const outcome = () => text('[data-test="action-outcome"]')

/** The request in progress, its first SMS sent 40 s ago, `left` attempts left. */
const held = (left: number, patch: Partial<AdminRequest> = {}) =>
  adminRequest(ID, sent, { attempts_left: left, ...patch })

/** The sandbox is reset: the stream says so, and it no longer holds the request. */
async function resetSandbox(): Promise<void> {
  served.admin = null
  server.on('GET', 'sandbox/verify/search/json', json(NOT_FOUND))
  await server.stream.push('reset', { at: new Date().toISOString() })
  await refreshPage(wrapper!)
  expect(text('[data-test="request-gone"]')).toContain(
    'The sandbox was reset: this request no longer exists.',
  )
}

/** What the answer's next step says once the request is gone. */
const GONE_NEXT = `Next: The request no longer exists (the sandbox no longer holds it): it cannot be checked, cancelled or moved on. Start a new verification to +${NUMBER} if one is still needed.`

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  sent = Date.now() - 40_000
  served = serveRequest(server, ID, Date.now())
  served.admin = held(3)
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await openEntryPage(pinia, startedEntry(ID, sent, { number: NUMBER }))
  await server.stream.open()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: the last answer once the sandbox was reset', () => {
  it('a wrong code: says the request no longer exists, not that a new PIN was sent', async () => {
    server.on(
      'POST',
      'sandbox/verify/check/json',
      json({
        request_id: ID,
        status: '16',
        error_text: 'The code provided does not match the expected value',
      }),
    )
    served.admin = held(2)
    await checkCode(wrapper!, '9999')
    expect(outcome()).toContain('the third wrong code ends the request')

    await resetSandbox()
    expect(outcome()).not.toContain('A new PIN has been sent')
    expect(outcome()).toContain(GONE_NEXT)
    expect(outcome()).not.toContain('the third wrong code ends the request')
  })
})
