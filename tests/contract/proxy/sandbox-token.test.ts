/**
 * The embedded sandbox at /sandbox on a server with VERIFY_DESK_TOKEN: a real Vite dev server from
 * the project's vite.config.ts. Without the token nobody on the network may use the sandbox or its
 * admin API; with it, curl (header), the event stream (query) and the official SDK (token path
 * prefix in the base URL) work, and the token never reaches the sandbox.
 */
import { Vonage } from '@vonage/server-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, errorOf, json, openEventStream, startDevServer, type DevServer } from './support'

const TOKEN = 'sandbox-gate-token-3c5e7a9b1d'
const ACCOUNT = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`

let dev: DevServer
let port: number
let log: typeof dev.log

beforeAll(async () => {
  dev = await startDevServer({
    VONAGE_API_KEY: undefined,
    VONAGE_API_SECRET: undefined,
    VONAGE_API_HOST: undefined,
    VERIFY_DESK_TOKEN: TOKEN,
  })
  port = dev.port
  log = dev.log
}, 60_000)

afterAll(async () => {
  await dev?.close()
})

const startBody = (number: string) => json({ number, brand: 'Gate' })

describe('the /sandbox mount when a token is configured', () => {
  it.each([
    ['GET', '/sandbox/verify/search/json?request_id=0123456789abcdef0123456789abcdef'],
    ['GET', '/sandbox/__admin/requests'],
    ['GET', '/sandbox/__admin/events'],
    ['POST', '/sandbox/__admin/reset'],
    ['GET', '/sandbox/nothing'],
  ])('answers %s %s without the token with 401 JSON', async (method, path) => {
    const res = await call(port, path, { method, headers: { authorization: ACCOUNT } })
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(errorOf(res)).toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('X-Verify-Desk-Token'),
    })
  })

  it('refuses a wrong token in every form', async () => {
    const wrong = 'sandbox-gate-token-3c5e7a9b1X'
    const attempts = [
      call(port, '/sandbox/__admin/requests', { headers: { 'x-verify-desk-token': wrong } }),
      call(port, '/sandbox/__admin/requests', { headers: { authorization: `Bearer ${wrong}` } }),
      call(port, `/sandbox/__admin/requests?verify_desk_token=${wrong}`),
      call(port, `/sandbox/token/${wrong}/__admin/requests`),
      call(port, `/sandbox/token/${TOKEN}x/__admin/requests`),
      call(port, '/sandbox/token/%E0%A4%A/__admin/requests'),
    ]
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(401)
  })

  it('does not take the token from the query of a POST', async () => {
    const res = await call(port, `/sandbox/verify/json?verify_desk_token=${TOKEN}`, {
      method: 'POST',
      headers: { authorization: ACCOUNT, ...startBody('447700900501').headers },
      body: startBody('447700900501').body,
    })
    expect(res.status).toBe(401)
  })

  it('runs a start with the account in Basic auth and the token in X-Verify-Desk-Token', async () => {
    const res = await call(port, '/sandbox/verify/json', {
      method: 'POST',
      headers: {
        authorization: ACCOUNT,
        'x-verify-desk-token': TOKEN,
        ...startBody('447700900502').headers,
      },
      body: startBody('447700900502').body,
    })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ status: '0', request_id: expect.any(String) })
  })

  it('accepts Bearer with the account in parameters, and the query token on GET', async () => {
    const bearer = await call(
      port,
      '/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=447700900503&brand=Gate',
      { headers: { authorization: `Bearer ${TOKEN}` } },
    )
    expect(bearer.json()).toMatchObject({ status: '0' })
    const query = await call(
      port,
      `/sandbox/verify/search/json?request_id=0123456789abcdef0123456789abcdef&verify_desk_token=${TOKEN}`,
      { headers: { authorization: ACCOUNT } },
    )
    expect(query.status).toBe(200)
    expect(query.json()).toMatchObject({ status: '101' })
  })

  it('opens the admin event stream with the token in the query', async () => {
    const stream = await openEventStream(
      port,
      `/sandbox/__admin/events?verify_desk_token=${TOKEN}`,
      {
        host: `localhost:${port}`,
        accept: 'text/event-stream',
      },
    )
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/)
    stream.close()
  })

  it('serves the official SDK given the base URL with the token path prefix', async () => {
    const vonage = new Vonage(
      { apiKey: 'sandbox', apiSecret: 'sandbox-secret' },
      { apiHost: `http://127.0.0.1:${port}/sandbox/token/${TOKEN}` },
    )
    const started = (await vonage.verify.start({ number: '447700900504', brand: 'Gate' })) as {
      status: string
      requestId: string
    }
    expect(started.status).toBe('0')
    const found = (await vonage.verify.search(started.requestId)) as { status: string }
    expect(found.status).toBe('IN PROGRESS')

    const without = new Vonage(
      { apiKey: 'sandbox', apiSecret: 'sandbox-secret' },
      { apiHost: `http://127.0.0.1:${port}/sandbox` },
    )
    await expect(without.verify.start({ number: '447700900505', brand: 'Gate' })).rejects.toThrow()
  })

  it('keeps the token away from the sandbox: its records never contain it', async () => {
    await call(
      port,
      `/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=447700900506&brand=Gate&verify_desk_token=${TOKEN}`,
    )
    const listed = await call(port, '/sandbox/__admin/requests?number=447700900506', {
      headers: { 'x-verify-desk-token': TOKEN },
    })
    expect(listed.status).toBe(200)
    expect(listed.body).toContain('447700900506')
    expect(listed.body).not.toContain(TOKEN)
    expect(log.lines.join('\n')).not.toContain(TOKEN)
  })

  it('refuses a cross-site call even with the token', async () => {
    const res = await call(port, '/sandbox/__admin/reset', {
      method: 'POST',
      headers: { 'x-verify-desk-token': TOKEN, origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
    expect(errorOf(res).code).toBe('cross_site_request')
  })

  it('refuses an unexpected Host even with the token', async () => {
    const res = await call(port, '/sandbox/__admin/requests', {
      headers: { host: 'rebind.evil.example', 'x-verify-desk-token': TOKEN },
    })
    expect(res.status).toBe(403)
    expect(res.body).not.toContain('"requests"')
  })

  it('prints the token rule for /sandbox and the SDK base URL, without the token', () => {
    const before = log.lines.length
    dev.server.printUrls()
    const banner = log.lines.slice(before).join('\n')
    expect(banner).toContain('Access token required on /api and /sandbox calls')
    expect(banner).toContain(`http://127.0.0.1:${port}/sandbox/token/<VERIFY_DESK_TOKEN>`)
    expect(banner).not.toContain(TOKEN)
  })
})
