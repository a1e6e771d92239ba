import { describe, expect, it } from 'vitest'
import { CREDS, PIN_CREDS, fakeEngine } from './support'
import type { Params, WireBody } from '../../../server/sandbox/engine'
import type { VerifyEndpoint } from '@contract/types'

// An injected status answers in the shape the API gives that status on the endpoint called: the
// same fields in the same order, the same request_id. Each row makes the sandbox answer the status
// for real, then asks for the same status as a fault with the same parameters.

type Sandbox = ReturnType<typeof fakeEngine>
interface Case {
  name: string
  endpoint: VerifyEndpoint
  status: string
  /** Prepares the state and returns the call's parameters (credentials included). */
  setup(sb: Sandbox): Params
  /** Engine options (a throttle). */
  throttle?: number
}

const UNKNOWN = 'ffffffffffffffffffffffffffffffff'
const OTHER = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'
const BAD = { api_key: 'sandbox', api_secret: 'wrong' }
const start = { number: '447700900000', brand: 'Acme' }
const psd2 = { number: '447700900000', payee: 'Shop', amount: '1.00' }

function wrongPin(sb: Sandbox, id: string): string {
  return sb.pin(id).replace(/\d/g, (d) => String((Number(d) + 1) % 10))
}

const CASES: Case[] = [
  {
    name: 'missing number',
    endpoint: 'request',
    status: '2',
    setup: () => ({ ...CREDS, brand: 'A' }),
  },
  {
    name: 'invalid number',
    endpoint: 'request',
    status: '3',
    setup: () => ({ ...CREDS, ...start, number: '12' }),
  },
  {
    name: 'bad credentials',
    endpoint: 'request',
    status: '4',
    setup: () => ({ ...BAD, ...start }),
  },
  {
    name: 'number in progress',
    endpoint: 'request',
    status: '10',
    setup: (sb) => (sb.start(), { ...CREDS, ...start }),
  },
  {
    name: 'pin_code not enabled',
    endpoint: 'request',
    status: '20',
    setup: () => ({ ...CREDS, ...start, pin_code: '1234' }),
  },
  {
    name: 'throttled start',
    endpoint: 'request',
    status: '1',
    throttle: 1,
    setup: (sb) => (sb.start({ number: '447700900001' }), { ...CREDS, ...start }),
  },
  {
    name: 'PSD2 missing payee',
    endpoint: 'psd2',
    status: '2',
    setup: () => ({ ...CREDS, number: '447700900000', amount: '1' }),
  },
  {
    name: 'PSD2 bad amount',
    endpoint: 'psd2',
    status: '3',
    setup: () => ({ ...CREDS, ...psd2, amount: 'x' }),
  },
  {
    name: 'PSD2 bad credentials',
    endpoint: 'psd2',
    status: '4',
    setup: () => ({ ...BAD, ...psd2 }),
  },
  {
    name: 'PSD2 number in progress',
    endpoint: 'psd2',
    status: '10',
    setup: (sb) => (sb.start(), { ...CREDS, ...psd2 }),
  },
  {
    name: 'check without code',
    endpoint: 'check',
    status: '2',
    setup: (sb) => ({ ...CREDS, request_id: sb.start() }),
  },
  {
    name: 'check of a code with letters',
    endpoint: 'check',
    status: '3',
    setup: (sb) => ({ ...CREDS, request_id: sb.start(), code: '12a4' }),
  },
  {
    name: 'check with bad credentials',
    endpoint: 'check',
    status: '4',
    setup: (sb) => ({ ...BAD, request_id: sb.start(), code: '1234' }),
  },
  {
    name: 'check of an unknown id',
    endpoint: 'check',
    status: '6',
    setup: () => ({ ...CREDS, request_id: UNKNOWN, code: '1234' }),
  },
  {
    name: 'wrong code',
    endpoint: 'check',
    status: '16',
    setup: (sb) => {
      const id = sb.start()
      return { ...CREDS, request_id: id, code: wrongPin(sb, id) }
    },
  },
  {
    name: 'third wrong code',
    endpoint: 'check',
    status: '17',
    setup: (sb) => {
      const id = sb.start()
      const code = wrongPin(sb, id)
      sb.call('check', { request_id: id, code })
      sb.call('check', { request_id: id, code })
      return { ...CREDS, request_id: id, code }
    },
  },
  {
    name: 'throttled check',
    endpoint: 'check',
    status: '1',
    throttle: 1,
    setup: (sb) => (
      sb.call('search', { request_id: UNKNOWN }),
      { ...CREDS, request_id: UNKNOWN, code: '1234' }
    ),
  },
  { name: 'search of nothing', endpoint: 'search', status: '2', setup: () => ({ ...CREDS }) },
  {
    name: 'search with bad credentials',
    endpoint: 'search',
    status: '4',
    setup: () => ({ ...BAD, request_id: UNKNOWN }),
  },
  {
    name: 'search of an unknown request_id',
    endpoint: 'search',
    status: '101',
    setup: () => ({ ...CREDS, request_id: UNKNOWN }),
  },
  {
    name: 'search of one unknown id in request_ids',
    endpoint: 'search',
    status: '101',
    setup: () => ({ ...CREDS, request_ids: [UNKNOWN] }),
  },
  {
    name: 'search of several unknown ids',
    endpoint: 'search',
    status: '101',
    setup: () => ({ ...CREDS, request_ids: [UNKNOWN, OTHER] }),
  },
  {
    name: 'search of eleven ids',
    endpoint: 'search',
    status: '18',
    setup: () => ({ ...CREDS, request_ids: Array.from({ length: 11 }, (_, i) => `${i}`) }),
  },
  {
    name: 'control without cmd',
    endpoint: 'control',
    status: '2',
    setup: (sb) => ({ ...CREDS, request_id: sb.start() }),
  },
  {
    name: 'control with a bad cmd',
    endpoint: 'control',
    status: '3',
    setup: (sb) => ({ ...CREDS, request_id: sb.start(), cmd: 'delete' }),
  },
  {
    name: 'control with bad credentials',
    endpoint: 'control',
    status: '4',
    setup: (sb) => ({ ...BAD, request_id: sb.start(), cmd: 'cancel' }),
  },
  {
    name: 'control of an unknown id',
    endpoint: 'control',
    status: '6',
    setup: () => ({ ...CREDS, request_id: UNKNOWN, cmd: 'cancel' }),
  },
  {
    name: 'cancel too early',
    endpoint: 'control',
    status: '19',
    setup: (sb) => ({ ...CREDS, request_id: sb.start(), cmd: 'cancel' }),
  },
  {
    name: 'no more events',
    endpoint: 'control',
    status: '19',
    setup: (sb) => {
      const id = sb.start({ workflow_id: '6' })
      return { ...CREDS, request_id: id, cmd: 'trigger_next_event' }
    },
  },
  {
    name: 'pin_code account, wrong code',
    endpoint: 'check',
    status: '16',
    setup: (sb) => {
      const id = sb.start({ pin_code: '4321' }, PIN_CREDS)
      return { ...PIN_CREDS, request_id: id, code: '1234' }
    },
  },
]

