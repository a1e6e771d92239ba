/**
 * "Copy as curl" of a live call names the host the server forwards live calls to (its
 * VONAGE_API_HOST, a regional host such as api-eu.vonage.com) when the server says which it is, and
 * Vonage's default host only when it does not.
 */
import { describe, expect, it } from 'vitest'
import { toCurl, upstreamOf, VONAGE_API_HOST } from '@/utils/curl'

const ORIGIN = 'https://desk.example.test'

describe('upstreamOf: a live call', () => {
  it('goes to the live host the server names', () => {
    expect(upstreamOf('live/verify/check/json', ORIGIN, 'https://api-eu.vonage.com')).toEqual({
      baseUrl: 'https://api-eu.vonage.com',
      path: '/verify/check/json',
    })
  })

  it('goes to Vonage’s default host when the server names none', () => {
    for (const host of [undefined, null, '']) {
      expect(upstreamOf('live/verify/json', ORIGIN, host)?.baseUrl, String(host)).toBe(
        VONAGE_API_HOST,
      )
    }
  })

  it('leaves a sandbox call on the desk’s own sandbox', () => {
    expect(upstreamOf('sandbox/verify/json', ORIGIN, 'https://api-eu.vonage.com')?.baseUrl).toBe(
      `${ORIGIN}/sandbox`,
    )
  })

  it('renders the curl command with that host', () => {
    const target = upstreamOf('live/verify/search/json', ORIGIN, 'https://api-eu.vonage.com')!
    const curl = toCurl(
      { method: 'GET', path: target.path, query: { request_id: 'abc' } },
      { baseUrl: target.baseUrl },
    )
    expect(curl).toBe(
      'curl -X GET "https://api-eu.vonage.com/verify/search/json?api_key=$VONAGE_API_KEY&api_secret=$VONAGE_API_SECRET&request_id=abc"',
    )
  })
})
