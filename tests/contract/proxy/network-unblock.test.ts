import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  LIVE,
  basic,
  call,
  postJson,
  startAppServer,
  startProxy,
  startUpstream,
  type AppServer,
  type ProxyServer,
  type UpstreamDouble,
} from './support'

// POST /verify/network-unblock through the proxy, in both environments: forwarded with the
// server's credentials (the browser's dropped), its answer (202 or an RFC 7807 problem) passed on.
// Any other method is refused by the proxy.

describe('network unblock through /api/sandbox', () => {
  let app: AppServer
  beforeAll(async () => {
    app = await startAppServer()
  })
  afterAll(async () => {
    await app.close()
  })

  it('unblocks a network the sandbox blocks, with the default account', async () => {
    const fault = await postJson(app.port, '/api/sandbox/__admin/faults', {
      endpoint: 'request',
      status: '7',
      network: '23410',
    })
    expect(fault.status).toBe(201)
    const res = await postJson(app.port, '/api/sandbox/verify/network-unblock', {
      network: '23410',
      unblock_duration: 60,
      api_key: 'not-mine',
      api_secret: 'not-mine',
    })
    expect(res.status).toBe(202)
    expect(res.json()).toEqual({
      network: '23410',
      unblocked_until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    })
    expect(app.lines.at(-1)).toMatch(/ endpoint=network-unblock method=POST http=202 /)
    const none = await postJson(app.port, '/api/sandbox/verify/network-unblock', {
      network: '23415',
    })
    expect(none.status).toBe(404)
    expect(none.json()).toMatchObject({
      title: 'Not Found',
      detail: 'The network you provided does not have an active block.',
    })
  })

  it('refuses another method with 405 and forwards nothing', async () => {
    const res = await call(app.port, '/api/sandbox/verify/network-unblock')
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })
})

describe('network unblock through /api/live', () => {
  let upstream: UpstreamDouble
  let proxy: ProxyServer
  beforeEach(async () => {
    upstream = await startUpstream((_arrival, res) => {
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ network: '23410', unblocked_until: '2024-04-22T08:34:58Z' }))
    })
    proxy = await startProxy(upstream.url)
  })
  afterEach(async () => {
    await proxy.close()
    await upstream.close()
  })

  it('forwards a POST to /verify/network-unblock with the live credentials', async () => {
    const res = await postJson(proxy.port, '/api/live/verify/network-unblock', {
      network: '23410',
    })
    expect(res.status).toBe(202)
    expect(res.json()).toEqual({ network: '23410', unblocked_until: '2024-04-22T08:34:58Z' })
    expect(upstream.arrivals).toHaveLength(1)
    const arrival = upstream.arrivals[0]
    expect(arrival?.method).toBe('POST')
    expect(arrival?.url).toBe('/verify/network-unblock')
    expect(arrival?.headers.authorization).toBe(basic(LIVE))
    expect(JSON.parse(arrival?.body ?? '')).toEqual({ network: '23410' })
  })

  it('refuses GET with 405 naming POST, and forwards nothing', async () => {
    const res = await call(proxy.port, '/api/live/verify/network-unblock')
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('POST')
    expect(upstream.arrivals).toHaveLength(0)
  })
})
