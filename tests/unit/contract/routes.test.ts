import { describe, expect, it } from 'vitest'
import { API_ROUTES, apiRouteOf } from '@contract/routes'

describe('the API routes', () => {
  it('take GET and POST on every endpoint but network unblock, PSD2 included', () => {
    for (const [path, route] of API_ROUTES) {
      expect(route.methods, path).toEqual(
        route.endpoint === 'network-unblock' ? ['POST'] : ['GET', 'POST'],
      )
    }
    expect(apiRouteOf('/verify/psd2/json')).toMatchObject({ endpoint: 'psd2', format: 'json' })
  })

  it('read one trailing slash as none, and nothing else loosely', () => {
    expect(apiRouteOf('/verify/json/')).toBe(API_ROUTES.get('/verify/json'))
    expect(apiRouteOf('/verify/network-unblock/')).toBe(API_ROUTES.get('/verify/network-unblock'))
    for (const path of [
      '/verify/json//',
      '/verify//json',
      '/verify/JSON',
      '/verify/psd2/xml',
      '/',
    ]) {
      expect(apiRouteOf(path), path).toBeUndefined()
    }
  })
})
