import { describe, expect, it } from 'vitest'
import { API_ROUTES } from '@contract/routes'
import { matchRoute, routeLabel } from '../../../server/proxy/routes'

describe('matchRoute', () => {
  it.each([
    ['POST', '/sandbox/verify/json', 'request', 'json'],
    ['GET', '/live/verify/xml', 'request', 'xml'],
    ['POST', '/live/verify/check/json', 'check', 'json'],
    ['GET', '/sandbox/verify/check/xml', 'check', 'xml'],
    ['GET', '/live/verify/search/json', 'search', 'json'],
    ['POST', '/live/verify/search/xml', 'search', 'xml'],
    ['POST', '/sandbox/verify/control/json', 'control', 'json'],
    ['POST', '/live/verify/psd2/json', 'psd2', 'json'],
    ['POST', '/sandbox/verify/network-unblock', 'network-unblock', 'json'],
    ['POST', '/live/verify/network-unblock', 'network-unblock', 'json'],
  ])('forwards %s %s as the %s endpoint (%s)', (method, path, endpoint, format) => {
    const match = matchRoute(method, path)
    expect(match).toMatchObject({
      ok: true,
      route: {
        kind: 'verify',
        endpoint,
        format,
        upstreamPath: path.slice(path.indexOf('/verify')),
      },
    })
  })

  it('takes what the sandbox takes: GET on PSD2 and one trailing slash, sent on without it', () => {
    expect(matchRoute('GET', '/live/verify/psd2/json')).toMatchObject({
      ok: true,
      route: { endpoint: 'psd2', upstreamPath: '/verify/psd2/json', stateChanging: true },
    })
    for (const environment of ['sandbox', 'live']) {
      for (const [path, route] of API_ROUTES) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
          const taken = (route.methods as readonly string[]).includes(method)
          for (const written of [path, `${path}/`]) {
            const match = matchRoute(method, `/${environment}${written}`)
            expect(match.ok, `${method} /${environment}${written}`).toBe(taken)
            expect(match, `${method} /${environment}${written}`).toMatchObject(
              taken
                ? { route: { endpoint: route.endpoint, upstreamPath: path } }
                : { status: 405, allow: [...route.methods] },
            )
          }
        }
      }
    }
  })

  it('marks every endpoint but search as state-changing', () => {
    const changing = ['json', 'check/json', 'control/json', 'psd2/json', 'network-unblock'].map(
      (p) => matchRoute('POST', `/live/verify/${p}`),
    )
    for (const match of changing)
      expect(match).toMatchObject({ ok: true, route: { stateChanging: true } })
    expect(matchRoute('GET', '/live/verify/search/json')).toMatchObject({
      ok: true,
      route: { stateChanging: false },
    })
  })

  it.each([
    '/',
    '/sandbox',
    '/sandbox/',
    '/staging/verify/json',
    '/live/verify/psd2/xml',
    '/live/verify/json//',
    '/live/verify//json',
    '/live/verify/JSON',
    '/live/verify/../verify/json',
    '/live/account/get-balance',
    '/live/__admin/requests',
    '/sandbox/__admin/../verify/json',
    '/sandbox/__admin/%2e%2e/x',
    '/environments/',
  ])('answers 404 for %s', (path) => {
    expect(matchRoute('GET', path)).toMatchObject({
      ok: false,
      status: 404,
      message: expect.stringMatching(/No such API path/),
    })
  })

  it.each([
    ['PUT', '/live/verify/json', ['GET', 'POST']],
    ['DELETE', '/live/verify/check/json', ['GET', 'POST']],
    ['PUT', '/live/verify/psd2/json', ['GET', 'POST']],
    ['GET', '/live/verify/network-unblock', ['POST']],
    ['GET', '/sandbox/verify/network-unblock/', ['POST']],
    ['POST', '/environments', ['GET', 'HEAD']],
  ])('answers 405 for %s %s with the methods it accepts', (method, path, allow) => {
    expect(matchRoute(method, path)).toMatchObject({
      ok: false,
      status: 405,
      allow,
      message: expect.stringContaining(method),
    })
  })

  it('forwards the sandbox admin API its methods: the sandbox answers the 405 of its own paths', () => {
    for (const method of ['OPTIONS', 'PUT', 'PATCH']) {
      expect(matchRoute(method, '/sandbox/__admin/requests'), method).toMatchObject({
        ok: true,
        route: { kind: 'admin', upstreamPath: '/__admin/requests', stateChanging: true },
      })
    }
  })

  it('refuses a method no admin path takes with 405 and no Allow it could not vouch for', () => {
    const match = matchRoute('TRACE', '/sandbox/__admin/requests')
    expect(match).toEqual({
      ok: false,
      status: 405,
      message: expect.stringMatching(/^The sandbox admin API does not accept TRACE requests/),
    })
  })

  it('forwards the sandbox admin API, including nested paths and the event stream', () => {
    expect(matchRoute('GET', '/sandbox/__admin/events')).toMatchObject({
      ok: true,
      route: { kind: 'admin', upstreamPath: '/__admin/events', stateChanging: false },
    })
    expect(matchRoute('POST', '/sandbox/__admin/clock/advance')).toMatchObject({
      ok: true,
      route: { kind: 'admin', upstreamPath: '/__admin/clock/advance', stateChanging: true },
    })
  })

  it('forwards admin paths that carry a phone number, but no encoded separators', () => {
    for (const path of [
      '/sandbox/__admin/test-numbers/+447700900000',
      '/sandbox/__admin/test-numbers/%2B447700900000',
    ]) {
      expect(matchRoute('DELETE', path)).toMatchObject({ ok: true, route: { kind: 'admin' } })
    }
    for (const path of [
      '/sandbox/__admin/a%2Fb',
      '/sandbox/__admin/%2e%2e',
      '/sandbox/__admin/a%5cb',
    ]) {
      expect(matchRoute('GET', path)).toMatchObject({ ok: false, status: 404 })
    }
  })

  it('matches /environments for GET and HEAD', () => {
    expect(matchRoute('GET', '/environments')).toEqual({
      ok: true,
      route: { kind: 'environments' },
    })
    expect(matchRoute('HEAD', '/environments').ok).toBe(true)
  })

  it('labels routes for the access log', () => {
    const route = matchRoute('GET', '/live/verify/search/xml')
    expect(route.ok && routeLabel(route.route)).toBe('search.xml')
  })
})
