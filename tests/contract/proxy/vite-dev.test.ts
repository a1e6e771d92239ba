/**
 * The plugin in a real Vite dev server built from the project's own vite.config.ts: the live
 * environment points at a recording upstream double, the sandbox is the embedded one.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LIVE,
  basic,
  call,
  expectHostAllowlist,
  openEventStream,
  postJson,
  startDevServer,
  startUpstream,
  type DevServer,
  type UpstreamDouble,
} from './support'

let upstream: UpstreamDouble
let dev: DevServer
let port: number
let log: typeof dev.log

beforeAll(async () => {
  upstream = await startUpstream()
  dev = await startDevServer({
    VONAGE_API_KEY: LIVE.apiKey,
    VONAGE_API_SECRET: LIVE.apiSecret,
    VONAGE_API_HOST: upstream.url,
    VERIFY_DESK_TOKEN: undefined,
    VERIFY_DESK_ALLOWED_HOSTS: 'desk.example.com, .corp.example',
  })
  port = dev.port
  log = dev.log
}, 60_000)

afterAll(async () => {
  await dev?.close()
  await upstream?.close()
})

describe('the plugin in the Vite dev server', () => {
  it('serves /api/environments with live on and a key hint', async () => {
    const res = await call(port, '/api/environments')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({
      environments: [
        {
          id: 'sandbox',
          label: 'Sandbox',
          available: true,
          credentials: 'basic',
          searchPerSecond: 10,
        },
        {
          id: 'live',
          label: 'Live',
          available: true,
          keyHint: 'live…',
          credentials: 'basic',
          apiHost: upstream!.url,
          searchPerSecond: 1,
        },
      ],
      default: 'sandbox',
    })
  })

  it('forwards a live start with the Basic header from VONAGE_API_KEY/SECRET', async () => {
    const res = await call(port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://localhost:${port}` },
      body: JSON.stringify({ number: '447700900000', brand: 'Acme', api_secret: 'from-browser' }),
    })
    expect(res.status).toBe(200)
    const arrival = upstream.arrivals.at(-1)
    expect(arrival?.headers.authorization).toBe(basic(LIVE))
    expect(JSON.parse(arrival?.body ?? '')).toEqual({ number: '447700900000', brand: 'Acme' })
  })

  it('runs a whole verification against the embedded sandbox through /api', async () => {
    const before = log.lines.length
    const started = await postJson(port, '/api/sandbox/verify/json', {
      number: '447700900123',
      brand: 'Acme',
    })
    expect(started.status).toBe(200)
    const { request_id: requestId, status } = started.json() as {
      request_id: string
      status: string
    }
    expect(status).toBe('0')
    const admin = await call(port, `/api/sandbox/__admin/requests/${requestId}`)
    expect(admin.status).toBe(200)
    const pin = (admin.json() as { pin: string }).pin
    expect(pin).toMatch(/^\d{4}$/)
    const checked = await postJson(port, '/api/sandbox/verify/check/json', {
      request_id: requestId,
      code: pin,
    })
    expect(checked.json()).toMatchObject({ request_id: requestId, status: '0' })
    const searched = await call(port, `/api/sandbox/verify/search/json?request_id=${requestId}`)
    expect(searched.json()).toMatchObject({ request_id: requestId, status: 'SUCCESS' })
    expect(log.lines.join('\n')).not.toContain(`code=${pin}`)
    // Nor as bare digits anywhere in this call's lines (the clock and latency fields aside, and the
    // random request_id, whose hex may hold the digits between letters).
    const logged = log.lines
      .slice(before)
      .map((line) => line.replace(/\b(time|latency)=\S+/g, '').replaceAll(requestId, ''))
      .join('\n')
    expect(logged).toMatch(/endpoint=check method=POST http=200/)
    expect(logged).not.toMatch(new RegExp(`(?<![0-9])${pin}(?![0-9])`))
  })

  it('serves the sandbox itself at /sandbox as a drop-in for api.nexmo.com', async () => {
    const res = await call(
      port,
      '/sandbox/verify/search/json?request_id=0123456789abcdef0123456789abcdef',
      {
        headers: {
          authorization: `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`,
        },
      },
    )
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ status: '101' })
  })

  it('needs no token on /sandbox on loopback without one, but refuses cross-site calls', async () => {
    expect((await call(port, '/sandbox/__admin/requests')).status).toBe(200)
    const reset = await call(port, '/sandbox/__admin/reset', {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
    })
    expect(reset.status).toBe(403)
    expect(reset.json()).toMatchObject({ error: { code: 'cross_site_request' } })
  })

  it('streams the sandbox event stream through /api as it happens', async () => {
    const stream = await openEventStream(port, '/api/sandbox/__admin/events', {
      host: `localhost:${port}`,
      accept: 'text/event-stream',
    })
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/)
    await stream.seen(': connected\n\n') // the sandbox's first comment: the stream is subscribed
    const gotRequestEvent = stream.seen('event: request')
    await postJson(port, '/api/sandbox/verify/json', { number: '447700900456', brand: 'Stream' })
    await gotRequestEvent // arrives while the stream is still open
    expect(stream.text()).toMatch(/event: request\ndata: \{.*"brand":"Stream"/)
    stream.close()
  })

  it('maps sandbox faults: a dropped search is retried once, a dropped start is not', async () => {
    const fault = (body: object) => postJson(port, '/api/sandbox/__admin/faults', body)
    expect((await fault({ endpoint: 'search', drop: true, count: 1 })).status).toBeLessThan(300)
    const searched = await call(
      port,
      '/api/sandbox/verify/search/json?request_id=0123456789abcdef0123456789abcdef',
    )
    expect(searched.status).toBe(200)
    expect(searched.json()).toMatchObject({ status: '101' })
    expect(log.lines.at(-1)).toMatch(/endpoint=search .*retried=1/)

    expect((await fault({ endpoint: 'request', drop: true, count: 1 })).status).toBeLessThan(300)
    const started = await postJson(port, '/api/sandbox/verify/json', {
      number: '447700900321',
      brand: 'Drop',
    })
    expect(started.status).toBe(502)
    expect(started.json()).toMatchObject({ error: { code: 'upstream_unreachable' } })
    // The start was not repeated: a second start to the same number is not refused as concurrent.
    const again = await postJson(port, '/api/sandbox/verify/json', {
      number: '447700900321',
      brand: 'Drop',
    })
    expect(again.json()).toMatchObject({ status: '0' })
  })

  it('passes a sandbox throttle fault (status 1) through unchanged', async () => {
    await postJson(port, '/api/sandbox/__admin/faults', {
      endpoint: 'check',
      status: '1',
      error_text: 'Throttled',
      count: 1,
    })
    const res = await postJson(port, '/api/sandbox/verify/check/json', {
      request_id: '0123456789abcdef0123456789abcdef',
      code: '1234',
    })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ status: '1', error_text: 'Throttled' })
  })

  it('lets the sandbox answer a 16 KB request URI with its own 414 (Node alone would say 431)', async () => {
    const res = await call(port, `/sandbox/verify/json?brand=${'x'.repeat(16_500)}`)
    expect(res.status).toBe(414)
    expect(res.json()).toMatchObject({ error: { code: 'uri_too_long' } })
  })

  it('answers an unknown /api path with 404 JSON, not the SPA page', async () => {
    const res = await call(port, '/api/nothing/here', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('logs one access line per call through the Vite logger, without the secret', async () => {
    const before = log.lines.length
    await call(port, '/api/live/verify/search/json?request_id=abcdef0123456789abcdef0123456789')
    const added = log.lines.slice(before).filter((l) => l.startsWith('[verify-desk] time='))
    expect(added).toHaveLength(1)
    expect(added[0]).toMatch(
      /env=live endpoint=search method=GET http=200 status="IN PROGRESS" request_id=abcdef0123456789abcdef0123456789 latency=/,
    )
    const all = log.lines.join('\n')
    expect(all).not.toContain(LIVE.apiSecret)
    expect(all).not.toContain(basic(LIVE).slice(6))
  })

  it('prints the sandbox URL, its credentials and the live environments at start-up', () => {
    const before = log.lines.length
    dev.server.printUrls()
    const banner = log.lines.slice(before).join('\n')
    expect(banner).toContain(`http://127.0.0.1:${port}/sandbox`)
    expect(banner).toContain('api_key sandbox, api_secret sandbox-secret')
    expect(banner).toMatch(/Live: +on, key live… via http:\/\/127\.0\.0\.1:\d+/)
    expect(banner).toContain('Environments: sandbox, live')
    expect(banner).not.toContain(LIVE.apiSecret)
  })

  it('accepts the VERIFY_DESK_ALLOWED_HOSTS names on the page and /api, and refuses others', async () => {
    const allowed = ['desk.example.com', 'corp.example', 'team.corp.example']
    await expectHostAllowlist(port, { allowed, refused: 'desk.example.org' })
  })

  it('answers the page and /api alike for every loopback name Vite serves, and refuses LOCALHOST on both', async () => {
    const allowed = ['127.0.0.2', '[::ffff:127.0.0.1]', '[0:0:0:0:0:0:0:1]', 'evil.localhost']
    await expectHostAllowlist(port, { allowed, refused: 'LOCALHOST' })
  })

  it("adds no CORS headers: OPTIONS on /api is the proxy's 405 and other sites get no grant", async () => {
    const origin = 'http://localhost:3000'
    const preflight = await call(port, '/api/live/verify/json', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(405)
    expect(preflight.headers.allow).toMatch(/POST/)
    expect(preflight.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
    const refused = await call(port, '/api/live/verify/json', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ number: '447700900999', brand: 'Evil' }),
    })
    expect(refused.status).toBe(403)
    for (const res of [
      preflight,
      refused,
      await call(port, '/api/environments', { headers: { origin } }),
      await call(port, '/', { headers: { origin, accept: 'text/html' } }),
    ]) {
      expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual(
        [],
      )
    }
  })
  it("never serves the sandbox's saved state (its PINs) or Vite's other denied files", async () => {
    const dir = fileURLToPath(new URL('../../../.data/sandbox/', import.meta.url))
    // A name of its own, in letters: Vite's refusal quotes the path, where the digits of a pid or
    // a time could hold the PIN.
    const unique = `${process.pid}-${Date.now()}`.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)
    const probe = `probe-${unique}.json`
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}${probe}`, '{"pin":"4189"}')
    try {
      for (const path of [
        `/.data/sandbox/${probe}`,
        `/.data/sandbox/${probe}?raw`,
        `/@fs${dir}${probe}`,
        `/@fs${dir}${probe}?import&raw`,
      ]) {
        const res = await call(port, path)
        expect(res.status, path).toBe(403)
        expect(res.body, path).not.toContain('4189')
      }
    } finally {
      rmSync(`${dir}${probe}`, { force: true })
    }
    // Vite's own list still holds (setting the list replaces it): an env file is refused too.
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    const envProbe = `.env.probe-${process.pid}.local`
    writeFileSync(`${root}${envProbe}`, 'VONAGE_API_SECRET=probe-secret\n')
    try {
      for (const path of [`/${envProbe}`, `/${envProbe}?raw`, `/@fs${root}${envProbe}?raw`]) {
        const res = await call(port, path)
        expect(res.status, path).toBe(403)
        expect(res.body, path).not.toContain('probe-secret')
      }
    } finally {
      rmSync(`${root}${envProbe}`, { force: true })
    }
  })

  it('lets only the page itself open a file in an editor, never another site or a link', async () => {
    const target = '/__open-in-editor?file=/etc/hostname'
    const refused: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      // An older browser, sending neither Origin nor Fetch Metadata, from another site's page.
      { referer: 'https://evil.example/cat.html' },
    ]
    for (const headers of refused) {
      const res = await call(port, target, { headers })
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect(res.body).toMatch(/^Refused: .*Files open in an editor only from the dashboard/)
    }
    // The page's own fetch reaches Vite's route (which, without a file, opens nothing).
    const own = await call(port, '/__open-in-editor', {
      headers: {
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'cors',
        'sec-fetch-dest': 'empty',
      },
    })
    expect(own.status).toBe(500)
    expect(own.body).toMatch(/required query param "file" is missing/)
  })
})
