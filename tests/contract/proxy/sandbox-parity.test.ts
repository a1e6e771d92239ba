import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, errorOf, startAppServer, type Answer, type AppServer } from './support'

// What a tester sends to the sandbox on /sandbox and through the proxy on /api/sandbox is taken or
// refused alike: the same paths (one trailing slash allowed), the same methods (PSD2 by GET too).
let app: AppServer
beforeAll(async () => {
  app = await startAppServer()
})
afterAll(async () => {
  await app.close()
})

const SANDBOX_ACCOUNT = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`

/**
 * Refused for its path or its method, by the sandbox (404, 403) or by the proxy (404, 405). A
 * HEAD answer has no body to name the reason: its 403 can only be the method's.
 */
function refused(res: Answer, method: string): boolean {
  if (res.status === 404 || res.status === 405) return true
  if (res.status !== 403) return false
  return method === 'HEAD' || errorOf(res).code === 'method_not_allowed'
}

const ENDPOINTS = [
  '/verify/json',
  '/verify/xml',
  '/verify/check/json',
  '/verify/check/xml',
  '/verify/search/json',
  '/verify/search/xml',
  '/verify/control/json',
  '/verify/control/xml',
  '/verify/psd2/json',
  '/verify/network-unblock',
]
const PATHS = [
  ...ENDPOINTS,
  ...ENDPOINTS.map((p) => `${p}/`),
  '/verify/json//',
  '/verify//json',
  '/verify/JSON',
  '/verify/psd2/xml',
  '/verify/json.json',
]
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']

describe('the sandbox on /sandbox and through /api/sandbox', () => {
  it('takes and refuses the same paths and methods', async () => {
    const differences: string[] = []
    for (const path of PATHS) {
      for (const method of METHODS) {
        // No parameters: a call taken answers its missing-parameter status and changes nothing.
        const direct = await call(app.port, `/sandbox${path}`, {
          method,
          headers: { authorization: SANDBOX_ACCOUNT },
        })
        const proxied = await call(app.port, `/api/sandbox${path}`, { method })
        if (refused(direct, method) !== refused(proxied, method)) {
          differences.push(`${method} ${path}: /sandbox ${direct.status}, /api ${proxied.status}`)
        }
      }
    }
    expect(differences).toEqual([])
  })

  it('takes a PSD2 start by GET on both, as every other start', async () => {
    for (const [base, headers, number] of [
      ['/sandbox', { authorization: SANDBOX_ACCOUNT }, '447700900611'],
      ['/api/sandbox', {}, '447700900612'],
    ] as const) {
      const res = await call(
        app.port,
        `${base}/verify/psd2/json?number=${number}&payee=Shop&amount=12.50`,
        { headers },
      )
      expect(res.status, base).toBe(200)
      expect(res.json(), base).toEqual({
        request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        status: '0',
      })
    }
  })

  it('takes a path with one trailing slash on both, and sends it on without it', async () => {
    for (const [base, headers] of [
      ['/sandbox', { authorization: SANDBOX_ACCOUNT }],
      ['/api/sandbox', {}],
    ] as const) {
      const res = await call(app.port, `${base}/verify/search/json/?request_id=${'0'.repeat(32)}`, {
        headers,
      })
      expect(res.status, base).toBe(200)
      expect(res.json(), base).toEqual({
        request_id: '0'.repeat(32),
        status: '101',
        error_text: 'No response found',
      })
    }
    expect(app.lines.at(-1)).toMatch(
      / env=sandbox endpoint=search method=GET http=200 status="101"/,
    )
  })

  it('refuses a start opened as a page on /sandbox however its path is written', async () => {
    const page = {
      'sec-fetch-site': 'none',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      'sec-fetch-user': '?1',
    }
    const account = 'api_key=sandbox&api_secret=sandbox-secret'
    for (const path of [
      `/sandbox/verify/json/?${account}&number=447700900613&brand=Link`,
      `/sandbox/verify/psd2/json?${account}&number=447700900614&payee=Link&amount=1`,
      `/sandbox/verify/psd2/json/?${account}&number=447700900615&payee=Link&amount=1`,
    ]) {
      const res = await call(app.port, path, { headers: page })
      expect(res.status, path).toBe(403)
      expect(errorOf(res).code, path).toBe('cross_site_request')
    }
  })
})
