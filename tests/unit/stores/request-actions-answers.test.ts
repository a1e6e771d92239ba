/**
 * How check, cancel and next event read unusual answers (real API layer, only `fetch` replaced):
 * a Verify answer sent with an HTTP error status, an answer without a status, and the advice of
 * each status for the call that got it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient } from '@/api/client'
import { useRequestActions } from '@/composables/useRequestActions'
import { useRequestsStore } from '@/stores/requests'
import { statusInfo } from '@contract/status'
import { freshHistoryEnvironment, requestId } from './history-support'

const ID = requestId(7)

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** Answers the action with `body` (HTTP `status`) and every search with "in progress". */
function answer(body: unknown, status = 200) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      if (new URL(request.url).pathname.includes('/search/')) {
        return json({ status: '101', error_text: 'No response found' })
      }
      return json(body, status)
    }) as typeof fetch,
  })
}

let store: ReturnType<typeof useRequestsStore>
function actions(environment: 'live' | 'sandbox' = 'live') {
  return useRequestActions(ID, environment)
}

beforeEach(() => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  store = useRequestsStore()
})
afterEach(async () => {
  await store.dispose()
})

describe('a Verify answer sent with an HTTP error status is the upstream answer', () => {
  it('check answered HTTP 500 status 5: Vonage status and text, the 500 said as Vonage own', async () => {
    answer({ status: '5', error_text: 'Internal Error' }, 500)
    const outcome = await actions().check('1234')
    expect(outcome).toMatchObject({
      ok: false,
      status: '5',
      failure: null,
      title: 'Internal error',
    })
    expect(outcome?.message).toBe(
      'Internal Error. Vonage sent this answer with HTTP 500 instead of the usual 200: the status and error text are its own answer to the call.',
    )
    expect(outcome?.title).not.toMatch(/server/i)
  })

  it('cancel on the sandbox answered HTTP 409 status 19: the sandbox answered', async () => {
    answer({ status: 19, error_text: 'cannot be cancelled' }, 409)
    const outcome = await actions('sandbox').cancel()
    expect(outcome).toMatchObject({ ok: false, status: '19', failure: null })
    expect(outcome?.message).toContain('The sandbox sent this answer with HTTP 409')
  })

  it.each(['', null])(
    'a wrong code answered with error_text %j: the meaning of status 16 is said instead',
    async (errorText) => {
      answer({ request_id: ID, status: '16', error_text: errorText })
      const outcome = await actions().check('1234')
      expect(outcome).toMatchObject({ ok: false, status: '16', title: 'Wrong code' })
      expect(outcome?.message).toBe(statusInfo('16', 'check').meaning)
      expect(outcome?.message).not.toBe('')
    },
  )

  it('a check answered HTTP 200 says nothing of the HTTP status', async () => {
    answer({ request_id: ID, status: '16', error_text: 'The code provided does not match' })
    const outcome = await actions().check('1234')
    expect(outcome?.message).toBe('The code provided does not match')
  })
})

describe('a success answer that leaves out optional fields is a success', () => {
  beforeEach(async () => {
    await store.upsert({
      request_id: ID,
      environment: 'live',
      number: '447700900123',
      status: 'IN PROGRESS',
      createdAt: Date.now() - 60_000,
      source: 'started',
    })
  })

  it('check status 0 without event_id, price or currency: verified, in history too', async () => {
    answer({ status: '0' })
    const outcome = await actions().check('1234')
    expect(outcome).toMatchObject({ ok: true, codeUsed: true })
    expect(outcome?.statusChange).toBe(
      'Request …000007 to +447700900123 is now verified (SUCCESS).',
    )
    expect(store.byId(ID)?.status).toBe('SUCCESS')
    expect(store.byId(ID)?.lastSearch?.checks).toEqual([
      expect.objectContaining({ code: '$CODE', status: 'VALID' }),
    ])
  })

  it('cancel status 0 without command: cancelled, in history too', async () => {
    answer({ status: '0' })
    const outcome = await actions().cancel()
    expect(outcome).toMatchObject({ ok: true, title: 'Request cancelled.' })
    expect(store.byId(ID)?.status).toBe('CANCELLED')
  })

  it('next event status 0 without command: on its way', async () => {
    answer({ status: 0 })
    const outcome = await actions().next()
    expect(outcome).toMatchObject({ ok: true, title: 'The next message or call is on its way.' })
  })
})

