/**
 * The dashboard's background calls (`X-Verify-Desk-Background: 1`, its status polling) never use
 * up a fault injected into the embedded sandbox, while the tester's application and the user's own
 * calls still meet it; the header is never sent on to an upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  call,
  postJson,
  startProxy,
  startUpstream,
  startAppServer,
  type AppServer,
} from './support'

const BACKGROUND = { 'x-verify-desk-background': '1' }
const BASIC = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`

let running: AppServer
let port: number
let lines: string[]

beforeAll(async () => {
  running = await startAppServer()
  port = running.port
  lines = running.lines
})

afterAll(() => running.close())

beforeEach(async () => {
  await call(port, '/api/sandbox/__admin/faults', { method: 'DELETE' })
})

const inject = async (body: object) => {
  const res = await postJson(port, '/api/sandbox/__admin/faults', body)
  expect(res.status).toBe(201)
}
const faults = async () =>
  ((await call(port, '/api/sandbox/__admin/faults')).json() as { faults: unknown[] }).faults

async function startRequest(number: string): Promise<string> {
  const res = await postJson(port, '/api/sandbox/verify/json', { number, brand: 'Poll' })
  expect(res.json()).toMatchObject({ status: '0' })
  return (res.json() as { request_id: string }).request_id
}

/** A search through the dashboard's API, as its poller (background) or a user's click sends it. */
const apiSearch = (id: string, headers: Record<string, string> = {}) =>
  call(port, `/api/sandbox/verify/search/json?request_id=${id}`, { headers })

describe('a fault injected into the sandbox and the dashboard polling', () => {
  it('is left for the tester: background searches pass it by, the application then gets it', async () => {
    const id = await startRequest('447700900801')
    await inject({ endpoint: 'search', status: '5', count: 1 })
    for (let i = 0; i < 3; i++) {
      const polled = await apiSearch(id, BACKGROUND)
      expect(polled.status).toBe(200)
      expect(polled.json()).toMatchObject({ request_id: id, status: 'IN PROGRESS' })
    }
    expect(lines.at(-1)).toMatch(/env=sandbox endpoint=search .*background/)
    expect(await faults()).toMatchObject([{ endpoint: 'search', remaining: 1 }])

    // The tester's application, at the sandbox itself, gets the fault it was injected for.
    const own = await call(port, `/sandbox/verify/search/json?request_id=${id}`, {
      headers: { authorization: BASIC },
    })
    expect(own.json()).toMatchObject({ status: '5', error_text: 'Internal Error' })
    expect(await faults()).toEqual([])
  })

  it('passes an any-endpoint fault by for background calls, and a user call through /api takes it', async () => {
    const id = await startRequest('447700900802')
    await inject({ endpoint: 'any', status: '1', count: 1 })
    expect((await apiSearch(id, BACKGROUND)).json()).toMatchObject({ status: 'IN PROGRESS' })
    expect(await faults()).toMatchObject([{ endpoint: 'any', remaining: 1 }])
    // A search the user asks for (no mark) may take it: the tester sees how the dashboard copes.
    expect((await apiSearch(id)).json()).toMatchObject({ status: '1' })
    expect(await faults()).toEqual([])
  })

  it('means nothing to the sandbox itself: an outside client sending the header still gets the fault', async () => {
    const id = await startRequest('447700900803')
    await inject({ endpoint: 'search', status: '5', count: 1 })
    const own = await call(port, `/sandbox/verify/search/json?request_id=${id}`, {
      headers: { authorization: BASIC, ...BACKGROUND },
    })
    expect(own.json()).toMatchObject({ status: '5' })
    expect(await faults()).toEqual([])
  })

  it('marks only searches: a start, check or control claiming to be background still meets the fault', async () => {
    await inject({ endpoint: 'request', status: '7', count: 1 })
    const start = await call(port, '/api/sandbox/verify/json', {
      method: 'POST',
      body: JSON.stringify({ number: '447700900805', brand: 'Poll' }),
      headers: { 'content-type': 'application/json', ...BACKGROUND },
    })
    expect(start.json()).toMatchObject({ status: '7' })
    expect(await faults()).toEqual([])

    const id = await startRequest('447700900806')
    await inject({ endpoint: 'any', drop: true, count: 2 })
    const check = await call(port, '/api/sandbox/verify/check/json', {
      method: 'POST',
      body: JSON.stringify({ request_id: id, code: '0000' }),
      headers: { 'content-type': 'application/json', ...BACKGROUND },
    })
    expect(check.status).toBe(502)
    const cancel = await call(port, '/api/sandbox/verify/control/json', {
      method: 'POST',
      body: JSON.stringify({ request_id: id, cmd: 'cancel' }),
      headers: { 'content-type': 'application/json', ...BACKGROUND },
    })
    expect(cancel.status).toBe(502)
    expect(await faults()).toEqual([])
    expect(lines.filter((l) => /endpoint=(request|check|control)\b.*background/.test(l))).toEqual(
      [],
    )
  })

  it('counts only the value 1', async () => {
    const id = await startRequest('447700900804')
    await inject({ endpoint: 'search', status: '5', count: 1 })
    const res = await apiSearch(id, { 'x-verify-desk-background': 'true' })
    expect(res.json()).toMatchObject({ status: '5' })
  })
})

describe('the background header and upstreams', () => {
  it('is never sent on: neither to live nor to a sandbox reached over HTTP', async () => {
    const upstream = await startUpstream()
    const proxy = await startProxy(upstream.url)
    try {
      for (const env of ['live', 'sandbox']) {
        const res = await call(proxy.port, `/api/${env}/verify/search/json?request_id=abc`, {
          headers: BACKGROUND,
        })
        expect(res.status).toBe(200)
      }
      const start = await call(proxy.port, '/api/live/verify/json', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...BACKGROUND },
        body: JSON.stringify({ number: '447700900805', brand: 'Live' }),
      })
      expect(start.status).toBe(200)
      expect(upstream.arrivals).toHaveLength(3)
      for (const arrival of upstream.arrivals) {
        expect(Object.keys(arrival.headers)).not.toContain('x-verify-desk-background')
        expect(JSON.stringify(arrival.headers)).not.toMatch(/background/i)
      }
      // Live calls are not marked as background in the log either: the mark is the sandbox's.
      expect(proxy.lines.filter((l) => l.includes('env=live'))).toHaveLength(2)
      expect(proxy.lines.filter((l) => l.includes('env=live') && /background/.test(l))).toEqual([])
    } finally {
      await proxy.close()
      await upstream.close()
    }
  })
})
