import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import {
  SANDBOX_HEADER_LIMIT,
  createSandbox,
  type SandboxOptions,
} from '../../../../server/sandbox/index'
import { postForm, raw, type ApiResult, type Body, type Params } from './http'

export type SandboxInstance = ReturnType<typeof createSandbox>

/** A sandbox served over real HTTP on 127.0.0.1 (a free port). */
export interface Running {
  server: http.Server
  base: string
  sandbox: SandboxInstance
  key: string
  secret: string
  /** `{ api_key, api_secret }` of the default account, to spread into parameters. */
  creds: { api_key: string; api_secret: string }
  close(): Promise<void>
}

/**
 * Starts a sandbox behind `http.createServer(sandbox.middleware)` on 127.0.0.1, port 0. By default
 * persistence and the throttle are off (tests that need them turn them on), everything else is
 * the sandbox's documented default.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Running> {
  const sandbox = createSandbox({
    stateFile: false,
    throttlePerSecond: null,
    logger: { info: () => undefined, warn: () => undefined },
    ...options,
  })
  const server = http.createServer({ maxHeaderSize: SANDBOX_HEADER_LIMIT }, (req, res) =>
    sandbox.middleware(req, res, (err?: unknown) => {
      res.statusCode = err ? 500 : 404
      res.end(err ? 'middleware error' : 'not handled by the sandbox')
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const { apiKey, apiSecret } = sandbox.defaultAccount
  const base = `http://127.0.0.1:${port}`
  return {
    server,
    base,
    sandbox,
    key: apiKey,
    secret: apiSecret,
    creds: { api_key: apiKey, api_secret: apiSecret },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await sandbox.close()
    },
  }
}

/** Sandbox options, or a function that gives them as each sandbox starts. */
type OptionsAtStart = SandboxOptions | (() => SandboxOptions)

/**
 * The sandbox the tests of this file (or block) run against: started before the first of them and
 * closed after the last. Read its fields inside the tests: it runs only while they do.
 */
export function sandboxForAllTests(options: OptionsAtStart = {}): Running {
  return sandboxAround(beforeAll, afterAll, options)
}

/** Like `sandboxForAllTests`, but a new sandbox for each test, closed after it. */
export function sandboxForEachTest(options: OptionsAtStart = {}): Running {
  return sandboxAround(beforeEach, afterEach, options)
}

/** Options whose real-time base stands still at the moment the sandbox starts. */
export function frozenClock(): SandboxOptions {
  const frozen = Date.now()
  return { now: () => frozen }
}

/**
 * A PIN source (the `pin` option) of random digits, as the sandbox's own, that never gives a PIN it
 * gave before while others of that length are left: a test that tells a new PIN from the one before
 * by comparing them is not failed by chance (a repeat is one in 10^length at each new PIN), and a
 * PIN kept when a new one was due still shows as the same PIN.
 */
export function uniquePins(): (length: number) => string {
  const given = new Set<string>()
  const givenOfLength = new Map<number, number>()
  return (length) => {
    const exhausted = (givenOfLength.get(length) ?? 0) >= 10 ** length
    for (;;) {
      let pin = ''
      for (let i = 0; i < length; i++) pin += String(Math.floor(Math.random() * 10))
      if (given.has(pin) && !exhausted) continue
      given.add(pin)
      givenOfLength.set(length, (givenOfLength.get(length) ?? 0) + 1)
      return pin
    }
  }
}

function sandboxAround(
  before: typeof beforeAll,
  after: typeof afterAll,
  options: OptionsAtStart,
): Running {
  let running: Running | undefined
  before(async () => {
    running = await startSandbox(typeof options === 'function' ? options() : options)
  })
  after(async () => {
    await running?.close()
    running = undefined
  })
  const current = (): Running => {
    if (!running) throw new Error('The sandbox runs only while the tests do: read it inside them.')
    return running
  }
  return {
    get server() {
      return current().server
    },
    get base() {
      return current().base
    },
    get sandbox() {
      return current().sandbox
    },
    get key() {
      return current().key
    },
    get secret() {
      return current().secret
    },
    get creds() {
      return current().creds
    },
    close: () => current().close(),
  }
}

