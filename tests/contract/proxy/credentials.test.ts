import { describe, expect, it } from 'vitest'
import {
  LIVE,
  SANDBOX,
  basic,
  call,
  environmentOn,
  json,
  postJson,
  upstreamAndProxyForEachTest,
} from './support'

const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest()

/** Sends a start while the upstream answers every call with a 500 of this content type and body. */
async function startWhileUpstreamAnswers500(type: string, page: string) {
  upstream.answerWith(500, { headers: { 'content-type': type }, body: page })
  return postJson(proxy.port, '/api/live/verify/json', { number: '447700900000', brand: 'Acme' })
}

const BROWSER = { key: 'browserkey', secret: 'browser-secret-xyz' }

function expectNoBrowserCredentials(arrival: {
  url: string
  body: string
  headers: Record<string, unknown>
}) {
  const everything = `${arrival.url} ${arrival.body} ${JSON.stringify(arrival.headers)}`
  expect(everything).not.toContain(BROWSER.key)
  expect(everything).not.toContain(BROWSER.secret)
  expect(arrival.url).not.toMatch(/api_key|api_secret/)
  expect(arrival.body).not.toMatch(/api_key|api_secret/)
}

describe('credential injection', () => {
  it('sends the live credentials as a correct Basic header and nothing else of them', async () => {
    const res = await postJson(proxy.port, '/api/live/verify/json', {
      number: '447700900000',
      brand: 'Acme',
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ request_id: 'abcdef0123456789abcdef0123456789', status: '0' })
    const [arrival] = upstream.arrivals
    expect(arrival?.method).toBe('POST')
    expect(arrival?.url).toBe('/verify/json')
    expect(arrival?.headers.authorization).toBe(basic(LIVE))
    expect(JSON.parse(arrival?.body ?? '')).toEqual({ number: '447700900000', brand: 'Acme' })
    expect(arrival?.headers['content-type']).toBe('application/json')
  })

  it('uses the sandbox account on the sandbox environment', async () => {
    await call(proxy.port, '/api/sandbox/verify/search/json?request_id=abc')
    expect(upstream.arrivals[0]?.headers.authorization).toBe(basic(SANDBOX))
    expect(upstream.arrivals[0]?.url).toBe('/verify/search/json?request_id=abc')
  })

  it('strips credentials the browser put in the query, a form, JSON and the Authorization header', async () => {
    const creds = `api_key=${BROWSER.key}&api_secret=${BROWSER.secret}`
    await call(proxy.port, `/api/live/verify/search/json?request_id=r1&${creds}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${BROWSER.key}:${BROWSER.secret}`).toString('base64')}`,
      },
    })
    await call(proxy.port, `/api/live/verify/check/json?API_KEY=${BROWSER.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `request_id=r1&code=1234&${creds}`,
    })
    await call(proxy.port, '/api/live/verify/control/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer whatever' },
      body: JSON.stringify({
        request_id: 'r1',
        cmd: 'cancel',
        api_key: BROWSER.key,
        api_secret: BROWSER.secret,
      }),
    })
    expect(upstream.arrivals).toHaveLength(3)
    for (const arrival of upstream.arrivals) {
      expectNoBrowserCredentials(arrival)
      expect(arrival.headers.authorization).toBe(basic(LIVE))
    }
    expect(new URLSearchParams(upstream.arrivals[1]?.body).get('code')).toBe('1234')
    expect(JSON.parse(upstream.arrivals[2]?.body ?? '')).toEqual({
      request_id: 'r1',
      cmd: 'cancel',
    })
    expect(proxy.lines.filter((l) => l.includes('browser_credentials=dropped'))).toHaveLength(3)
  })

  it('strips a request signature the browser sent in the query, a form or JSON, and notes it', async () => {
    const sig = 'browsersig0123456789abcdef'
    await call(proxy.port, `/api/live/verify/search/json?request_id=r1&sig=${sig}&timestamp=1`)
    await call(proxy.port, '/api/live/verify/check/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `request_id=r1&code=1234&signature=${sig}`,
    })
    await postJson(proxy.port, '/api/live/verify/control/json', {
      request_id: 'r1',
      cmd: 'cancel',
      SIG: sig,
    })
    expect(upstream.arrivals).toHaveLength(3)
    for (const arrival of upstream.arrivals) {
      expect(`${arrival.url} ${arrival.body}`).not.toContain(sig)
      expect(`${arrival.url} ${arrival.body}`).not.toMatch(/sig/i)
    }
    expect(upstream.arrivals[0]?.url).toBe('/verify/search/json?request_id=r1&timestamp=1')
    expect(new URLSearchParams(upstream.arrivals[1]?.body).get('code')).toBe('1234')
    expect(JSON.parse(upstream.arrivals[2]?.body ?? '')).toEqual({
      request_id: 'r1',
      cmd: 'cancel',
    })
    expect(proxy.lines.filter((l) => l.includes('browser_credentials=dropped'))).toHaveLength(3)
  })

  it('in params mode sends the server credentials as parameters, never the browser ones', async () => {
    await restartProxy({ live: environmentOn(upstream.url, LIVE, { auth: 'params' }) })
    await call(
      proxy.port,
      `/api/live/verify/search/json?request_id=r1&api_secret=${BROWSER.secret}`,
    )
    await postJson(proxy.port, '/api/live/verify/json', {
      number: '1',
      brand: 'b',
      api_key: BROWSER.key,
    })
    const [search, start] = upstream.arrivals
    expect(Object.fromEntries(new URL(`http://x${search?.url}`).searchParams)).toEqual({
      request_id: 'r1',
      api_key: LIVE.apiKey,
      api_secret: LIVE.apiSecret,
    })
    expect(JSON.parse(start?.body ?? '')).toEqual({
      number: '1',
      brand: 'b',
      ...{ api_key: LIVE.apiKey, api_secret: LIVE.apiSecret },
    })
    expect(search?.headers.authorization).toBeUndefined()
  })

  it('in params mode never passes an Authorization header the browser sent', async () => {
    await restartProxy({ live: environmentOn(upstream.url, LIVE, { auth: 'params' }) })
    const otherAccount = basic({ apiKey: BROWSER.key, apiSecret: BROWSER.secret })
    const search = await call(proxy.port, '/api/live/verify/search/json?request_id=r1', {
      headers: { authorization: otherAccount },
    })
    const start = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: otherAccount },
      body: JSON.stringify({ number: '447700900000', brand: 'Acme' }),
    })
    const check = await call(proxy.port, '/api/live/verify/check/json', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Bearer browser-bearer-value',
      },
      body: 'request_id=r1&code=1234',
    })
    expect([search.status, start.status, check.status]).toEqual([200, 200, 200])
    expect(upstream.arrivals).toHaveLength(3)
    for (const arrival of upstream.arrivals) {
      expect(arrival.headers.authorization).toBeUndefined()
      const everything = `${arrival.url} ${arrival.body} ${JSON.stringify(arrival.headers)}`
      expect(everything).not.toContain(BROWSER.key)
      expect(everything).not.toContain(BROWSER.secret)
      expect(everything).not.toContain(otherAccount.slice('Basic '.length))
      expect(JSON.stringify(arrival.headers)).not.toContain('browser-bearer-value')
    }
    // The server's own account went as parameters instead.
    expect(new URL(`http://x${upstream.arrivals[0]?.url}`).searchParams.get('api_key')).toBe(
      LIVE.apiKey,
    )
    expect(JSON.parse(upstream.arrivals[1]?.body ?? '')).toMatchObject({
      api_key: LIVE.apiKey,
      api_secret: LIVE.apiSecret,
    })
    expect(new URLSearchParams(upstream.arrivals[2]?.body).get('api_secret')).toBe(LIVE.apiSecret)
  })

  it.each(['basic', 'params'] as const)(
    'never forwards the access token, nor the origin, referer, user agent or cookies (%s auth)',
    async (auth) => {
      const TOKEN = 'desk-token-7c1e9a2b4d'
      await restartProxy({ token: TOKEN, live: environmentOn(upstream.url, LIVE, { auth }) })
      const page = {
        origin: `http://localhost:${proxy.port}`,
        referer: `http://localhost:${proxy.port}/requests`,
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) BrowserOfTheAgent/1.0',
        cookie: 'session=agent-session-cookie',
      }
      const answers = [
        await call(proxy.port, '/api/live/verify/search/json?request_id=r1', {
          headers: { ...page, 'x-verify-desk-token': TOKEN },
        }),
        await call(proxy.port, '/api/live/verify/json', {
          method: 'POST',
          headers: {
            ...page,
            'content-type': 'application/json',
            authorization: `Bearer ${TOKEN}`,
          },
          body: JSON.stringify({ number: '447700900000', brand: 'Acme' }),
        }),
        await call(
          proxy.port,
          `/api/live/verify/search/json?request_id=r2&verify_desk_token=${TOKEN}`,
          {
            headers: page,
          },
        ),
        await call(proxy.port, '/api/live/verify/control/json', {
          method: 'POST',
          headers: { ...page, 'content-type': 'application/json', 'x-verify-desk-token': TOKEN },
          body: JSON.stringify({ request_id: 'r1', cmd: 'cancel' }),
        }),
      ]
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200])
      expect(upstream.arrivals).toHaveLength(4)
      for (const arrival of upstream.arrivals) {
        expect(`${arrival.url} ${arrival.body} ${JSON.stringify(arrival.headers)}`).not.toContain(
          TOKEN,
        )
        expect(arrival.headers['x-verify-desk-token']).toBeUndefined()
        expect(arrival.headers.authorization).toBe(auth === 'basic' ? basic(LIVE) : undefined)
        expect(arrival.headers.origin).toBeUndefined()
        expect(arrival.headers.referer).toBeUndefined()
        expect(arrival.headers.cookie).toBeUndefined()
        expect(arrival.headers['user-agent']).toBe('verify-desk-proxy')
      }
      expect(upstream.arrivals[2]?.url).toMatch(/^\/verify\/search\/json\?request_id=r2(&|$)/)
    },
  )

  it('forwards none of the browser headers but Accept and Content-Type', async () => {
    await call(proxy.port, '/api/live/verify/search/json?request_id=r1', {
      headers: { cookie: 'session=1', 'x-forwarded-for': '10.0.0.1', accept: 'application/json' },
    })
    const headers = upstream.arrivals[0]?.headers ?? {}
    expect(headers.cookie).toBeUndefined()
    expect(headers['x-forwarded-for']).toBeUndefined()
    expect(headers.accept).toBe('application/json')
  })
})

