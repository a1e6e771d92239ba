import http from 'node:http'
import net from 'node:net'
import { beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '../../support/eventually'
import {
  LIVE,
  call,
  environmentOn,
  errorOf,
  expectBodyRefused,
  expectProxyError,
  json,
  openCall,
  pipelinedCalls,
  postAs,
  postJson,
  verifyLikeHandler,
  upstreamAndProxyForEachTest,
} from './support'

const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest()

describe('allowlist and methods', () => {
  it.each([
    '/api',
    '/api/',
    '/api/live/account/get-balance',
    '/api/live/verify/psd2/xml',
    '/api/live/__admin/requests',
    '/api/other/verify/json',
    '/api/live/verify/../../admin',
    '/api//sandbox/sandbox/verify/json',
    '/api/live/verify%2Fjson',
  ])('answers 404 JSON for %s and forwards nothing', async (path) => {
    const res = await call(proxy.port, path)
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(errorOf(res)).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/No such API path/),
    })
    expect(upstream.arrivals).toHaveLength(0)
  })

  it.each([
    ['PUT', '/api/live/verify/json', 'GET, POST'],
    ['DELETE', '/api/live/verify/control/json', 'GET, POST'],
    ['PATCH', '/api/sandbox/verify/search/json', 'GET, POST'],
    ['PUT', '/api/live/verify/psd2/json', 'GET, POST'],
    ['GET', '/api/live/verify/network-unblock/', 'POST'],
    ['POST', '/api/environments', 'GET, HEAD'],
  ])('answers 405 JSON for %s %s with an Allow header', async (method, path, allow) => {
    const res = await call(proxy.port, path, { method })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe(allow)
    expect(errorOf(res).code).toBe('method_not_allowed')
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('forwards GET starts, as the v1 API accepts them', async () => {
    const res = await call(proxy.port, '/api/live/verify/json?number=447700900000&brand=Acme')
    expect(res.status).toBe(200)
    expect(upstream.arrivals[0]?.url).toBe('/verify/json?number=447700900000&brand=Acme')
  })

  it('forwards a GET PSD2 start and a path with one trailing slash, as the sandbox takes them', async () => {
    const psd2 = await call(proxy.port, '/api/live/verify/psd2/json?number=447700900000&amount=1')
    expect(psd2.status).toBe(200)
    const slash = await call(proxy.port, '/api/live/verify/search/json/?request_id=abc')
    expect(slash.status).toBe(200)
    expect(upstream.arrivals.map((a) => [a.method, a.url])).toEqual([
      ['GET', '/verify/psd2/json?number=447700900000&amount=1'],
      ['GET', '/verify/search/json?request_id=abc'],
    ])
  })
})