/** The field names in order, and the request_id when there is one. */
function shape(body: WireBody): { keys: string[]; request_id: unknown; status: unknown } {
  return { keys: Object.keys(body), request_id: body.request_id, status: body.status }
}

describe('an injected status has the shape of the real one on the same endpoint', () => {
  it.each(CASES)('$status on $endpoint: $name', (c) => {
    const sb = fakeEngine(c.throttle ? { throttlePerSecond: c.throttle } : {})
    const params = c.setup(sb)
    const injected = sb.engine.injectedAnswer(
      c.endpoint,
      { ...params },
      {
        status: c.status,
        errorText: null,
        network: null,
      },
    )
    const real = sb.engine.call(c.endpoint, { ...params })
    expect(real.status, JSON.stringify(real)).toBe(c.status)
    expect(shape(injected), JSON.stringify(injected)).toEqual(shape(real))
  })

  it('names the id searched for in a 101, and none for a search of several ids', () => {
    const sb = fakeEngine()
    const answer = (params: Params) =>
      sb.engine.injectedAnswer(
        'search',
        { ...CREDS, ...params },
        {
          status: '101',
          errorText: null,
          network: null,
        },
      )
    expect(answer({ request_id: 'abcd' })).toEqual({
      request_id: 'abcd',
      status: '101',
      error_text: 'No response found',
    })
    expect(answer({ request_ids: ['abcd', 'ef01'] })).toEqual({
      status: '101',
      error_text: 'No response found',
    })
  })
  it("checks the credentials first and never names another account's request in a 10", () => {
    const sb = fakeEngine()
    const running = sb.start()
    const ten = { status: '10', errorText: null, network: null }
    const as = (creds: Params) =>
      sb.engine.injectedAnswer('request', { ...creds, ...start }, { ...ten })
    expect(as({ api_key: 'nobody', api_secret: 'wrong' })).toEqual({
      status: '4',
      error_text: 'Invalid credentials were provided',
    })
    expect(as({ api_secret: 'x' })).toEqual({ status: '2', error_text: 'Missing api_key' })
    expect(as(CREDS)).toMatchObject({ request_id: running, status: '10' })
    const own = as(PIN_CREDS)
    expect(own).toMatchObject({ status: '10' })
    expect(own.request_id).not.toBe(running)
    expect(sb.engine.getRequest(own.request_id as string)?.accountId).toBe('sandboxpin')
    const five = sb.engine.injectedAnswer(
      'check',
      { ...BAD, request_id: running, code: '1' },
      {
        status: '5',
        errorText: null,
        network: null,
      },
    )
    expect(five).toEqual({ status: '4', error_text: 'Bad credentials' })
  })

  it('words a status 6 on search as the API does there, not as a start that could not be routed', () => {
    const sb = fakeEngine()
    const on = (endpoint: VerifyEndpoint) =>
      sb.engine.injectedAnswer(
        endpoint,
        { ...CREDS, request_id: 'abcd' },
        { status: '6', errorText: null, network: null },
      ).error_text
    expect(on('search')).toBe(
      'The Vonage platform was unable to process this message for the following reason: Wrong parameters.',
    )
    expect(on('request')).toMatch(/The request could not be routed\.$/)
  })
})