describe('GET /api/environments', () => {
  it('lists sandbox and live with a masked key hint, never the secret', async () => {
    const res = await call(proxy.port, '/api/environments')
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toEqual({
      environments: [
        // The search rates the proxy paces each environment to (the dashboard's polling keeps to them).
        {
          id: 'sandbox',
          label: 'Sandbox',
          available: true,
          credentials: 'basic',
          searchPerSecond: 50,
        },
        {
          id: 'live',
          label: 'Live',
          available: true,
          keyHint: 'live…',
          // Where the server puts the credentials (the call detail says so).
          credentials: 'basic',
          searchPerSecond: 50,
          // Where live calls go (VONAGE_API_HOST): the host Copy as curl names.
          apiHost: upstream.url,
        },
      ],
      default: 'sandbox',
    })
    expect(res.body).not.toContain(LIVE.apiKey)
    expect(res.body).not.toContain(LIVE.apiSecret)
  })

  it('says live sends the credentials as parameters when VONAGE_AUTH is params', async () => {
    await restartProxy({ live: environmentOn(upstream.url, LIVE, { auth: 'params' }) })
    expect((await call(proxy.port, '/api/environments')).json()).toMatchObject({
      environments: [
        { id: 'sandbox', credentials: 'basic' },
        { id: 'live', available: true, credentials: 'params' },
      ],
    })
  })

  it('says live is unavailable when it is not configured, and refuses live calls with 503', async () => {
    await restartProxy({ live: undefined })
    expect((await call(proxy.port, '/api/environments')).json()).toMatchObject({
      environments: [
        { id: 'sandbox', available: true },
        { id: 'live', label: 'Live', available: false },
      ],
    })
    const res = await postJson(proxy.port, '/api/live/verify/json', { number: '1' })
    expect(res.status).toBe(503)
    expect(res.json()).toMatchObject({
      error: { code: 'environment_unavailable', message: expect.stringMatching(/VONAGE_API_KEY/) },
    })
    expect(upstream.arrivals).toHaveLength(0)
  })
})

