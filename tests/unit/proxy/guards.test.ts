import { describe, expect, it } from 'vitest'
import {
  crossSiteReason,
  hostnameOf,
  isHostAllowed,
  isLoopbackListenHost,
  normaliseHostEntry,
  tokenMatches,
  tokenOf,
} from '../../../server/proxy/guards'

describe('host check (DNS rebinding)', () => {
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]', 'desk.internal', '.corp.example'])

  it.each([
    ['localhost:5173', true],
    ['LOCALHOST', true],
    ['127.0.0.1:4173', true],
    ['[::1]:5173', true],
    ['desk.internal:80', true],
    ['corp.example', true],
    ['a.corp.example', true],
    ['evil.example:5173', false],
    ['localhost.evil.example', false],
    ['notcorp.example', false],
    ['', false],
    [undefined, false],
  ])('Host %s allowed: %s', (host, ok) => {
    expect(isHostAllowed(host, allowed)).toBe(ok)
  })

  it('extracts host names, keeping IPv6 brackets', () => {
    expect(hostnameOf('[::1]:80')).toBe('[::1]')
    expect(hostnameOf('Example.COM.:80')).toBe('example.com')
    expect(normaliseHostEntry('::1')).toBe('[::1]')
  })

  it.each([
    [undefined, true],
    ['localhost', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['[::1]', true],
    [true, false],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
    ['desk.example', false],
  ] as const)('listen host %s is loopback: %s', (host, loopback) => {
    expect(isLoopbackListenHost(host)).toBe(loopback)
  })
})

describe('crossSiteReason (CSRF)', () => {
  it('accepts same-origin browser calls and non-browser clients', () => {
    expect(
      crossSiteReason({ host: 'localhost:5173', origin: 'http://localhost:5173' }),
    ).toBeUndefined()
    expect(
      crossSiteReason({ host: 'localhost:5173', 'sec-fetch-site': 'same-origin' }),
    ).toBeUndefined()
    expect(crossSiteReason({ host: 'localhost:5173' })).toBeUndefined()
  })

  it('refuses another origin, another port of the same host, and opaque origins', () => {
    expect(crossSiteReason({ host: 'localhost:5173', origin: 'https://evil.example' })).toMatch(
      /another origin/,
    )
    expect(crossSiteReason({ host: 'localhost:5173', origin: 'http://localhost:3000' })).toMatch(
      /another origin/,
    )
    expect(crossSiteReason({ host: 'localhost:5173', origin: 'null' })).toMatch(/another origin/)
  })

  it('refuses a request the browser marks cross-site or same-site without an Origin', () => {
    expect(crossSiteReason({ host: 'localhost:5173', 'sec-fetch-site': 'cross-site' })).toMatch(
      /cross-site/,
    )
    expect(crossSiteReason({ host: 'localhost:5173', 'sec-fetch-site': 'same-site' })).toMatch(
      /same-site/,
    )
  })

  it('accepts an explicitly allowed origin', () => {
    expect(
      crossSiteReason({ host: '127.0.0.1:4173', origin: 'https://desk.example' }, [
        'https://desk.example',
      ]),
    ).toBeUndefined()
  })
})

describe('access token', () => {
  const q = new URLSearchParams('verify_desk_token=from-query')

  it('reads the X-Verify-Desk-Token header first, then a Bearer Authorization', () => {
    expect(tokenOf({ 'x-verify-desk-token': ' t1 ' }, 'POST', q)).toBe('t1')
    expect(tokenOf({ authorization: 'Bearer t2' }, 'POST', q)).toBe('t2')
    expect(tokenOf({ authorization: 'Basic abc' }, 'POST', new URLSearchParams())).toBeUndefined()
  })

  it('accepts the query parameter on GET only (for EventSource)', () => {
    expect(tokenOf({}, 'GET', q)).toBe('from-query')
    expect(tokenOf({}, 'POST', q)).toBeUndefined()
  })

  it('compares tokens exactly', () => {
    expect(tokenMatches('secret-token', 'secret-token')).toBe(true)
    expect(tokenMatches('secret-token ', 'secret-token')).toBe(false)
    expect(tokenMatches(undefined, 'secret-token')).toBe(false)
  })
})