describe('a check or control answered without a status', () => {
  it('check: the code may have been checked; refresh before entering it again', async () => {
    answer({})
    const outcome = await actions().check('1234')
    expect(outcome).toMatchObject({ ok: false, status: '', failure: 'maybe', codeUsed: true })
    expect(outcome?.title).toBe('Vonage answered something this dashboard cannot use')
    expect(outcome?.nextStep).toMatch(/^The code may have been checked: refresh the request/)
  })

  it('cancel answered HTTP 502 {"error":"gateway"}: may have gone through, with the 502 as Vonage own', async () => {
    answer({ error: 'gateway' }, 502)
    const outcome = await actions().cancel()
    expect(outcome).toMatchObject({ failure: 'maybe' })
    expect(outcome?.title).toBe('Vonage answered something this dashboard cannot use (HTTP 502)')
    expect(outcome?.message).toContain('{"error":"gateway"}')
    expect(outcome?.nextStep).toMatch(/^The cancel may have gone through/)
  })
})

describe('each status read for the call that got it', () => {
  it('status 5 on a check: refresh before entering the code again, never "search first"', async () => {
    answer({ status: '5', error_text: 'Internal Error' })
    const outcome = await actions().check('1234')
    expect(outcome?.nextStep).toMatch(/^Refresh the request before entering the code again/)
    expect(outcome?.nextStep).not.toMatch(/search first|may already have started/i)
  })

  it('status 5 on a cancel and on a next event: refresh, then that command again', async () => {
    answer({ status: '5', error_text: 'Internal Error' })
    expect((await actions().cancel())?.nextStep).toMatch(/the cancel may have gone through/)
    expect((await actions().next())?.nextStep).toMatch(/trigger the next event again/)
  })

  it('status 19 on trigger_next_event: no events left, nothing about cancelling', async () => {
    answer({
      status: '19',
      error_text: `No more events are left to execute for the request ['${ID}']`,
    })
    const outcome = await actions().next()
    expect(outcome).toMatchObject({
      title: 'No events left',
      nextStep: 'Enter the code already sent, or let the request expire.',
    })
  })

  it('status 19 on a cancel in the first 30 s: cancel again later, nothing about events', async () => {
    answer({
      status: '19',
      error_text: `Verification request ['${ID}'] can't be cancelled within the first 30 seconds.`,
    })
    const outcome = await actions().cancel()
    expect(outcome).toMatchObject({
      title: 'Too early to cancel',
      nextStep: 'Cancel again once 30 s have passed since the start.',
    })
  })

  it('status 19 on a cancel too late: no longer possible', async () => {
    answer({
      status: '19',
      error_text: `Verification request  ['${ID}'] can't be cancelled now. Too many attempts to re-deliver have already been made.`,
    })
    const outcome = await actions().cancel()
    expect(outcome).toMatchObject({
      title: 'Too late to cancel',
      nextStep: 'The request can no longer be cancelled: let it finish or expire.',
    })
  })
})

describe('a look-up whose search answered an error', () => {
  it('status 6: the next step is about the ids sent, not "search the request"', async () => {
    configureSearch({
      status: '6',
      error_text:
        'The Vonage platform was unable to process this message for the following reason: Wrong parameters.',
    })
    const report = await store.lookUp('live', [ID])
    expect(report.failed).toHaveLength(1)
    expect(report.failed[0]!.nextStep).toBe(
      'Check the request_id values sent (up to 10, each of up to 32 characters).',
    )
  })

  it('status 5 sent with HTTP 500: search again, and the 500 said as Vonage own', async () => {
    configureSearch({ status: '5', error_text: 'Internal Error' }, 500)
    const report = await store.lookUp('live', [ID])
    expect(report.failed[0]).toMatchObject({
      message:
        'status 5: Internal Error. Vonage sent this answer with HTTP 500 instead of the usual 200: the status and error text are its own answer to the call.',
      nextStep: 'Search again in a moment.',
    })
  })
})

/** Answers every search with `body` (HTTP `status`). */
function configureSearch(body: unknown, status = 200) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () => json(body, status)) as typeof fetch,
  })
}

describe('a PIN is sent once, whatever asks for it twice', () => {
  it('two checks asked for in the same tick make a single check call', async () => {
    const checks: string[] = []
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = input instanceof Request ? input : new Request(input, init)
        const path = new URL(request.url).pathname
        if (path.includes('/search/'))
          return json({ status: '101', error_text: 'No response found' })
        if (path.includes('/check/')) checks.push(request.method)
        return json({ request_id: ID, status: '0', event_id: 'e1', price: '0.05', currency: 'EUR' })
      }) as typeof fetch,
    })
    const a = actions()
    const [first, second] = await Promise.all([a.check('1234'), a.check('1234')])
    expect(checks).toHaveLength(1)
    expect([first, second].filter((outcome) => outcome === null)).toHaveLength(1)
  })
})
