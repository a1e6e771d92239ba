import { afterEach, describe, expect, it } from 'vitest'
import {
  createSandbox,
  parseSearchPerSecond,
  withSandboxLimitsFromEnv,
} from '../../../server/sandbox/index'
import type { Sandbox } from '../../../server/sandbox/index'
import { CREDS, PIN_CREDS, fakeEngine } from './support'

// The opt-in search limit (the 2018 docs: "the Verify Search API is rate limited to one request
// per second"): per account, on the sandbox clock, on top of the general throttle; a search over
// it answers status 1 with the general throttle's text.

const ID = 'e'.repeat(32)
const THROTTLED = { status: '1', error_text: 'Throttled' }

describe('the search limit in the engine', () => {
  it('is off by default: searches are held to the general throttle only', () => {
    const s = fakeEngine()
    for (let i = 0; i < 50; i++) expect(s.call('search', { request_id: ID }).status).toBe('101')
    expect(s.engine.listAccounts().map((a) => a.search_per_second)).toEqual([null, null])
  })

  it('answers Throttled beyond N searches per second, per account, on the sandbox clock', () => {
    const s = fakeEngine({ searchPerSecond: 1 })
    const search = (creds = CREDS) => s.call('search', { request_id: ID }, creds)
    expect(search().status).toBe('101')
    expect(search()).toEqual(THROTTLED)
    // Another account has its own budget; other endpoints are not held to it.
    expect(search(PIN_CREDS).status).toBe('101')
    expect(s.start({ number: '447700900001' })).toMatch(/^[0-9a-f]{32}$/)
    s.at(0.999)
    expect(search()).toEqual(THROTTLED)
    s.at(1)
    expect(search().status).toBe('101')
    expect(s.engine.listAccounts().map((a) => a.search_per_second)).toEqual([1, 1])
  })

  it('keeps a sliding one-second window in which refused searches do not count', () => {
    const s = fakeEngine({ searchPerSecond: 2 })
    const search = () => s.call('search', { request_id: ID }).status
    expect(search()).toBe('101')
    s.at(0.5)
    expect(search()).toBe('101')
    s.at(0.7)
    expect(search()).toBe('1')
    // One second after the first search one more is allowed (the refused one left no trace)...
    s.at(1)
    expect(search()).toBe('101')
    // ...but not two: the one at 0.5 s is still in the window.
    expect(search()).toBe('1')
    s.at(1.5)
    expect(search()).toBe('101')
  })

  it('comes on top of the general throttle, and a search it refuses is not counted there', () => {
    const s = fakeEngine({ throttlePerSecond: 3, searchPerSecond: 1 })
    expect(s.call('search', { request_id: ID }).status).toBe('101')
    expect(s.call('search', { request_id: ID })).toEqual(THROTTLED)
    expect(s.call('search', { request_id: ID })).toEqual(THROTTLED)
    // Two calls of the three the general throttle allows are left.
    expect(s.start({ number: '447700900001' })).toMatch(/^[0-9a-f]{32}$/)
    expect(s.start({ number: '447700900002' })).toMatch(/^[0-9a-f]{32}$/)
    expect(s.call('request', { number: '447700900003', brand: 'Acme' })).toEqual(THROTTLED)
    // The general throttle refuses a search the search limit would let through.
    const general = fakeEngine({ throttlePerSecond: 1, searchPerSecond: 5 })
    general.start()
    expect(general.call('search', { request_id: ID })).toEqual(THROTTLED)
  })

  it('0 lets no search through and null switches it off, for one account or all', () => {
    const s = fakeEngine()
    expect(s.engine.setSearchThrottle(0, 'sandbox')).toBe(true)
    expect(s.call('search', { request_id: ID })).toEqual(THROTTLED)
    expect(s.call('search', { request_id: ID }, PIN_CREDS).status).toBe('101')
    const id = s.start()
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('16')
    expect(s.engine.setSearchThrottle(null)).toBe(true)
    expect(s.call('search', { request_id: ID }).status).toBe('101')
    s.engine.setSearchThrottle(0)
    expect(s.call('search', { request_id: ID }, PIN_CREDS)).toEqual(THROTTLED)
    expect(s.engine.setSearchThrottle(1, 'nobody')).toBe(false)
    // Per account in the options, as the throttle.
    const own = fakeEngine({
      accounts: [
        { apiKey: 'k', apiSecret: 's', searchPerSecond: 0 },
        { apiKey: 'j', apiSecret: 't' },
      ],
      searchPerSecond: 1,
    })
    expect(own.engine.listAccounts().map((a) => a.search_per_second)).toEqual([0, 1])
    expect(own.call('search', { request_id: ID }, { api_key: 'k', api_secret: 's' })).toEqual(
      THROTTLED,
    )
  })

  it("does not hold the dashboard's own background searches to it", () => {
    const s = fakeEngine({ searchPerSecond: 0 })
    const params = { ...CREDS, request_id: ID }
    expect(s.engine.call('search', params, true).status).toBe('101')
    expect(s.engine.call('search', params)).toEqual(THROTTLED)
  })
})

