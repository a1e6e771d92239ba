/**
 * The start flow on New verification with the real API layer (only `fetch` is replaced): how the
 * page reads unusual answers of the upstream — a numeric status, an answer without a status.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { Router } from 'vue-router'
import { useRequestsStore } from '@/stores/requests'
import { json, useDeskServer } from '../support/desk-server'
import { adminRequest, BLOCKER_ID, mountNewVerification, REQUEST_ID } from './support'
import { clockAt, searchAnswer } from '../request/support'

const server = useDeskServer()

let wrapper: VueWrapper
let router: Router
/** What the upstream answers to a start: body and HTTP status. */
let startAnswer: { body: unknown; status: number }
/** The starts that reached the server, of either kind. */
const starts = () => [
  ...server.callsTo('POST', 'sandbox/verify/json'),
  ...server.callsTo('POST', 'sandbox/verify/psd2/json'),
]

beforeEach(async () => {
  startAnswer = { body: { request_id: REQUEST_ID, status: '0' }, status: 200 }
  server.on(
    'GET',
    'environments',
    json({
      environments: [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: true },
      ],
      default: 'sandbox',
    }),
  )
  const answerStart = () => json(startAnswer.body, startAnswer.status)
  server.on('POST', 'sandbox/verify/json', answerStart)
  server.on('POST', 'sandbox/verify/psd2/json', answerStart)
  ;({ wrapper, router } = await mountNewVerification())
  await flushPromises()
})
afterEach(async () => {
  wrapper.unmount()
  await useRequestsStore().dispose()
})

async function startTo(number: string) {
  const input = wrapper.get('#number')
  await input.setValue(number)
  await input.trigger('blur')
  await wrapper.get('form[aria-label="New verification"]').trigger('submit')
  await flushPromises()
}

const alertText = () => wrapper.get('[role="alert"]').text().replace(/\s+/g, ' ')
const unanswered = () => wrapper.findAll('[data-test="unanswered-start"]')

describe('a start answered "status": 0 as a number', () => {
  it('opens the request and puts it into history, with nothing left without an answer', async () => {
    startAnswer = { body: { request_id: REQUEST_ID, status: 0 }, status: 200 }
    await startTo('+447700900123')
    expect(starts().map((c) => [c.path, (c.body as Record<string, string>).number])).toEqual([
      ['sandbox/verify/json', '447700900123'],
    ])
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    expect(useRequestsStore().byId(REQUEST_ID)).toMatchObject({
      number: '447700900123',
      status: 'IN PROGRESS',
    })
    expect(unanswered()).toHaveLength(0)
  })
})

describe('a start answered without a status', () => {
  it.each([[{}], [{ error: 'gateway' }]])(
    'answered %j: the start may have gone out, and stays listed',
    async (body) => {
      startAnswer = { body, status: 200 }
      await startTo('+447700900123')
      expect(router.currentRoute.value.fullPath).toBe('/')
      const alert = wrapper.get('[role="alert"]')
      expect(alert.get('h2').text()).toBe('The start may have gone out')
      const text = alertText()
      expect(text).toContain('The sandbox answered something this dashboard cannot use.')
      expect(text).toContain('The sandbox answered without a status')
      expect(text).toContain('Next: Send it again with the same number')
      expect(text).not.toMatch(/Status undefined|does not know|Server code/)
      expect(unanswered()).toHaveLength(1)
      expect(unanswered()[0]!.text()).toContain('+447700900123')
      expect(unanswered()[0]!.text()).toContain('This start may have gone out')
      expect(useRequestsStore().entries).toHaveLength(0)
    },
  )

  it('a PSD2 start too', async () => {
    startAnswer = { body: {}, status: 200 }
    await wrapper.get('input[value="psd2"]').setValue(true)
    const payee = wrapper.get('#payee')
    await payee.setValue('Shop')
    await wrapper.get('#amount').setValue('48.00')
    await startTo('+447700900123')
    expect(starts().map((c) => c.path)).toEqual(['sandbox/verify/psd2/json'])
    expect(wrapper.get('[role="alert"] h2').text()).toBe('The start may have gone out')
    expect(unanswered()).toHaveLength(1)
  })
})

describe('a start accepted (status 0) with a request_id that is not 32 hexadecimal characters', () => {
  it.each(['REQ-123', 'x'])(
    'request_id %s: stays on the form, names the id, keeps the start listed, writes no history',
    async (id) => {
      startAnswer = { body: { request_id: id, status: '0' }, status: 200 }
      await startTo('+447700900123')
      expect(router.currentRoute.value.fullPath).toBe('/')
      expect(wrapper.get('[role="alert"] h2').text()).toBe('The start may have gone out')
      expect(alertText()).toContain(`the request_id "${id}"`)
      expect(unanswered()).toHaveLength(1)
      expect(unanswered()[0]!.text()).toContain(`"${id}"`)
      expect(useRequestsStore().entries).toHaveLength(0)
      expect(useRequestsStore().byId(id)).toBeUndefined()
    },
  )
})

describe('a start answered a Verify answer with an HTTP error status', () => {
  it('HTTP 500 status 5: the sandbox status and text, the 500 said as its own, never "the server"', async () => {
    startAnswer = { body: { status: '5', error_text: 'Internal Error' }, status: 500 }
    await startTo('+447700900123')
    const alert = wrapper.get('[role="alert"]')
    expect(alert.get('h2').text()).toBe('Status 5: Internal error')
    expect(alert.get('code').text()).toBe('Internal Error')
    expect(alert.get('[data-test="start-error-http"]').text()).toBe(
      'The sandbox sent this answer with HTTP 500 instead of the usual 200: the status and error text are its own answer to the call.',
    )
    expect(alertText()).not.toMatch(
      /The server answered|The server refused|whoever runs this server/,
    )
  })

  it('HTTP 409 status 10: a verification already in progress, not a refusal of the server', async () => {
    // The panel of the request named reads it from the sandbox.
    const blocker = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    server.on('GET', 'sandbox/__admin/requests', json({ requests: [blocker], total: 1 }))
    server.on('GET', 'sandbox/__admin/clock', json(clockAt(Date.now())))
    server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(BLOCKER_ID)))
    startAnswer = {
      body: {
        request_id: BLOCKER_ID,
        status: '10',
        error_text: 'Concurrent verifications to the same number are not allowed',
      },
      status: 409,
    }
    await startTo('+447700900123')
    const alert = wrapper.get('[role="alert"]')
    expect(alert.get('h2').text()).toBe('Status 10: Verification already in progress')
    expect(alert.get('[data-test="start-error-http"]').text()).toContain('HTTP 409')
    expect(alertText()).not.toMatch(/Nothing was sent, and the same call will fail again/)
  })
})