describe('secrets never reach the browser or the log', () => {
  it('holds across successes, errors and an upstream that echoes the secret', async () => {
    const responses = []
    responses.push(await call(proxy.port, '/api/environments'))
    responses.push(await postJson(proxy.port, '/api/live/verify/json', { number: '1', brand: 'b' }))
    responses.push(await call(proxy.port, '/api/live/nope'))
    responses.push(await call(proxy.port, '/api/live/verify/json', { method: 'PUT' }))
    responses.push(await postJson(proxy.port, '/api/live/verify/json', { pad: 'x'.repeat(20_000) }))
    upstream.setHandler((arrival, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-echo': String(arrival.headers.authorization),
      })
      res.end(
        JSON.stringify({
          status: '4',
          error_text: `Bad credentials ${LIVE.apiSecret} ${arrival.headers.authorization}`,
        }),
      )
    })
    responses.push(
      await postJson(proxy.port, '/api/live/verify/check/json', { request_id: 'r', code: '1' }),
    )
    upstream.setHandler((arrival, res) => {
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end(
        `<h1>oops</h1> key=${LIVE.apiKey} secret=${LIVE.apiSecret} ${arrival.headers.authorization}`,
      )
    })
    responses.push(await postJson(proxy.port, '/api/live/verify/json', { number: '1' }))
    const encoded = basic(LIVE).slice('Basic '.length)
    for (const res of responses) {
      const visible = `${res.body} ${JSON.stringify(res.headers)}`
      expect(visible).not.toContain(LIVE.apiSecret)
      expect(visible).not.toContain(encoded)
    }
    expect(responses[5]?.json()).toMatchObject({ status: '4' })
    expect(responses[6]?.status).toBe(502)
    // Exactly one access line per call, in call order, each with that call's HTTP status.
    const access = proxy.lines.filter((line) => line.startsWith('[verify-desk] time='))
    expect(access.map((line) => /\bhttp=(\d+)\b/.exec(line)?.[1])).toEqual(
      responses.map((res) => String(res.status)),
    )
    const log = proxy.lines.join('\n')
    expect(log).not.toContain(LIVE.apiSecret)
    expect(log).not.toContain(encoded)
  })
})

