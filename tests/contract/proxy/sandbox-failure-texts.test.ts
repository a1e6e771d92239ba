/**
 * What the dashboard says when a call to the embedded sandbox fails (a late or dropped answer from
 * an injected fault), end to end: the sandbox, the proxy over HTTP, the API client and the failure
 * texts. The sandbox is named; Vonage is not blamed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, configureClient } from '@/api/client'
import { startVerification, searchRequests } from '@/api/verify'
import { describeFailure, describeReadFailure } from '@/utils/call-failure'
import { postJson, startAppServer, type AppServer } from './support'

// A generous upstream time limit (a busy machine must not turn a dropped call's 502 into a 504),
// and a short one on a server of its own for the call answered too late.
let running: AppServer
let short: AppServer

beforeAll(async () => {
  running = await startAppServer({ accessLog: false })
  short = await startAppServer({ timeoutMs: 300, accessLog: false })
})

afterAll(async () => {
  await running.close()
  await short.close()
})

/** The dashboard's API client and the faults from now on go to `server`. */
const useServer = (server: AppServer) =>
  configureClient({ prefixUrl: `http://localhost:${server.port}/api`, fetch: globalThis.fetch })

const inject = async (server: AppServer, body: object) => {
  const res = await postJson(server.port, '/api/sandbox/__admin/faults', body)
  expect(res.status).toBe(201)
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe('a failed call to the embedded sandbox, as the dashboard words it', () => {
  it('a start answered too late: no answer from the sandbox, which answers 10 to a resend', async () => {
    useServer(short)
    await inject(short, { endpoint: 'request', delay_ms: 1500, count: 1 })
    const error = await failureOf(
      startVerification('sandbox', { number: '447700900901', brand: 'Late' }),
    )
    expect(error).toMatchObject({ code: 'upstream_timeout', httpStatus: 504 })
    expect(error.message).toMatch(/^The embedded sandbox did not answer within 0\.3 s\./)
    expect(error.message).toContain('the sandbox answers status 10')
    const view = describeFailure('start', error)
    expect(view.title).toBe('No answer from the sandbox (HTTP 504)')
    expect(view.nextStep).toContain('the sandbox answers status 10')
    expect([error.message, ...Object.values(view)].join(' ')).not.toMatch(/Vonage/)
  })

  it('a dropped search: the connection to the sandbox dropped', async () => {
    useServer(running)
    await inject(running, { endpoint: 'search', drop: true, count: 2 })
    const error = await failureOf(searchRequests('sandbox', ['a'.repeat(32)]))
    expect(error).toMatchObject({ code: 'upstream_unreachable', httpStatus: 502 })
    const view = describeReadFailure(error)
    expect(view.title).toBe('The connection to the sandbox dropped (HTTP 502)')
    expect([error.message, ...Object.values(view)].join(' ')).not.toMatch(/Vonage/)
  })
})