/** Starts a request over a form POST: a new number and brand `Acme`, unless `params` say otherwise. */
export function startVerify(on: Running, params: Params = {}): Promise<ApiResult> {
  return postForm(on.base, '/verify/json', {
    ...on.creds,
    number: uniqueNumber(),
    brand: 'Acme',
    ...params,
  })
}

/** Starts a request like `startVerify`, expects status 0, and gives its request_id. */
export async function expectStarted(on: Running, params: Params = {}): Promise<string> {
  const res = await startVerify(on, params)
  expect(res.body.status, JSON.stringify(res.body)).toBe('0')
  return res.body.request_id as string
}

/** JSON in and out of the admin API; throws on a non-2xx answer. */
export async function admin(
  base: string,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<unknown> {
  const res = await raw(base, {
    method,
    path: `/__admin${path}`,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.status < 200 || res.status > 299) {
    throw new Error(`admin ${method} ${path} -> HTTP ${res.status}: ${res.text.slice(0, 300)}`)
  }
  return res.text ? (JSON.parse(res.text) as unknown) : undefined
}

/** The brand the sandbox keeps for a request (`GET /__admin/requests/<id>`). */
export async function brandOf(base: string, requestId: unknown): Promise<unknown> {
  const request = (await admin(base, `/requests/${String(requestId)}`)) as Body
  return request.brand
}

/** The list under `key` of an admin answer (`{ <key>: [...] }`, as every admin list comes). */
export function listOf(answer: unknown, key: string): Body[] {
  const inner = (answer as Body | undefined)?.[key]
  if (Array.isArray(inner)) return inner as Body[]
  throw new Error(`no ${key} list in ${JSON.stringify(answer).slice(0, 300)}`)
}

/** Moves the sandbox clock forward (`POST /__admin/clock {"advance_seconds": n}`). */
export async function advance(base: string, seconds: number): Promise<unknown> {
  return admin(base, '/clock', { advance_seconds: seconds })
}

/** A handset message as the admin API lists it. */
export interface Message {
  number: string
  channel: string
  text: string
  pin: string
  request_id: string
  raw: Body
}

function toMessage(m: Body): Message {
  return {
    number: String(m.number ?? m.to ?? ''),
    channel: String(m.channel ?? m.type ?? '').toLowerCase(),
    text: String(m.text ?? m.transcript ?? m.body ?? ''),
    pin: String(m.pin ?? m.code ?? ''),
    request_id: String(m.request_id ?? m.requestId ?? ''),
    raw: m,
  }
}

/** The handset's messages for a request, newest first (`GET /__admin/messages?request_id=`). */
export async function messages(base: string, requestId: string): Promise<Message[]> {
  const answer = await admin(base, `/messages?request_id=${encodeURIComponent(requestId)}`)
  return listOf(answer, 'messages').map(toMessage)
}

/** The PIN the latest message for the request carried. */
export async function pinOf(base: string, requestId: string): Promise<string> {
  const [latest] = await messages(base, requestId)
  if (!latest) throw new Error(`no message on the handset for ${requestId}`)
  if (!/^\d{4,10}$/.test(latest.pin))
    throw new Error(`message without a PIN: ${JSON.stringify(latest.raw)}`)
  return latest.pin
}

/** A code that is certainly wrong for the PIN (same length, every digit changed). */
export function wrongCode(pin: string): string {
  return pin.replace(/\d/g, (d) => String((Number(d) + 1) % 10))
}

let seq = 0
/** A distinct UK mobile number in E.164 (no +) for each call within a test file. */
export function uniqueNumber(): string {
  seq += 1
  const tail = String((process.pid * 7 + seq) % 1_000_000).padStart(6, '0')
  return `447400${tail}`
}
