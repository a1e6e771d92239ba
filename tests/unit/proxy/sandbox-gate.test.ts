import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { ProxyError } from '../../../server/proxy/errors'
import { createSandboxGate } from '../../../server/proxy/sandbox-gate'

const TOKEN = 'unit-gate-token-0123456789'
const hosts = new Set(['localhost', '127.0.0.1', '[::1]'])

function request(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return { url, method, headers: { host: 'localhost:5173', ...headers } } as IncomingMessage
}

function refusal(run: () => void): { status: number; code: string } | undefined {
  try {
    run()
    return undefined
  } catch (error) {
    if (!(error instanceof ProxyError)) throw error
    return { status: error.status, code: error.code }
  }
}

describe('sandbox gate', () => {
  const gate = createSandboxGate({ hosts, token: TOKEN, allowedOrigins: [] })

  it('removes the token path prefix and keeps the rest of the path and query', () => {
    const req = request(`/token/${TOKEN}/verify/json?number=447700900000&brand=A%20B`)
    gate(req)
    expect(req.url).toBe('/verify/json?number=447700900000&brand=A%20B')
    const bare = request(`/token/${TOKEN}`)
    gate(bare)
    expect(bare.url).toBe('/')
  })

  it('removes the token query parameter, the token header and a Bearer header', () => {
    const query = request(`/__admin/events?verify_desk_token=${TOKEN}&x=1`)
    gate(query)
    expect(query.url).toBe('/__admin/events?x=1')
    const header = request('/verify/json', {
      'x-verify-desk-token': TOKEN,
      authorization: 'Basic eDp5',
    })
    gate(header)
    expect(header.headers['x-verify-desk-token']).toBeUndefined()
    expect(header.headers.authorization).toBe('Basic eDp5')
    const bearer = request('/verify/json', { authorization: `Bearer ${TOKEN}` })
    gate(bearer)
    expect(bearer.headers.authorization).toBeUndefined()
  })

  it('refuses a missing or wrong token with 401 and leaves the call untouched', () => {
    const req = request('/__admin/requests', { 'x-verify-desk-token': 'nope' })
    expect(refusal(() => gate(req))).toEqual({ status: 401, code: 'unauthorized' })
    expect(refusal(() => gate(request(`/token/${TOKEN}`.slice(0, -1) + '/verify/json')))).toEqual({
      status: 401,
      code: 'unauthorized',
    })
    expect(
      refusal(() => gate(request(`/verify/json?verify_desk_token=${TOKEN}`, {}, 'POST'))),
    ).toEqual({ status: 401, code: 'unauthorized' })
  })

  it('says which host name it refused and which setting would allow it', () => {
    expect(() => gate(request('/verify/json', { host: 'desk.example:8080' }))).toThrow(
      'This server does not answer for the host name "desk.example:8080". Open the dashboard as ' +
        'http://localhost:<port>, or add the name to VERIFY_DESK_ALLOWED_HOSTS.',
    )
  })

  it('checks the Host first and cross-site calls last', () => {
    expect(
      refusal(() =>
        gate(request('/verify/json', { host: 'evil.example', 'x-verify-desk-token': TOKEN })),
      ),
    ).toEqual({ status: 403, code: 'host_not_allowed' })
    expect(
      refusal(() =>
        gate(
          request('/verify/json', { 'x-verify-desk-token': TOKEN, 'sec-fetch-site': 'cross-site' }),
        ),
      ),
    ).toEqual({ status: 403, code: 'cross_site_request' })
  })

  it('refuses a call that changes something when a link opened it as a page; reads pass', () => {
    const open = createSandboxGate({ hosts, allowedOrigins: [] })
    const page = {
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
      'sec-fetch-dest': 'document',
    }
    const start = '/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=447700901234'
    for (const [url, method] of [
      [start, 'GET'],
      ['/verify/check/xml?request_id=abc&code=1234', 'GET'],
      ['/verify/control/json?request_id=abc&cmd=cancel', 'GET'],
      ['/verify/psd2/json', 'POST'],
      ['/__admin/reset', 'POST'],
    ] as const) {
      expect(
        refusal(() => open(request(url, page, method))),
        url,
      ).toEqual({
        status: 403,
        code: 'cross_site_request',
      })
    }
    expect(refusal(() => gate(request(`/token/${TOKEN}${start}`, page)))).toEqual({
      status: 403,
      code: 'cross_site_request',
    })
    for (const url of [
      '/__admin/messages?number=447700901234',
      '/verify/search/json?request_id=a',
    ]) {
      expect(
        refusal(() => open(request(url, page))),
        url,
      ).toBeUndefined()
    }
    // The same start sent by a client (no page navigation) passes.
    expect(refusal(() => open(request(start)))).toBeUndefined()
  })

  it('refuses a call that changes something sent from a page of another origin, as /api does', () => {
    const open = createSandboxGate({ hosts, allowedOrigins: [] })
    const evil = { referer: 'https://evil.example/cat.html' }
    const start = '/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=447700901234'
    expect(refusal(() => open(request(start, evil)))).toEqual({
      status: 403,
      code: 'cross_site_request',
    })
    expect(refusal(() => open(request('/__admin/reset', evil, 'POST')))).toEqual({
      status: 403,
      code: 'cross_site_request',
    })
    // Reads pass; so does the dashboard's own page as the Referer.
    expect(refusal(() => open(request('/__admin/messages?number=1', evil)))).toBeUndefined()
    const own = { referer: 'http://localhost:5173/controls' }
    expect(refusal(() => open(request('/__admin/reset', own, 'POST')))).toBeUndefined()
  })

  it('removes the token query parameter whatever its case', () => {
    const req = request(`/__admin/events?VERIFY_DESK_TOKEN=${TOKEN}&x=1`, {
      'x-verify-desk-token': TOKEN,
    })
    gate(req)
    expect(req.url).toBe('/__admin/events?x=1')
  })

  it('without a token changes nothing on a same-site call', () => {
    const open = createSandboxGate({ hosts, allowedOrigins: [] })
    const req = request('/verify/json?verify_desk_token=kept', { authorization: 'Bearer kept' })
    open(req)
    expect(req.url).toBe('/verify/json?verify_desk_token=kept')
    expect(req.headers.authorization).toBe('Bearer kept')
    expect(
      refusal(() => open(request('/__admin/reset', { origin: 'https://evil.example' }, 'POST'))),
    ).toEqual({
      status: 403,
      code: 'cross_site_request',
    })
  })
})
