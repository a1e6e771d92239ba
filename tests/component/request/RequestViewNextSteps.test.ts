/**
 * The page's "Next" hints never contradict what else it shows: no cancel offered once cancel is
 * no longer possible, no new verification for a request that ended verified, no "the third wrong
 * code ends the request" once a new PIN (with its attempts again) was sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
import RequestSummary from '@/components/request/RequestSummary.vue'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import type { RequestModel } from '@/utils/request-model'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import {
  clockAt,
  mountOnAnyPath,
  mountRequestPage,
  searchAnswer,
  summaryModel,
  SANDBOX_ACCOUNTS,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '9'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
/** What the sandbox's admin API holds of the request (null: nothing). */
let sandboxView: AdminRequest | null = null
const text = (selector: string) => wrapper!.get(selector).text()

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  t0 = Date.now()
  sandboxView = null
  // The sandbox holds `sandboxView`, its clock unmoved; search finds the request in progress.
  server.on('GET', 'sandbox/__admin/requests', () => {
    const requests = sandboxView ? [sandboxView] : []
    return json({ requests, total: requests.length })
  })
  server.on('GET', 'sandbox/__admin/clock', () => json(clockAt(Date.now())))
  server.on('GET', 'sandbox/__admin/accounts', json(SANDBOX_ACCOUNTS))
  server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(ID)))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('summary: the next step of a request in progress', () => {
  function summaryNext(events: RequestModel['events']): string {
    const model = summaryModel({
      requestId: ID,
      status: 'IN PROGRESS',
      submittedAt: t0,
      events,
      attemptsLeft: 3,
      codeLength: 4,
    })
    return mount(RequestSummary, { props: { model } }).get('[data-test="status-next-step"]').text()
  }

  it('offers cancel only until a second message or call has gone out', () => {
    const sms = { type: 'sms', id: 'e1' } as RequestModel['events'][number]
    const tts = { type: 'tts', id: 'e2' } as RequestModel['events'][number]
    expect(summaryNext([sms])).toContain('or cancel (possible from 30 s')
    expect(summaryNext([sms, tts])).toBe(
      'Next: Enter the code the user received (cancel is no longer possible: a second message or call has gone out).',
    )
  })
})

describe('request page: a verified request the sandbox no longer holds', () => {
  it('does not ask for a new verification', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const requests = useRequestsStore()
    await requests.ready
    await requests.upsert({
      request_id: ID,
      environment: 'sandbox',
      number: '447700900200',
      status: 'SUCCESS',
      createdAt: t0,
      source: 'started',
    })
    server.on(
      'GET',
      'sandbox/verify/search/json',
      json({ status: '101', error_text: 'No response found' }),
    )
    wrapper = await mountOnAnyPath(pinia, ID)
    await flushPromises()
    expect(text('[data-test="request-gone"]')).toContain('The sandbox does not know this request')
    expect(text('[data-test="request-gone"]')).not.toContain('start a new verification')
    expect(text('[data-test="status-next-step"]')).toBe(
      'Next: Nothing left to do: the number is verified.',
    )
  })
})

describe('request page: a wrong code, then a new PIN', () => {
  it('no longer says the third wrong code ends the request once a new PIN was sent', async () => {
    const sent = t0 - 40_000
    const withAttempts = (left: number, patch: Partial<AdminRequest> = {}) =>
      adminRequest(ID, sent, { attempts_left: left, ...patch })
    sandboxView = withAttempts(3)
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountRequestPage(pinia, ID)
    await server.stream.open()
    sandboxView = withAttempts(2)
    server.on(
      'POST',
      'sandbox/verify/check/json',
      json({
        request_id: ID,
        status: '16',
        error_text: 'The code provided does not match the expected value',
      }),
    )
    await wrapper.get('#pin-code').setValue('9999')
    await wrapper.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(text('[data-test="action-outcome"]')).toContain('the third wrong code ends the request')
    expect(text('[data-test="attempts-left"]')).toBe('2 attempts left for this PIN.')

    // The next message brings a new PIN: its attempts are 3 again, and the message is listed.
    const first = withAttempts(3).events[0]!
    const newPin = withAttempts(3, {
      pin: '5678',
      events: [
        first,
        { ...first, id: 'e2', type: 'tts', index: 1, sent_at: new Date().toISOString() },
      ],
    })
    sandboxView = newPin
    await server.stream.push('request', newPin)
    expect(text('[data-test="attempts-left"]')).toBe('3 attempts left for this PIN.')
    const outcome = text('[data-test="action-outcome"]')
    expect(outcome).not.toContain('the third wrong code ends the request')
    expect(outcome).toContain(
      'Next: A new PIN has been sent since this answer, with 3 attempts: enter the code from the newest message or call.',
    )

    // Later reads of the request (the poll, the stream) change nothing said: the answer is neither
    // counted again ("2 times in a row") nor read out again.
    for (let i = 0; i < 3; i++) {
      await server.stream.push('request', { ...newPin })
    }
    expect(text('[data-test="action-outcome"]')).toBe(outcome)
    expect(outcome).not.toContain('times in a row')
  })
})
