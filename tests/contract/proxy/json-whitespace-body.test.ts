/**
 * A POST declared as JSON whose body is only whitespace carries no parameters, as an empty body
 * does: the proxy has nothing in it to strip, so it goes on to the upstream (not refused with 415,
 * as a body that holds something unparseable is), and the upstream answers it as it answers an
 * empty JSON body: Verify status 999, "Could not parse request :: Unparseable JSON". The embedded
 * sandbox answers it so directly and through the proxy alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LIVE,
  basic,
  call,
  environmentOn,
  postAs,
  startAppServer,
  startProxy,
  startUpstream,
  type AppServer,
} from './support'

const UNPARSEABLE = { status: '999', error_text: 'Could not parse request :: Unparseable JSON' }
const WHITESPACE = [' ', '\r\n', ' \t\n  ']
/** The embedded sandbox's own account, for calls made to it directly. */
const SANDBOX_ACCOUNT = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`

describe('a JSON body of whitespace only, to the embedded sandbox', () => {
  let app: AppServer
  beforeAll(async () => {
    app = await startAppServer({ accessLog: false })
  })
  afterAll(() => app.close())

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    call(app.port, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })

  it.each(WHITESPACE.map((body) => [JSON.stringify(body), body]))(
    'through the proxy (%s): answered as the sandbox answers an empty JSON body, status 999',
    async (_, body) => {
      const res = await post('/api/sandbox/verify/json?number=447700900001&brand=Acme', body)
      expect(res.status).toBe(200)
      expect(res.json()).toEqual(UNPARSEABLE)

      const empty = await post('/api/sandbox/verify/json?number=447700900001&brand=Acme', '')
      expect(empty.json()).toEqual(res.json())
    },
  )

  it('the sandbox answers it the same when called directly, with its account', async () => {
    for (const body of ['', ...WHITESPACE]) {
      const res = await post('/sandbox/verify/check/json', body, { authorization: SANDBOX_ACCOUNT })
      expect(res.status, JSON.stringify(body)).toBe(200)
      expect(res.json(), JSON.stringify(body)).toEqual(UNPARSEABLE)
    }
  })
})

describe('a JSON body of whitespace only, to an upstream', () => {
  it('goes on as it is, with the server’s credentials (Basic auth)', async () => {
    const upstream = await startUpstream()
    const proxy = await startProxy(upstream.url)
    try {
      const res = await postAs(proxy.port, '/api/live/verify/json', 'application/json', ' \n ')
      expect(res.status).toBe(200)
      expect(upstream.arrivals).toHaveLength(1)
      const [arrival] = upstream.arrivals
      expect(arrival?.body).toBe(' \n ')
      expect(arrival?.headers['content-type']).toBe('application/json')
      expect(arrival?.headers.authorization).toBe(basic(LIVE))
    } finally {
      await proxy.close()
      await upstream.close()
    }
  })

  it('goes on as it is, the server’s credentials in the query (VONAGE_AUTH=params)', async () => {
    const upstream = await startUpstream()
    const proxy = await startProxy(upstream.url, {
      live: environmentOn(upstream.url, LIVE, { auth: 'params' }),
    })
    try {
      const res = await postAs(
        proxy.port,
        '/api/live/verify/json?number=447700900001',
        'application/json',
        '\t',
      )
      expect(res.status).toBe(200)
      const [arrival] = upstream.arrivals
      expect(arrival?.body).toBe('\t')
      const query = new URLSearchParams(arrival?.url.split('?')[1])
      expect(query.get('number')).toBe('447700900001')
      expect(query.get('api_key')).toBe(LIVE.apiKey)
      expect(query.get('api_secret')).toBe(LIVE.apiSecret)
    } finally {
      await proxy.close()
      await upstream.close()
    }
  })
})