describe('request bodies', () => {
  it('refuses a body over 16 KiB with 413, whether declared or streamed', async () => {
    const big = JSON.stringify({ brand: 'x'.repeat(16 * 1024) })
    const declared = await postJson(proxy.port, '/api/live/verify/json', {
      brand: 'x'.repeat(16 * 1024),
    })
    expect(declared.status).toBe(413)
    expect(errorOf(declared)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/16 KiB/),
    })
    const chunked = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: big,
    })
    expect(chunked.status).toBe(413)
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('counts every chunk of a streamed body: 40 KiB sent 1 KiB at a time is refused', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = openCall(proxy.port, '/api/live/verify/json', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      // The server may close the connection as soon as it has answered: not a failure here.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error)
      })
      const chunk = 'x'.repeat(1024)
      req.write(`{"brand":"`)
      let sent = 0
      const more = () => {
        while (sent < 40 && !req.destroyed) {
          sent++
          if (!req.write(chunk)) return void req.once('drain', more)
        }
        if (!req.destroyed) req.end('"}')
      }
      more()
    })
    expect(status).toBe(413)
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('answers 408 to a body that stops arriving, logs it as 408, and closes the connection', async () => {
    await restartProxy({ bodyTimeoutMs: 100 })
    // Half the body declared, then nothing more: the client neither sends the rest nor leaves.
    const req = openCall(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '60' },
    })
    req.on('error', () => undefined) // the server closes the connection after its answer
    req.write('{"number":"447700900000",')
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve))
    const text = await new Promise<string>((resolve) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve(body))
    })
    req.destroy()
    expect(res.statusCode).toBe(408)
    expect(res.headers.connection).toBe('close')
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'request_timeout',
        message: expect.stringMatching(/^The request body did not arrive whole within 0\.1 s/),
        delivery: 'not_sent',
      },
    })
    expect(upstream.arrivals).toHaveLength(0)
    await eventually(() => expect(proxy.lines).toHaveLength(1))
    expect(proxy.lines[0]).toMatch(/ endpoint=request method=POST http=408 /)
    expect(proxy.lines[0]).toMatch(/ not_sent error=request_timeout$/)
    expect(proxy.lines[0]).not.toMatch(/client_closed/)
  })

  it('accepts a body just under the limit', async () => {
    const body = JSON.stringify({ brand: 'x'.repeat(16 * 1024 - 20) })
    const res = await postAs(proxy.port, '/api/live/verify/json', 'application/json', body)
    expect(res.status).toBe(200)
  })

  it('refuses other content types with 415', async () => {
    const res = await postAs(proxy.port, '/api/live/verify/json', 'text/plain', 'number=1')
    expect(res.status).toBe(415)
    expect(errorOf(res).code).toBe('unsupported_media_type')
  })

  it('refuses a body in another charset than UTF-8 with 415, before anything is sent', async () => {
    const res = await postAs(
      proxy.port,
      '/api/live/verify/json',
      'application/x-www-form-urlencoded; charset=ISO-8859-1',
      'number=1&brand=Br%E4nd',
    )
    expectBodyRefused(
      res,
      upstream,
      'Send the parameters as JSON (application/json) or as a form (application/x-www-form-urlencoded or multipart/form-data), in UTF-8.',
    )
  })

  it('does not carry out a call pipelined behind a refused body: the connection closes', async () => {
    const calls = pipelinedCalls(proxy.port, '/api/live/verify/json', [
      JSON.stringify({ brand: 'x'.repeat(17 * 1024) }),
      JSON.stringify({ number: '447700900081', brand: 'Acme' }),
    ])
    await eventually(() => expect(proxy.lines.filter((l) => l.includes(' http='))).toHaveLength(2))
    // The answer may reach the test's socket after the log lines (a loaded machine).
    await eventually(() => expect(calls.received()).toMatch(/^HTTP\/1\.1 413 /))
    expect(calls.received()).toMatch(/\r\nConnection: close\r\n/i)
    expect(calls.received().match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(upstream.arrivals).toHaveLength(0)
    expect(proxy.lines[1]).toMatch(/ http=499 .* client_closed not_sent/)
    calls.leave()
  })
})

describe('query strings', () => {
  /** The refusal of a query over 8 KiB: Vonage's status for its length, and why. */
  const queryRefusal = (status: 413 | 414) => ({
    code: status === 413 ? 'payload_too_large' : 'uri_too_long',
    message: expect.stringMatching(
      /^The query string is longer than 8 KiB, which Vonage refuses; it was not sent\. /,
    ),
  })

  it('refuses one over 8 KiB with 413 JSON, as Vonage does, and sends nothing', async () => {
    const path = `/api/live/verify/search/json?request_id=${'a'.repeat(12 * 1024)}`
    const res = await call(proxy.port, path)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expectProxyError(res, 413, queryRefusal(413))
    const post = await call(proxy.port, `/api/sandbox/verify/json?brand=${'b'.repeat(9000)}`, {
      method: 'POST',
      ...json({ number: '447700900000' }),
    })
    expectProxyError(post, 413, queryRefusal(413))
    expect(upstream.arrivals).toHaveLength(0)
    await eventually(() => expect(proxy.lines).toHaveLength(2))
    expect(proxy.lines[0]).toMatch(/ endpoint=search method=GET http=413 /)
  })

  it('answers 414 once the request target Vonage would get is over 16,000 bytes', async () => {
    // `/verify/search/json?` and the query: 16,000 bytes, then 16,001.
    const query = (bytes: number) => `request_id=${'a'.repeat(bytes - 'request_id='.length)}`
    const atLimit = await call(proxy.port, `/api/live/verify/search/json?${query(15980)}`)
    expectProxyError(atLimit, 413, queryRefusal(413))
    const past = await call(proxy.port, `/api/live/verify/search/json?${query(15981)}`)
    expectProxyError(past, 414, queryRefusal(414))
    // The start Vonage answered 414: a request target of 16,067 bytes.
    const dashes = '-'.repeat(8000)
    const start = `api_key=${dashes}&api_secret=${dashes}&brand=TestApp&number=447700900000`
    expect(`/verify/json?${start}`.length).toBe(16067)
    const refused = await call(proxy.port, `/api/live/verify/json?${start}`)
    expectProxyError(refused, 414, queryRefusal(414))
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('keeps the connection open after refusing a query: the next call on it is carried out', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const refused = await call(proxy.port, `/api/live/verify/json?brand=${'b'.repeat(9000)}`, {
        method: 'POST',
        ...json({ number: '447700900000' }),
        agent,
      })
      expectProxyError(refused, 413, queryRefusal(413))
      expect(refused.headers.connection).toBe('keep-alive')
      const next = await call(proxy.port, '/api/live/verify/json', {
        method: 'POST',
        ...json({ number: '447700900000', brand: 'Acme' }),
        agent,
      })
      expect(next.status).toBe(200)
      expect(upstream.arrivals).toHaveLength(1)
      expect(proxy.connections()).toBe(1)
    } finally {
      agent.destroy()
    }
  })

  it('forwards one of exactly 8 KiB', async () => {
    const query = `request_id=${'a'.repeat(8 * 1024 - 'request_id='.length)}`
    const res = await call(proxy.port, `/api/live/verify/search/json?${query}`)
    expect(res.status).toBe(200)
    expect(upstream.arrivals[0]?.url).toBe(`/verify/search/json?${query}`)
  })
})

