import { describe, expect, it } from 'vitest'
import { expectProblem } from './support/assert'
import { basic, raw, type RawResponse } from './support/http'
import { admin, advance, frozenClock, sandboxForEachTest, uniqueNumber } from './support/sandbox'

// POST /verify/network-unblock (spec 1.2.4). The official Node SDK has no method for it (its
// Verify v1 client offers start, check, search, cancel and trigger only), so these are raw HTTP
// calls. In the sandbox a network is blocked while a status 7 fault naming it is there.
const sb = sandboxForEachTest(frozenClock)

function unblock(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw(sb.base, {
    method: 'POST',
    path: '/verify/network-unblock',
    headers: {
      'content-type': 'application/json',
      authorization: basic(sb.key, sb.secret),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

function start(): Promise<RawResponse> {
  return raw(sb.base, {
    method: 'POST',
    path: '/verify/json',
    headers: { 'content-type': 'application/json', authorization: basic(sb.key, sb.secret) },
    body: JSON.stringify({ number: uniqueNumber(), brand: 'Acme' }),
  })
}

const statusOf = async (res: Promise<RawResponse>) =>
  (JSON.parse((await res).text) as { status: string }).status

/** The sandbox clock now, in ms. */
async function now(): Promise<number> {
  return ((await admin(sb.base, '/clock')) as { now_ms: number }).now_ms
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

describe('POST /verify/network-unblock', () => {
  it('lifts the block of a network for unblock_duration seconds of the sandbox clock', async () => {
    await admin(sb.base, '/faults', {
      endpoint: 'request',
      status: '7',
      network: '23410',
      count: 5,
    })
    expect(await statusOf(start())).toBe('7')
    const at = await now()
    const res = await unblock({ network: '23410', unblock_duration: 600 })
    expect(res.status).toBe(202)
    expect(res.headers['content-type']).toBe('application/json')
    expect(JSON.parse(res.text)).toEqual({
      network: '23410',
      unblocked_until: isoSeconds(at + 600_000),
    })
    // Unblocked: starts go through, and the fault is not used up.
    expect(await statusOf(start())).toBe('0')
    expect(await admin(sb.base, '/faults')).toMatchObject({ faults: [{ remaining: 4 }] })
    await advance(sb.base, 599)
    expect(await statusOf(start())).toBe('0')
    // The unblock is over: the block is back.
    await advance(sb.base, 1)
    expect(await statusOf(start())).toBe('7')
    expect(await admin(sb.base, '/faults')).toMatchObject({ faults: [{ remaining: 3 }] })
  })

  it('unblocks for 3600 s by default, and takes the credentials in the body too', async () => {
    await admin(sb.base, '/faults', { endpoint: 'psd2', status: '7' })
    const at = await now()
    const res = await unblock(
      { api_key: sb.key, api_secret: sb.secret, network: '244523' },
      { authorization: '' },
    )
    expect(res.status).toBe(202)
    expect(JSON.parse(res.text)).toEqual({
      network: '244523',
      unblocked_until: isoSeconds(at + 3_600_000),
    })
  })

  it('answers 404 for a network without an active block', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', status: '7', network: '23410' })
    const res = await unblock({ network: '23415' })
    expectProblem(res, 404, {
      type: 'https://developer.vonage.com/api-errors#bad-request',
      title: 'Not Found',
      detail: 'The network you provided does not have an active block.',
    })
  })

  it('answers 422 naming the parameter for a missing or bad network and a bad duration', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', status: '7', network: '23410' })
    const missing = await unblock({ unblock_duration: 60 })
    expectProblem(missing, 422, {
      type: 'https://developer.vonage.com/api-errors#invalid-paramater',
      title: 'Network not found.',
      detail: 'Network is not in the request.',
      invalid_parameters: [{ name: 'network', reason: 'Network not found' }],
    })
    const bad = await unblock({ network: '2341' })
    expect(bad.status).toBe(422)
    expect(JSON.parse(bad.text)).toMatchObject({
      invalid_parameters: [{ name: 'network', reason: 'Network not found' }],
    })
    for (const duration of [-1, 86_401, 1.5, 'soon']) {
      const res = await unblock({ network: '23410', unblock_duration: duration })
      expectProblem(
        res,
        422,
        {
          type: 'https://developer.vonage.com/api-errors#invalid-paramater',
          title: 'Invalid unblock_duration parameter',
          detail: 'Unblock duration is invalid.',
          invalid_parameters: [
            {
              name: 'unblock_duration',
              reason: 'Must be a whole number of seconds from 0 to 86400',
            },
          ],
        },
        String(duration),
      )
    }
    for (const duration of [0, 86_400, '60']) {
      expect((await unblock({ network: '23410', unblock_duration: duration })).status).toBe(202)
    }
  })

  it('answers 401 to missing or wrong credentials, before judging anything else', async () => {
    for (const authorization of ['', basic(sb.key, 'wrong'), basic('nobody', sb.secret)]) {
      const res = await unblock({ network: 'x' }, { authorization })
      expectProblem(res, 401, {
        type: 'https://developer.vonage.com/api-errors#unauthorized',
        title: 'Unauthorized',
        detail: 'You did not provide correct credentials.',
      })
      expect(res.headers['www-authenticate']).toMatch(/^Basic /)
    }
  })

  it('answers 429 when the account is over its throttle, and 422 to a body that is not JSON', async () => {
    await admin(sb.base, '/throttle', { per_second: 0 }, 'PUT')
    const throttled = await unblock({ network: '23410' })
    expectProblem(throttled, 429, {
      type: 'https://developer.vonage.com/api-errors/verify#rate-limit',
      title: 'Rate Limit Hit',
      detail: 'Please wait, then retry your request',
    })
    const broken = await unblock('{"network":')
    expect(broken.status).toBe(422)
    expect(JSON.parse(broken.text)).toMatchObject({
      detail: 'Could not parse request :: Unparseable JSON',
    })
  })

  it('takes POST only (403 to another method, as the other endpoints do)', async () => {
    const res = await raw(sb.base, { path: '/verify/network-unblock' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({
      error: { code: 'method_not_allowed', message: 'Method GET is not allowed here.' },
    })
  })
})
