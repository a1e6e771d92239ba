import { describe, expect, it } from 'vitest'
import { raw } from './support/http'
import { admin, listOf, sandboxForEachTest } from './support/sandbox'
import * as T from './support/texts'

// An injected status takes the place of what a call would answer once its credentials are checked:
// missing or wrong credentials answer 2 or 4 as without a fault, and a status 10 names a request
// of the caller's own account, never another account's.
const sb = sandboxForEachTest()
const NUMBER = '447700944444'
const PIN_ACCOUNT = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }

async function getJson(path: string) {
  const res = await raw(sb.base, { path })
  expect(res.status).toBe(200)
  return JSON.parse(res.text) as Record<string, unknown>
}

async function startOnDefaultAccount(): Promise<string> {
  const started = await getJson(
    `/verify/json?api_key=${sb.key}&api_secret=${sb.secret}&number=${NUMBER}&brand=Acme`,
  )
  expect(started.status).toBe('0')
  return started.request_id as string
}

describe('an injected status 10', () => {
  it("answers status 4 to wrong credentials, not the id of another account's request", async () => {
    await startOnDefaultAccount()
    await admin(sb.base, '/faults', { endpoint: 'request', status: '10' })
    const answer = await getJson(
      `/verify/json?api_key=nobody&api_secret=wrong&number=${NUMBER}&brand=Acme`,
    )
    expect(answer).toEqual({ status: '4', error_text: 'Invalid credentials were provided' })
    // The fault was the call's, and nothing was started.
    expect(await admin(sb.base, '/faults')).toEqual({ faults: [] })
    expect(listOf(await admin(sb.base, `/requests?number=${NUMBER}`), 'requests')).toHaveLength(1)
  })

  it("names a request of the caller's own account when another account has one in progress", async () => {
    const others = await startOnDefaultAccount()
    await admin(sb.base, '/faults', { endpoint: 'request', status: '10' })
    const answer = await getJson(
      `/verify/json?api_key=${PIN_ACCOUNT.api_key}&api_secret=${PIN_ACCOUNT.api_secret}` +
        `&number=${NUMBER}&brand=Acme`,
    )
    expect(answer).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: '10',
      error_text: T.CONCURRENT,
    })
    expect(answer.request_id).not.toBe(others)
    const own = listOf(await admin(sb.base, '/requests?account=sandbox-pin'), 'requests')
    expect(own.map((r) => r.request_id)).toEqual([answer.request_id])
  })
})

describe('any other injected status', () => {
  it('comes after the credentials: missing or wrong ones answer 2 or 4, right ones the fault', async () => {
    await admin(sb.base, '/faults', { endpoint: 'check', status: '5', count: 3 })
    const id = 'a'.repeat(32)
    expect(await getJson(`/verify/check/json?api_secret=x&request_id=${id}&code=1234`)).toEqual({
      status: '2',
      error_text: T.MISSING_API_KEY,
    })
    expect(
      await getJson(`/verify/check/json?api_key=${sb.key}&api_secret=x&request_id=${id}&code=1234`),
    ).toEqual({ status: '4', error_text: 'Bad credentials' })
    expect(
      await getJson(
        `/verify/check/json?api_key=${sb.key}&api_secret=${sb.secret}&request_id=${id}&code=1234`,
      ),
    ).toEqual({ status: '5', error_text: 'Internal Error' })
  })

  it('answers 999 to a body that cannot be read; an injected 999 needs no credentials', async () => {
    await admin(sb.base, '/faults', { endpoint: 'check', status: '5' })
    const broken = await raw(sb.base, {
      method: 'POST',
      path: '/verify/check/json',
      headers: { 'content-type': 'application/json' },
      body: '{"api_key":',
    })
    expect(JSON.parse(broken.text)).toEqual({ status: '999', error_text: T.UNPARSEABLE_JSON })
    expect(await admin(sb.base, '/faults')).toEqual({ faults: [] })
    await admin(sb.base, '/faults', { endpoint: 'check', status: '999' })
    expect(await getJson('/verify/check/json?request_id=x&code=1234')).toEqual({
      status: '999',
      error_text: T.UNPARSEABLE_JSON,
    })
  })
})
