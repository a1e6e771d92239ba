import { describe, expect, it } from 'vitest'
import {
  crossSiteReason,
  hostAllowlist,
  isHostAllowed,
  isLoopbackListenHost,
  refererReason,
  tokenMatches,
  tokenOf,
} from '../../../server/proxy/guards'

describe('host check (DNS rebinding)', () => {
  const allowed = hostAllowlist(['desk.internal', '.corp.example', ' spaced.lan '])

  it.each([
    ['localhost:5173', true],
    ['localhost', true],
    ['127.0.0.1:4173', true],
    ['[::1]:5173', true],
    ['desk.internal:80', true],
    ['spaced.lan', true],
    ['corp.example', true],
    ['a.corp.example', true],
    // As Vite: every IP address, localhost and the names under .localhost.
    ['127.0.0.2:5173', true],
    ['10.1.2.3', true],
    ['[::ffff:127.0.0.1]:5173', true],
    ['[0:0:0:0:0:0:0:1]:5173', true],
    ['[2001:db8::1]', true],
    ['evil.localhost:5173', true],
    ['a.b.localhost', true],
    ['chrome-extension:abc', true],
    // As Vite: no case folded, no trailing dot dropped, no broken bracket, no other name.
    ['LOCALHOST:5173', false],
    ['DESK.INTERNAL', false],
    ['localhost.:5173', false],
    ['[::1', false],
    ['[not-ip]:5173', false],
    ['127.0.0.1.evil.example', false],
    ['evil.example:5173', false],
    ['localhost.evil.example', false],
    ['evillocalhost', false],
    ['notcorp.example', false],
    ['', false],
    [undefined, false],
  ])('Host %s allowed: %s', (host, ok) => {
    expect(isHostAllowed(host, allowed)).toBe(ok)
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

describe('refererReason (CSRF from browsers without Origin or Fetch Metadata)', () => {
  const host = 'localhost:5173'

  it('refuses a Referer of another origin, another port of the host, or none readable', () => {
    for (const referer of [
      'https://evil.example/page.html',
      'http://localhost:3000/',
      'http://localhost.evil.example:5173/',
      'not a url',
      'about:blank',
    ]) {
      expect(refererReason({ host, referer }), referer).toMatch(/a page of another origin/)
    }
    expect(refererReason({ host, referer: 'https://evil.example/p?token=secret' })).toBe(
      'the request comes from a page of another origin (https://evil.example)',
    )
  })

  it('accepts the page itself, an allowed origin, and a call without Referer', () => {
    expect(refererReason({ host, referer: 'http://LOCALHOST:5173/verify?x=1' })).toBeUndefined()
    expect(
      refererReason({ host: '127.0.0.1:4173', referer: 'https://desk.example/verify' }, [
        'https://desk.example',
      ]),
    ).toBeUndefined()
    expect(refererReason({ host })).toBeUndefined()
  })

  it('leaves a browser that sends Origin or Fetch Metadata to the other rules', () => {
    const referer = 'https://evil.example/'
    expect(refererReason({ host, referer, origin: `http://${host}` })).toBeUndefined()
    expect(refererReason({ host, referer, 'sec-fetch-site': 'same-origin' })).toBeUndefined()
    expect(refererReason({ host, referer, 'sec-fetch-mode': 'cors' })).toBeUndefined()
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
