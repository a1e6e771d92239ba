import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  configureClient,
  OFFLINE_MESSAGE,
  onApiCall,
  onApiCallSent,
  type ApiCall,
} from '@/api/client'
import { cancelRequest, checkCode, startVerification } from '@/api/verify'
import { describeFailure, failureTitle, sayOnce } from '@/utils/call-failure'

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** The browser's own idea of its connection, as `navigator.onLine` tells it. */
const browser = { onLine: true }
let fetched: Request[]
let sent: ApiCall[]
let answered: ApiCall[]
const stops: (() => void)[] = []

function serve(handler: (request: Request) => Response) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    // No limit is the subject here: generous, so that a busy machine never reaches it.
    timeout: 10_000,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      fetched.push(request)
      return handler(request)
    }) as typeof fetch,
  })
}

beforeEach(() => {
  browser.onLine = true
  vi.stubGlobal('navigator', browser)
  fetched = []
  sent = []
  answered = []
  stops.push(
    onApiCallSent((c) => sent.push(c)),
    onApiCall((c) => answered.push(c)),
  )
})
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  vi.unstubAllGlobals()
})

/** A browser's fetch: offline, a connection fails before anything is sent. */
function serveUnlessOffline(handler: (request: Request) => Response) {
  serve((request) => {
    if (!browser.onLine) throw new TypeError('Failed to fetch')
    return handler(request)
  })
}

describe('a call while the browser is offline', () => {
  it('whose connection fails was not sent: a failure of its own, naming its environment', async () => {
    serveUnlessOffline(() => json({ status: '0', event_id: 'e' }))
    browser.onLine = false
    const error = await checkCode('sandbox', 'a'.repeat(32), '1234').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      kind: 'offline',
      message: OFFLINE_MESSAGE,
      environment: 'sandbox',
    })
    // Logged as tried, with the failure that says nothing was sent.
    expect(answered[0]?.error).toEqual({ kind: 'offline', message: OFFLINE_MESSAGE })
    const view = describeFailure('check', error as ApiError)
    expect(view).toMatchObject({ delivery: 'not_sent', heading: 'The code was not sent' })
    expect(view.nextStep).toBe('Check the connection, then try again.')
  })

  it('still reaches a server that answers without a network (this machine): its answer is used', async () => {
    serve(() => json({ status: '0', request_id: 'b'.repeat(32) }))
    browser.onLine = false
    await expect(startVerification('sandbox', { number: '1', brand: 'b' })).resolves.toMatchObject({
      status: '0',
    })
    expect(fetched).toHaveLength(1)
  })

  it('is sent as usual once the browser is back online', async () => {
    serveUnlessOffline(() => json({ status: '0', request_id: 'b'.repeat(32) }))
    browser.onLine = false
    await expect(startVerification('live', { number: '1', brand: 'b' })).rejects.toMatchObject({
      kind: 'offline',
      environment: 'live',
    })
    browser.onLine = true
    await expect(startVerification('live', { number: '1', brand: 'b' })).resolves.toMatchObject({
      status: '0',
    })
  })

  it('that went offline after the call was sent stays a call that may have gone out', async () => {
    serve(() => {
      // The connection is lost while the call is on its way.
      browser.onLine = false
      throw new TypeError('Failed to fetch')
    })
    const error = await cancelRequest('sandbox', 'c'.repeat(32)).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'network' })
    expect(sent).toHaveLength(1)
    expect(describeFailure('cancel', error as ApiError).delivery).toBe('maybe')
  })
})

describe('the messages of failures without an answer', () => {
  // The time limit is short only where it is to run out (the call never answered).
  it.each([
    ['a lost connection', () => Promise.reject(new TypeError('Failed to fetch')), 10_000],
    [
      'an error status without a body',
      () => Promise.resolve(new Response('', { status: 500 })),
      10_000,
    ],
    [
      'an error status with a text',
      () => Promise.resolve(new Response('Oops', { status: 500 })),
      10_000,
    ],
    [
      'an answer that is not JSON',
      () => Promise.resolve(new Response('<html>', { status: 200 })),
      10_000,
    ],
    ['no answer in time', () => new Promise<Response>(() => undefined), 50],
  ])('%s: title and message never say the same thing twice', async (_name, answer, timeout) => {
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      timeout,
      fetch: (() => answer()) as unknown as typeof fetch,
    })
    const error = (await checkCode('sandbox', 'd'.repeat(32), '1234').catch(
      (e: unknown) => e,
    )) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    const title = failureTitle(error)
    const said = sayOnce(title, error.message)
    // One of the two gives way, and what is said still carries the title's words.
    expect(said.title === '' || said.message === '').toBe(true)
    expect(`${said.title}${said.message}`.toLowerCase()).toContain(title.toLowerCase())
  })
})
