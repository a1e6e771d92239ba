/**
 * The Vite-free server side (`createApp`, what the plugin mounts) on a bare node:http server: the
 * proxy in front of the embedded sandbox, with a generous upstream time limit (a busy machine must
 * not turn an answer into a 504); the test about the time limit runs a server with a short one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, json, postJson, startAppServer, type AppServer } from './support'

let running: AppServer
let port: number
let lines: string[]

beforeAll(async () => {
  running = await startAppServer({ sandbox: { stateFile: false } })
  port = running.port
  lines = running.lines
})

afterAll(() => running.close())

const fault = (body: object, on = port) => postJson(on, '/api/sandbox/__admin/faults', body)

describe('the proxy in front of the embedded sandbox', () => {
  it('answers 504 when the sandbox answers a start later than the time limit', async () => {
    // A server of its own with a short limit; the sandbox's delay is far past it.
    const short = await startAppServer({ sandbox: { stateFile: false }, timeoutMs: 300 })
    try {
      const delayed = await fault({ endpoint: 'request', delay_ms: 1500, count: 1 }, short.port)
      expect(delayed.status).toBeLessThan(300)
      const res = await postJson(short.port, '/api/sandbox/verify/json', {
        number: '447700900601',
        brand: 'Slow',
      })
      expect(res.status).toBe(504)
      expect(res.json()).toMatchObject({
        error: {
          code: 'upstream_timeout',
          message: expect.stringMatching(
            /embedded sandbox did not answer within 0\.3 s\. The call may still have been processed/,
          ),
        },
      })
      expect(short.lines.at(-1)).toMatch(/env=sandbox endpoint=request method=POST http=504/)
    } finally {
      await short.close()
    }
  })

  it('forwards a form start and an XML search in-process with the sandbox account', async () => {
    const started = await call(port, '/api/sandbox/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'number=447700900602&brand=Form&api_secret=from-browser',
    })
    expect(started.status).toBe(200)
    // The sandbox accepted the call: with the browser's api_secret it would answer status 4.
    expect(started.json()).toMatchObject({ status: '0' })
    expect(lines.at(-1)).toMatch(
      /env=sandbox endpoint=request method=POST http=200 status="0" .*browser_credentials=dropped/,
    )
    const { request_id: requestId } = started.json() as { request_id: string }
    expect(requestId).toMatch(/^[0-9a-f]{32}$/)
    const searched = await call(port, `/api/sandbox/verify/search/xml?request_id=${requestId}`)
    expect(searched.status).toBe(200)
    expect(searched.headers['content-type']).toMatch(/xml/)
    expect(searched.body).toContain(`<request_id>${requestId}</request_id>`)
    expect(searched.body).toContain('<status>IN PROGRESS</status>')
  })

  it('answers 502 for a start the sandbox drops, without repeating it', async () => {
    expect((await fault({ endpoint: 'request', drop: true, count: 1 })).status).toBeLessThan(300)
    const number = '447700900603'
    const dropped = await postJson(port, '/api/sandbox/verify/json', { number, brand: 'Drop' })
    expect(dropped.status).toBe(502)
    expect(dropped.json()).toMatchObject({ error: { code: 'upstream_unreachable' } })
    const listed = () => call(port, `/api/sandbox/__admin/requests?number=${number}`)
    expect((await listed()).body).not.toContain(number)
    const again = await postJson(port, '/api/sandbox/verify/json', { number, brand: 'Drop' })
    expect(again.json()).toMatchObject({ status: '0' })
    expect((await listed()).body).toContain(number)
  })

  it('answers the same check through /api as the sandbox does at /sandbox', async () => {
    const basic = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`
    const body = json({ request_id: '0123456789abcdef0123456789abcdef', code: '1234' })
    const direct = await call(port, '/sandbox/verify/check/json', {
      method: 'POST',
      headers: { ...body.headers, authorization: basic },
      body: body.body,
    })
    const proxied = await call(port, '/api/sandbox/verify/check/json', { method: 'POST', ...body })
    expect(proxied.status).toBe(200)
    expect(proxied.json()).toEqual(direct.json())
    expect(lines.at(-1)).toMatch(/endpoint=check .*request_id=0123456789abcdef0123456789abcdef/)
  })

  it('relays the Allow header of an admin 405, as the sandbox sends it at /sandbox', async () => {
    for (const path of ['__admin/clock', '__admin/reset', '__admin/messages', '__admin/events']) {
      const direct = await call(port, `/sandbox/${path}`, { method: 'PATCH' })
      const proxied = await call(port, `/api/sandbox/${path}`, { method: 'PATCH' })
      expect(direct.status, path).toBe(405)
      expect(proxied.status, path).toBe(405)
      expect(direct.headers.allow, path).toMatch(/^[A-Z]+(, [A-Z]+)*$/)
      expect(proxied.headers.allow, path).toBe(direct.headers.allow)
    }
  })

  it('never names in Allow a method the admin path refuses', async () => {
    for (const method of ['OPTIONS', 'PUT']) {
      const res = await call(port, '/api/sandbox/__admin/requests', { method })
      expect(res.status, method).toBe(405)
      expect(res.headers.allow, method).toBe('GET, HEAD')
      expect(res.json(), method).toMatchObject({ error: { code: 'method_not_allowed' } })
    }
    // A method no admin path takes: refused by the proxy, with no Allow it could not vouch for.
    const trace = await call(port, '/api/sandbox/__admin/requests', { method: 'TRACE' })
    expect(trace.status).toBe(405)
    expect(trace.headers.allow).toBeUndefined()
    expect(trace.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
  })
})
