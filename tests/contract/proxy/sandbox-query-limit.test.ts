import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startAppServer, type AppServer } from './support'

// A long query through the proxy to the embedded sandbox: the proxy forwards a query of up to
// 8 KiB, and the sandbox refuses one over 8,000 bytes with 413, as the live API does. Credentials
// in the query are the browser's and are dropped before the call goes on, so their length never
// reaches the sandbox.
let app: AppServer
beforeAll(async () => {
  app = await startAppServer()
})
afterAll(async () => {
  await app.close()
})

describe('a query of 8,054 bytes through /api/sandbox', () => {
  it("gets the sandbox's 413 when its parameters are the call's own", async () => {
    const head = '/api/sandbox/verify/json?number=447700900001&brand='
    const path = head.padEnd(head.length - 'number=447700900001&brand='.length + 8054, 'b')
    expect(path.length - path.indexOf('?') - 1).toBe(8054)
    const res = await call(app.port, path)
    expect(res.status).toBe(413)
    expect(res.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'The query string is longer than the limit of 8000 bytes.',
      },
    })
  })

  it('is a start of the default account when its length is credentials the proxy drops', async () => {
    const dashes = '-'.repeat(4000)
    const query = `api_key=${dashes}&api_secret=${dashes}&brand=TestApp&number=447700900002`
    expect(query.length).toBe(8054)
    const res = await call(app.port, `/api/sandbox/verify/json?${query}`)
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), status: '0' })
    expect(app.lines.at(-1)).toMatch(/ http=200 status="0" .*browser_credentials=dropped/)
  })
})
