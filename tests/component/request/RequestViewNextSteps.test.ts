/**
 * The page's "Next" hints never contradict what else it shows: no cancel offered once cancel is
 * no longer possible, no new verification for a request that ended verified, no "the third wrong
 * code ends the request" once a new PIN (with its attempts again) was sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { checkCode, searchRequests, type CheckResult } from '@/api/verify'
import { getAdminRequest, getClock, openSandboxEvents, type SandboxEvent } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import RequestSummary from '@/components/request/RequestSummary.vue'
import type { RequestModel } from '@/utils/request-model'
import { adminRequest } from '../verify/support'
import { answerReads, mountOnAnyPath, mountRequestPage, summaryModel } from './support'

vi.mock('@/api/verify', async () => (await import('./support')).verifyApiMock())
vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = '9'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
const text = (selector: string) => wrapper!.get(selector).text()

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  t0 = Date.now()
  answerReads({ getClock, searchRequests }, ID, t0)
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
    vi.mocked(searchRequests).mockResolvedValue({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    vi.mocked(getAdminRequest).mockResolvedValue(null)
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
    vi.mocked(getAdminRequest).mockResolvedValue(withAttempts(3))
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountRequestPage(pinia, ID)
    vi.mocked(getAdminRequest).mockResolvedValue(withAttempts(2))
    vi.mocked(checkCode).mockResolvedValue({
      request_id: ID,
      status: '16',
      error_text: 'The code provided does not match the expected value',
    } as CheckResult)
    await wrapper.get('#pin-code').setValue('9999')
    await wrapper.get('form.pin-entry').trigger('submit')
    await flushPromises()
    expect(text('[data-test="action-outcome"]')).toContain('the third wrong code ends the request')
    expect(text('[data-test="attempts-left"]')).toBe('2 attempts left for this PIN.')

    // The next message brings a new PIN: its attempts are 3 again.
    const newPin = withAttempts(3, { pin: '5678' })
    vi.mocked(getAdminRequest).mockResolvedValue(newPin)
    const onEvent = vi.mocked(openSandboxEvents).mock.lastCall?.[0] as (e: SandboxEvent) => void
    onEvent({ type: 'request', data: newPin })
    await flushPromises()
    expect(text('[data-test="attempts-left"]')).toBe('3 attempts left for this PIN.')
    const outcome = text('[data-test="action-outcome"]')
    expect(outcome).not.toContain('the third wrong code ends the request')
    expect(outcome).toContain(
      'Next: A new PIN has been sent since this answer, with 3 attempts: enter the code from the newest message or call.',
    )

    // Later reads of the request (the poll, the stream) change nothing said: the answer is neither
    // counted again ("2 times in a row") nor read out again.
    for (let i = 0; i < 3; i++) {
      onEvent({ type: 'request', data: { ...newPin } })
      await flushPromises()
    }
    expect(text('[data-test="action-outcome"]')).toBe(outcome)
    expect(outcome).not.toContain('times in a row')
  })
})