describe('a secret with characters that encode differently', () => {
  // Vonage secrets may hold punctuation; in params mode the proxy sends the secret form-encoded
  // (`!` as %21, space as +), which an upstream echoing the call would give back in that form.
  const secret = `Pa55*word!(x) +y'"<&>`
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]

  it('never reaches the browser or the log in any of its forms', async () => {
    const account = { apiKey: LIVE.apiKey, apiSecret: secret }
    await restartProxy({ live: environmentOn(upstream.url, account, { auth: 'params' }) })
    upstream.setHandler((arrival, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: '4', error_text: `${arrival.url} ${arrival.body}` }))
    })
    const fromForm = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'number=447700900000&brand=Acme',
    })
    const fromQuery = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    upstream.setHandler((arrival, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<pre>${arrival.url} ${arrival.body}</pre>`)
    })
    const fromErrorPage = await call(proxy.port, '/api/live/verify/check/json?request_id=r&code=1')
    // The upstream did get the secret, form-encoded: that is what it echoed.
    expect(upstream.arrivals[0]?.body).toContain(forms[2])
    expect(fromForm.json()).toMatchObject({
      status: '4',
      error_text: expect.stringContaining('[redacted]'),
    })
    expect(fromErrorPage.status).toBe(502)
    for (const res of [fromForm, fromQuery, fromErrorPage]) {
      for (const form of forms) expect(res.body).not.toContain(form)
      // The key is shown as everywhere else in the dashboard: its first four characters.
      expect(res.body).not.toContain(LIVE.apiKey)
      expect(res.body).toContain('api_key=live…')
    }
    const log = proxy.lines.join('\n')
    for (const form of forms) expect(log).not.toContain(form)
  })
})

describe('what passes unchanged', () => {
  it('forwards a query as it was written when nothing was taken out of it', async () => {
    const query = 'number=447700900000&brand=%E9t%C3%A9&sender_id=%ZZ&flag&a=b=c&n=1%202~'
    const res = await call(proxy.port, `/api/live/verify/json?${query}`)
    expect(res.status).toBe(200)
    expect(upstream.arrivals[0]?.url).toBe(`/verify/json?${query}`)
  })

  it('never alters an answer that happens to contain the access token', async () => {
    await restartProxy({ token: '1234' })
    const id = 'abcdef0123456789abcdef0123451234'
    upstream.answerWith(200, json({ request_id: id, status: 'IN PROGRESS', code: '1234' }))
    const res = await call(proxy.port, `/api/live/verify/search/json?request_id=${id}`, {
      headers: { 'x-verify-desk-token': '1234' },
    })
    expect(res.json()).toEqual({ request_id: id, status: 'IN PROGRESS', code: '1234' })
  })
})

describe('a secret echoed in the escapes other servers write', () => {
  const secret = 'p@ss w/rd+&<>"é%'
  /** Go's html.EscapeString: `&#34;` and `&#39;` for the quotes. */
  const goHtml = 'p@ss w/rd+&amp;&lt;&gt;&#34;é%'
  /** Python's json.dumps (ensure_ascii): `é` as `\u00e9`. */
  const pythonJson = 'p@ss w/rd+&<>\\"\\u00e9%'

  // An HTML page where JSON was expected is a bad response (502); a JSON answer passes on as is.
  it.each([
    ['an HTML page with numeric entities', 'text/html', `<p>bad secret ${goHtml}</p>`, goHtml, 502],
    [
      'a JSON error with \\u escapes',
      'application/json',
      `{"error":"bad secret ${pythonJson}"}`,
      pythonJson,
      500,
    ],
  ])('never reaches the browser or the log from %s', async (_, type, page, form, status) => {
    const account = { apiKey: LIVE.apiKey, apiSecret: secret }
    await restartProxy({ live: environmentOn(upstream.url, account) })
    const res = await startWhileUpstreamAnswers500(type, page)
    expect(res.status).toBe(status)
    expect(res.body).toContain('bad secret [redacted]')
    expect(res.body).not.toContain(form)
    expect(res.body).not.toContain('rd+')
    expect(proxy.lines.join('\n')).not.toContain('rd+')
  })
})

describe('a secret echoed in the mixes of escapes PHP and Python write', () => {
  const secret = `pa'ss"word&1`

  it.each([
    ["PHP's htmlspecialchars (ENT_QUOTES)", 'text/html', 'pa&#039;ss&quot;word&amp;1', 502],
    ["Python's html.escape", 'text/html', 'pa&#x27;ss&quot;word&amp;1', 502],
    ["PHP's json_encode (JSON_HEX_AMP)", 'application/json', 'pa\'ss\\"word\\u00261', 500],
  ])('never reaches the browser or the log from %s', async (_, type, form, status) => {
    const account = { apiKey: LIVE.apiKey, apiSecret: secret }
    await restartProxy({ live: environmentOn(upstream.url, account) })
    const page =
      type === 'text/html' ? `<p>bad secret ${form}</p>` : `{"error":"bad secret ${form}"}`
    const res = await startWhileUpstreamAnswers500(type, page)
    expect(res.status).toBe(status)
    expect(res.body).toContain('bad secret [redacted]')
    expect(res.body).not.toContain('word')
    expect(proxy.lines.join('\n')).not.toContain('word')
  })
})