describe('cross-site requests (CSRF)', () => {
  it('refuses a start from another origin before anything is sent', async () => {
    const res = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'number=447700900000&brand=Evil',
    })
    expect(res.status).toBe(403)
    expect(errorOf(res)).toMatchObject({
      code: 'cross_site_request',
      message: expect.stringMatching(/another origin/),
    })
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('refuses a GET start the browser marks cross-site (an <img> on another site)', async () => {
    const res = await call(proxy.port, '/api/live/verify/json?number=447700900000&brand=Evil', {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(res.status).toBe(403)
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('refuses another port of localhost (another origin)', async () => {
    const res = await call(proxy.port, '/api/sandbox/verify/control/json', {
      method: 'POST',
      headers: { origin: 'http://localhost:1', 'sec-fetch-site': 'same-site' },
    })
    expect(res.status).toBe(403)
  })

  it('refuses a state-changing call opened as a page (a link from a mail or chat app)', async () => {
    const page = {
      'sec-fetch-site': 'none',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      'sec-fetch-user': '?1',
    }
    for (const path of [
      '/api/live/verify/json?number=447700900209&brand=Link',
      '/api/live/verify/control/json?request_id=abc&cmd=cancel',
      '/api/live/verify/check/json?request_id=abc&code=1234',
    ]) {
      const res = await call(proxy.port, path, { headers: page })
      expect(res.status, path).toBe(403)
      expect(errorOf(res)).toEqual({
        code: 'cross_site_request',
        message:
          'Refused: the browser opened it as a page (a link or the address bar). Only the Verify Desk page served by this server may use its API.',
      })
    }
    // An image or a frame from nowhere (Sec-Fetch-Dest other than empty) neither.
    const image = await call(proxy.port, '/api/live/verify/json?number=447700900209&brand=Img', {
      headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    })
    expect(image.status).toBe(403)
    expect(upstream.arrivals).toHaveLength(0)
    // Looking a request up changes nothing: a search opened as a page is answered.
    const search = await call(proxy.port, '/api/live/verify/search/json?request_id=abc', {
      headers: page,
    })
    expect(search.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('refuses a state-changing call whose only clue is a Referer of another origin', async () => {
    // Older browsers send neither Origin nor Fetch Metadata: an <img> or a form on another site.
    const evil = { referer: 'https://evil.example/cat.html' }
    const image = await call(proxy.port, '/api/live/verify/json?number=447700900209&brand=Img', {
      headers: evil,
    })
    const form = await call(proxy.port, '/api/sandbox/verify/control/json', {
      method: 'POST',
      headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'request_id=abc&cmd=cancel',
    })
    for (const res of [image, form]) {
      expectProxyError(res, 403, {
        code: 'cross_site_request',
        message:
          'Refused: the request comes from a page of another origin (https://evil.example). Only the Verify Desk page served by this server may use its API.',
      })
    }
    expect(upstream.arrivals).toHaveLength(0)
    // The page's own Referer, a search (it changes nothing) and no Referer at all are answered.
    const own = await call(proxy.port, '/api/live/verify/json?number=447700900209&brand=Own', {
      headers: { referer: `${proxy.origin}/verify` },
    })
    const search = await call(proxy.port, '/api/live/verify/search/json?request_id=abc', {
      headers: evil,
    })
    const curl = await call(proxy.port, '/api/live/verify/control/json?request_id=abc&cmd=cancel')
    expect([own.status, search.status, curl.status]).toEqual([200, 200, 200])
    expect(upstream.arrivals).toHaveLength(3)
  })

  it('accepts the page’s own fetch calls, and clients that send no Fetch Metadata', async () => {
    const res = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: {
        origin: proxy.origin,
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'cors',
        'sec-fetch-dest': 'empty',
        'content-type': 'application/json',
      },
      body: '{"number":"1","brand":"b"}',
    })
    expect(res.status).toBe(200)
    const curl = await call(proxy.port, '/api/live/verify/json?number=447700900000&brand=b')
    expect(curl.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(2)
  })
})

describe('Host check (DNS rebinding)', () => {
  it('refuses a call that names no Host at all (HTTP/1.0)', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1')
    socket.setEncoding('utf8')
    let received = ''
    socket.on('data', (text: string) => (received += text))
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.end('GET /api/live/verify/search/json?request_id=r1 HTTP/1.0\r\n\r\n')
    await closed
    const [head = '', body = ''] = received.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.[01] 403 /)
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'host_not_allowed' } })
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('refuses an unexpected Host and accepts loopback names', async () => {
    const evil = await call(proxy.port, '/api/environments', {
      headers: { host: `rebind.evil.example:${proxy.port}` },
    })
    expect(evil.status).toBe(403)
    expect(errorOf(evil).code).toBe('host_not_allowed')
    for (const host of [
      `localhost:${proxy.port}`,
      `127.0.0.1:${proxy.port}`,
      `[::1]:${proxy.port}`,
    ]) {
      expect((await call(proxy.port, '/api/environments', { headers: { host } })).status).toBe(200)
    }
  })

  it('accepts hosts from the configured allowlist', async () => {
    await restartProxy({ allowedHosts: ['desk.lan'] })
    expect(
      (await call(proxy.port, '/api/environments', { headers: { host: 'desk.lan' } })).status,
    ).toBe(200)
    expect(
      (await call(proxy.port, '/api/environments', { headers: { host: 'other.lan' } })).status,
    ).toBe(403)
  })
})

describe('access token', () => {
  const TOKEN = 'correct-horse-battery-staple'
  beforeEach(async () => {
    await restartProxy({ token: TOKEN })
  })

  it('answers 401 JSON without the token or with a wrong one', async () => {
    // Near misses too: the token without its last character, and with one more.
    const near = [TOKEN.slice(0, -1), `${TOKEN}x`]
    const attempts: Record<string, string>[] = [
      {},
      { 'x-verify-desk-token': 'wrong' },
      { authorization: 'Bearer wrong' },
      ...near.map((token) => ({ 'x-verify-desk-token': token })),
      ...near.map((token) => ({ authorization: `Bearer ${token}` })),
    ]
    for (const headers of attempts) {
      const res = await call(proxy.port, '/api/environments', { headers })
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/)
      expect(errorOf(res)).toMatchObject({
        code: 'unauthorized',
        message: expect.stringMatching(/X-Verify-Desk-Token/),
      })
    }
    expect((await call(proxy.port, '/api/live/verify/json', { method: 'POST' })).status).toBe(401)
    for (const token of near) {
      const res = await call(
        proxy.port,
        `/api/live/verify/search/json?request_id=r1&verify_desk_token=${token}`,
      )
      expect(res.status, token).toBe(401)
    }
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('accepts X-Verify-Desk-Token, a Bearer header, or the query parameter on GET, and forwards none', async () => {
    expect(
      (await call(proxy.port, '/api/environments', { headers: { 'x-verify-desk-token': TOKEN } }))
        .status,
    ).toBe(200)
    const bearer = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"number":"1","brand":"b"}',
    })
    expect(bearer.status).toBe(200)
    const query = await call(
      proxy.port,
      `/api/live/verify/search/json?request_id=r1&verify_desk_token=${TOKEN}`,
    )
    expect(query.status).toBe(200)
    for (const arrival of upstream.arrivals) {
      expect(`${arrival.url} ${arrival.body} ${JSON.stringify(arrival.headers)}`).not.toContain(
        TOKEN,
      )
    }
    expect(upstream.arrivals[1]?.url).toBe('/verify/search/json?request_id=r1')
    expect(proxy.lines.join('\n')).not.toContain(TOKEN)
  })

  it('never forwards the token a query carries in another case', async () => {
    const answer = await call(
      proxy.port,
      `/api/live/verify/search/json?request_id=r1&VERIFY_DESK_TOKEN=${TOKEN}&Verify_Desk_Token=x`,
      { headers: { 'x-verify-desk-token': TOKEN } },
    )
    expect(answer.status).toBe(200)
    expect(upstream.arrivals.map((arrival) => arrival.url)).toEqual([
      '/verify/search/json?request_id=r1',
    ])
    expect(proxy.lines.join('\n')).not.toContain('browser_credentials=dropped')
  })

  it('never forwards the token a form or JSON body carries as well (params mode too)', async () => {
    const headers = { 'x-verify-desk-token': TOKEN }
    const send = async () => {
      const form = await call(proxy.port, '/api/live/verify/check/json', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: `request_id=r1&code=1234&verify_desk_token=${TOKEN}`,
      })
      const json = await call(proxy.port, '/api/live/verify/control/json', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ request_id: 'r1', cmd: 'cancel', VERIFY_DESK_TOKEN: TOKEN }),
      })
      expect([form.status, json.status]).toEqual([200, 200])
    }
    await send()
    await restartProxy({
      token: TOKEN,
      live: environmentOn(upstream.url, LIVE, { auth: 'params' }),
    })
    await send()
    expect(upstream.arrivals).toHaveLength(4)
    for (const arrival of upstream.arrivals) {
      expect(`${arrival.url} ${arrival.body}`).not.toContain(TOKEN)
      expect(arrival.body).not.toMatch(/verify_desk_token/i)
    }
    expect(new URLSearchParams(upstream.arrivals[0]?.body).get('code')).toBe('1234')
    expect(JSON.parse(upstream.arrivals[1]?.body ?? '')).toEqual({
      request_id: 'r1',
      cmd: 'cancel',
    })
    expect(proxy.lines.join('\n')).not.toContain('browser_credentials=dropped')
  })
})