const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

describe('the search limit through createSandbox and the admin API', () => {
  const frozen = Date.UTC(2026, 0, 1)
  const open = (options: Parameters<typeof createSandbox>[0] = {}) => {
    const s = createSandbox({ stateFile: false, now: () => frozen, ...options })
    opened.push(s)
    return s
  }
  const json = async (s: Sandbox, path: string, method = 'GET', body?: unknown) => {
    const res = await s.fetch(
      new Request(`http://sandbox${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const searchStatus = async (s: Sandbox) =>
    (
      await json(
        s,
        `/verify/search/json?api_key=${CREDS.api_key}&api_secret=${CREDS.api_secret}&request_id=${ID}`,
      )
    ).body.status

  it('takes searchPerSecond as an option', async () => {
    const s = open({ searchPerSecond: 1 })
    expect(await searchStatus(s)).toBe('101')
    expect(await searchStatus(s)).toBe('1')
  })

  it('PUT /__admin/throttle sets search_per_second, shown with the accounts', async () => {
    const s = open()
    const set = await json(s, '/__admin/throttle', 'PUT', { search_per_second: 1 })
    expect(set.status).toBe(200)
    expect(set.body.accounts).toEqual([
      expect.objectContaining({
        api_key: 'sandbox',
        throttle_per_second: 30,
        search_per_second: 1,
      }),
      expect.objectContaining({ api_key: 'sandbox-pin', search_per_second: 1 }),
    ])
    expect((await json(s, '/__admin/accounts')).body.accounts).toEqual(set.body.accounts)
    expect(await searchStatus(s)).toBe('101')
    expect(await searchStatus(s)).toBe('1')
    // per_second alone leaves the search limit as it is; null switches the search limit off.
    await json(s, '/__admin/throttle', 'PUT', { per_second: null })
    expect(await searchStatus(s)).toBe('1')
    const off = await json(s, '/__admin/throttle', 'PUT', {
      search_per_second: null,
      api_key: 'sandbox',
    })
    expect(off.body.accounts).toEqual([
      expect.objectContaining({
        api_key: 'sandbox',
        throttle_per_second: null,
        search_per_second: null,
      }),
      expect.objectContaining({ api_key: 'sandbox-pin', search_per_second: 1 }),
    ])
    expect(await searchStatus(s)).toBe('101')
  })

  it('refuses a bad search_per_second with a 400 naming it, an unknown api_key with a 404', async () => {
    const s = open()
    for (const bad of [-1, 1.5, '1', true]) {
      expect(await json(s, '/__admin/throttle', 'PUT', { search_per_second: bad })).toEqual({
        status: 400,
        body: {
          error: {
            code: 'invalid_value',
            message: 'search_per_second must be a non-negative integer or null.',
          },
        },
      })
    }
    expect((await json(s, '/__admin/throttle', 'PUT', {})).body).toEqual({
      error: {
        code: 'invalid_value',
        message: 'per_second or search_per_second is required (a number, or null for off).',
      },
    })
    const unknown = await json(s, '/__admin/throttle', 'PUT', {
      per_second: 0,
      search_per_second: 0,
      api_key: 'nobody',
    })
    expect(unknown.status).toBe(404)
    // Nothing was changed by the refused calls.
    expect((await json(s, '/__admin/accounts')).body.accounts).toEqual([
      expect.objectContaining({ throttle_per_second: 30, search_per_second: null }),
      expect.objectContaining({ throttle_per_second: 30, search_per_second: null }),
    ])
  })
})

describe('the search limit written as text (flag, variable)', () => {
  it('is a whole number, 0 or more; anything else is an error naming where it came from', () => {
    expect(parseSearchPerSecond('1', '--search-per-second')).toBe(1)
    expect(parseSearchPerSecond(' 0 ', 'X')).toBe(0)
    for (const bad of ['', '-1', '1.5', 'one', '1e3', 'off']) {
      expect(() => parseSearchPerSecond(bad, 'SANDBOX_SEARCH_PER_SECOND')).toThrow(
        `SANDBOX_SEARCH_PER_SECOND must be a whole number of searches per second (0 or more), not "${bad}".`,
      )
    }
  })

  it('comes from SANDBOX_SEARCH_PER_SECOND unless the options name one', () => {
    expect(withSandboxLimitsFromEnv({}, { SANDBOX_SEARCH_PER_SECOND: '2' })).toEqual({
      searchPerSecond: 2,
    })
    expect(
      withSandboxLimitsFromEnv({ searchPerSecond: null }, { SANDBOX_SEARCH_PER_SECOND: '2' }),
    ).toEqual({ searchPerSecond: null })
    expect(withSandboxLimitsFromEnv({ stateFile: false }, {})).toEqual({ stateFile: false })
    expect(() => withSandboxLimitsFromEnv({}, { SANDBOX_SEARCH_PER_SECOND: 'x' })).toThrow(
      /^SANDBOX_SEARCH_PER_SECOND must be a whole number/,
    )
  })
})