describe('access log', () => {
  it('logs each refused call once, with its HTTP status', async () => {
    const TOKEN = 'refusal-log-token-0042'
    await restartProxy({ token: TOKEN })
    const auth = { 'x-verify-desk-token': TOKEN }
    const refused = [
      await call(proxy.port, '/api/live/verify/search/json?request_id=r1'),
      await call(proxy.port, '/api/live/verify/json', {
        method: 'POST',
        headers: { ...auth, origin: 'https://evil.example', 'content-type': 'application/json' },
        body: '{"number":"447700900000","brand":"Evil"}',
      }),
      await call(proxy.port, '/api/environments', {
        headers: { ...auth, host: `rebind.evil.example:${proxy.port}` },
      }),
      await call(proxy.port, '/api/live/account/get-balance', { headers: auth }),
      await call(proxy.port, '/api/live/verify/json', { method: 'DELETE', headers: auth }),
    ]
    expect(refused.map((res) => res.status)).toEqual([401, 403, 403, 404, 405])
    expect(refused.map((res) => errorOf(res).code)).toEqual([
      'unauthorized',
      'cross_site_request',
      'host_not_allowed',
      'not_found',
      'method_not_allowed',
    ])
    const access = proxy.lines.filter((line) => line.startsWith('[verify-desk] time='))
    expect(access.map((line) => /\bhttp=(\d+)\b/.exec(line)?.[1])).toEqual([
      '401',
      '403',
      '403',
      '404',
      '405',
    ])
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('never writes the access token into the log, even when the upstream echoes it as the status', async () => {
    // The answer is passed on as it is (it is the upstream's), but the log line is redacted.
    const TOKEN = 'echoed-token-9a8b7c'
    await restartProxy({ token: TOKEN })
    upstream.answerWith(
      200,
      json({ request_id: 'abcdef0123456789abcdef0123456789', status: TOKEN }),
    )
    const res = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'x-verify-desk-token': TOKEN, 'content-type': 'application/json' },
      body: '{"number":"447700900000","brand":"Acme"}',
    })
    expect(res.status).toBe(200)
    expect(proxy.lines).toHaveLength(1)
    expect(proxy.lines[0]).toMatch(/endpoint=request method=POST http=200 status="\[redacted\]"/)
    expect(proxy.lines.join('\n')).not.toContain(TOKEN)
  })

  it('never writes the API secret into the log when the upstream echoes it as the status', async () => {
    upstream.answerWith(200, json({ status: LIVE.apiSecret, error_text: 'echo' }))
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(200)
    expect(res.body).not.toContain(LIVE.apiSecret)
    expect(proxy.lines).toHaveLength(1)
    expect(proxy.lines[0]).toMatch(/endpoint=search method=GET http=200 status="\[redacted\]"/)
    expect(proxy.lines.join('\n')).not.toContain(LIVE.apiSecret)
  })

  it('writes one line per call with environment, endpoint, request_id, status and latency, never a code', async () => {
    await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: 'abcdef0123456789abcdef0123456789',
      code: '918273',
    })
    await call(
      proxy.port,
      '/api/sandbox/verify/search/json?request_id=abcdef0123456789abcdef0123456789',
    )
    await call(proxy.port, '/api/live/verify/json', { method: 'PUT' })
    expect(proxy.lines).toHaveLength(3)
    expect(proxy.lines[0]).toMatch(
      /^\[verify-desk\] time=\d{4}-\d\d-\d\dT[\d:.]+Z env=live endpoint=check method=POST http=200 status="0" request_id=abcdef0123456789abcdef0123456789 latency=[\d.]+ms$/,
    )
    expect(proxy.lines[1]).toMatch(
      /env=sandbox endpoint=search method=GET http=200 status="IN PROGRESS" request_id=abcdef/,
    )
    expect(proxy.lines[2]).toMatch(/env=live endpoint=- method=PUT http=405 status=- request_id=-/)
    expect(proxy.lines.join('\n')).not.toContain('918273')
  })

  it('logs the status and request_id of XML answers too, and nothing else of their body', async () => {
    const ID = 'fedcba9876543210fedcba9876543210'
    const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>${body}`
    const answers: Record<string, string> = {
      '/verify/xml': xml(
        `<verify_response><request_id>${ID}</request_id><status>0</status></verify_response>`,
      ),
      '/verify/check/xml': xml(
        '<verify_response><request_id/><status>101</status><error_text>No response found</error_text></verify_response>',
      ),
      '/verify/search/xml': xml(
        `<verify_request><request_id>${ID}</request_id><account_id>abcd1234</account_id>` +
          '<number>447700900000</number><checks><check><date_received>2026-01-01 00:00:00</date_received>' +
          '<code>918273</code><status>INVALID</status><ip_address/></check></checks>' +
          '<price>0.10000000</price><currency>EUR</currency><status>IN PROGRESS</status></verify_request>',
      ),
      '/verify/control/xml': xml(
        '<response><status>0</status><command>cancel</command></response>',
      ),
    }
    upstream.setHandler((arrival, res, req) => {
      const body = answers[arrival.url.split('?')[0] ?? '']
      if (body === undefined) return verifyLikeHandler(arrival, res, req)
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(body)
    })
    await postJson(proxy.port, '/api/live/verify/xml', { number: '447700900000', brand: 'Acme' })
    await postJson(proxy.port, '/api/live/verify/check/xml', { request_id: 'r1', code: '1234' })
    await call(proxy.port, `/api/live/verify/search/xml?request_id=${ID}`)
    await postJson(proxy.port, '/api/live/verify/control/xml', { request_id: ID, cmd: 'cancel' })
    expect(proxy.lines).toHaveLength(4)
    expect(proxy.lines[0]).toMatch(
      new RegExp(
        `endpoint=request\\.xml method=POST http=200 status="0" request_id=${ID} latency=[\\d.]+ms$`,
      ),
    )
    expect(proxy.lines[1]).toMatch(
      /endpoint=check\.xml method=POST http=200 status="101" request_id=r1 /,
    )
    expect(proxy.lines[2]).toMatch(
      new RegExp(
        `endpoint=search\\.xml method=GET http=200 status="IN PROGRESS" request_id=${ID} `,
      ),
    )
    expect(proxy.lines[3]).toMatch(
      new RegExp(`endpoint=control\\.xml method=POST http=200 status="0" request_id=${ID} `),
    )
    const log = proxy.lines.join('\n')
    for (const secret of ['918273', '447700900000', 'abcd1234', 'EUR', 'INVALID', 'cancel'])
      expect(log).not.toContain(secret)
  })
})
