/** Test doubles for the proxy contract tests: a recording upstream and a raw HTTP client. */
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Pool, type Dispatcher } from 'undici'
import { createLogger, createServer } from 'vite'
import { afterEach, beforeEach, expect } from 'vitest'
import {
  createProxy,
  httpUpstream,
  type ProxyEnvironment,
  type ProxyOptions,
  type Timers,
} from '../../../server/proxy/index'
import { createApp, type AppOptions } from '../../../server/proxy/app'
import { SANDBOX_HEADER_LIMIT } from '../../../server/sandbox/index'

export interface Arrival {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export type UpstreamHandler = (
  arrival: Arrival,
  res: ServerResponse,
  req: IncomingMessage,
) => void | Promise<void>

/** Answers like Verify v1: HTTP 200 JSON with a `status` string. */
export const verifyLikeHandler: UpstreamHandler = (arrival, res) => {
  const path = arrival.url.split('?')[0] ?? ''
  if (path.endsWith('/xml')) {
    res.writeHead(200, { 'content-type': 'text/xml' })
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><verify_response><status>0</status></verify_response>',
    )
    return
  }
  const body =
    path === '/verify/search/json'
      ? { request_id: 'abcdef0123456789abcdef0123456789', status: 'IN PROGRESS', checks: [] }
      : path === '/verify/control/json'
        ? { status: '0', command: 'cancel' }
        : { request_id: 'abcdef0123456789abcdef0123456789', status: '0' }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A node:http server on 127.0.0.1 that records exactly what arrived. */
export async function startUpstream(handler: UpstreamHandler = verifyLikeHandler) {
  const arrivals: Arrival[] = []
  let current = handler
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const arrival: Arrival = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      }
      arrivals.push(arrival)
      void current(arrival, res, req)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    setHandler(next: UpstreamHandler) {
      current = next
    },
    /** Forgets the calls that arrived so far (a warm-up call the test is not about). */
    forget() {
      arrivals.length = 0
    },
    /** Answers every call from now on with this status, headers and body (`json(value)` for JSON). */
    answerWith(
      status: number,
      answer: { headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
    ) {
      current = (_arrival, res) => void res.writeHead(status, answer.headers).end(answer.body)
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A clock for the proxy's pacing that stands still until the test moves it: timers fire in `advance`. */
export function manualClock() {
  let now = 0
  const pending: Array<{ at: number; fire: () => void }> = []
  const timers: Timers = {
    now: () => now,
    setTimeout(fire, ms) {
      const timer = { at: now + ms, fire }
      pending.push(timer)
      return timer
    },
    clearTimeout(handle) {
      const index = pending.findIndex((timer) => timer === handle)
      if (index >= 0) pending.splice(index, 1)
    },
  }
  return {
    timers,
    now: () => now,
    /** Moves time forward by `ms`, firing each timer that falls due on the way, earliest first. */
    advance(ms: number) {
      const target = now + ms
      for (;;) {
        pending.sort((a, b) => a.at - b.at)
        const next = pending[0]
        if (!next || next.at > target) break
        pending.shift()
        now = next.at
        next.fire()
      }
      now = target
    },
  }
}

export const LIVE = { apiKey: 'live1234', apiSecret: 'LiveSecret-9f8e7d6c' }
export const SANDBOX = { apiKey: 'sandkey1', apiSecret: 'SandSecret-0a1b2c' }

/**
 * An environment of the proxy on the double at `upstreamUrl` with this account: Basic auth and
 * 50 searches a second unless `changes` say otherwise.
 */
export function environmentOn(
  upstreamUrl: string,
  credentials: ProxyEnvironment['credentials'],
  changes: Partial<Omit<ProxyEnvironment, 'upstream' | 'credentials'>> = {},
): ProxyEnvironment {
  return {
    upstream: httpUpstream(upstreamUrl),
    credentials,
    auth: 'basic',
    searchPerSecond: 50,
    ...changes,
  }
}

/** The options of the proxy's own pool (see httpUpstream). */
const PROXY_POOL_OPTIONS: Pool.Options = {
  connections: 64,
  pipelining: 1,
  connectTimeout: 0,
  headersTimeout: 0,
  bodyTimeout: 0,
}

/**
 * The live environment on the double at `upstreamUrl`, through a pool set up as the proxy's own,
 * and `headRead()`: resolves once the proxy has read the status and headers of the next answer it
 * gets. A double that cuts its answer off once the proxy saw it begin waits on this, not on a timer:
 * on a busy machine a cut after a few milliseconds can reach the proxy before the answer's head.
 */
export function liveWatchingAnswers(upstreamUrl: string) {
  const waiting: Array<() => void> = []
  const headRead = () => {
    for (const resolve of waiting.splice(0)) resolve()
  }
  const pool = new Pool(new URL(upstreamUrl).origin, PROXY_POOL_OPTIONS).compose(
    (dispatch) => (options, handler) =>
      // The proxy's exchanges take the handler interface of undici 7 (onResponseStart and so on).
      dispatch(options, 'onResponseStart' in handler ? new HeadNoting(handler, headRead) : handler),
  )
  const environment: ProxyEnvironment = {
    upstream: httpUpstream(upstreamUrl, pool),
    credentials: LIVE,
    auth: 'basic',
    searchPerSecond: 50,
  }
  return {
    environment,
    headRead: () => new Promise<void>((resolve) => waiting.push(resolve)),
  }
}

/** Passes everything on to `inner`, and calls `noted` once the head of the answer was read. */
class HeadNoting implements Dispatcher.DispatchHandler {
  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly noted: () => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context)
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: import('node:stream').Duplex,
  ): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage)
    this.noted()
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error)
  }
}

/**
 * The live environment on the double at `upstreamUrl`, its connection already open: a call answered
 * on it (then forgotten by the double with `forget()`) leaves it kept alive in the pool, set up as
 * the proxy's own. A call is then written on it the moment the proxy sends it, with no connection
 * to open first: for a test whose short time limit must run out only once the call has reached
 * the upstream, however slow the machine is.
 */
export async function liveOnOpenConnection(upstreamUrl: string): Promise<ProxyEnvironment> {
  const pool = new Pool(new URL(upstreamUrl).origin, PROXY_POOL_OPTIONS)
  const warmUp = await pool.request({ method: 'GET', path: '/verify/search/json?request_id=warm' })
  await warmUp.body.text()
  return {
    upstream: httpUpstream(upstreamUrl, pool),
    credentials: LIVE,
    auth: 'basic',
    searchPerSecond: 50,
  }
}

/**
 * The upstream time limit of the proxy and app servers the tests start, unless a test sets its own:
 * generous, so that a busy machine never turns an answer into a 504. Only a test about the time
 * limit itself sets a short one (and then nothing else in it must happen within that limit).
 */
export const GENEROUS_TIMEOUT_MS = 10_000

/** The proxy on a plain node:http server (connect-style mount at /api), live and sandbox on doubles. */
export async function startProxy(
  upstreamUrl: string,
  overrides: Partial<ProxyOptions> = {},
  sandboxUrl = upstreamUrl,
) {
  const lines: string[] = []
  const proxy = createProxy({
    sandbox: environmentOn(sandboxUrl, SANDBOX),
    live: environmentOn(upstreamUrl, LIVE),
    allowedHosts: [],
    allowedOrigins: [],
    bodyLimit: 16 * 1024,
    timeoutMs: GENEROUS_TIMEOUT_MS,
    rateLimit: { requestsPerSecond: 1000, maxQueue: 100 },
    accessLog: true,
    logger: { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
    ...overrides,
  })
  let handed = 0
  // Request lines as long as the app's servers take (room for a 16 KB request target).
  const server = http.createServer({ maxHeaderSize: SANDBOX_HEADER_LIMIT }, (req, res) => {
    const url = req.url ?? '/'
    if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) {
      req.url = url.slice('/api'.length) || '/'
      handed++
      proxy.middleware(req, res)
      return
    }
    res.writeHead(404).end('not the api')
  })
  let connections = 0
  server.on('connection', (socket) => {
    connections++
    socket.on('close', () => connections--)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://localhost:${port}`,
    port,
    lines,
    proxy,
    /** Client connections the proxy's server holds open (0 once every browser has gone). */
    connections: () => connections,
    /**
     * Calls handed to the proxy so far. A GET reads no body: by the next turn of the event loop
     * after it was handed over, it is on its way (queued, sent, or sharing a search in flight).
     */
    requests: () => handed,
    async close() {
      await proxy.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  json: () => unknown
}

export interface CallInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** The agent whose connection to use (a keep-alive one); a connection of its own unless said. */
  agent?: http.Agent
}

/**
 * The options of a call to 127.0.0.1, on a connection of its own unless `init.agent` is given,
 * `Host: localhost` unless said.
 */
const callOptions = (port: number, path: string, init: CallInit): http.RequestOptions => ({
  host: '127.0.0.1',
  port,
  path,
  method: init.method ?? 'GET',
  headers: { host: `localhost:${port}`, ...init.headers },
  agent: init.agent ?? false,
})

/** A raw HTTP call to 127.0.0.1 with full control of Host, Origin and the body. */
export function call(port: number, path: string, init: CallInit = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(callOptions(port, path, init), (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body),
        })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/**
 * A call to 127.0.0.1 whose body the test writes itself, piece by piece (`write`, then `end`):
 * `Host: localhost` unless said, on a connection of its own unless `agent` is given.
 */
export function openCall(
  port: number,
  path: string,
  init: Omit<CallInit, 'body'> = {},
): http.ClientRequest {
  return http.request(callOptions(port, path, init))
}

/**
 * A GET of an event stream on 127.0.0.1 that keeps what arrives: `text()` so far, `seen(wanted)`
 * resolves once `wanted` has come (the stream still open), `close()` leaves.
 */
export async function openEventStream(port: number, path: string, headers: Record<string, string>) {
  const req = http.get({ host: '127.0.0.1', port, path, headers })
  const res = await new Promise<IncomingMessage>((resolve) => req.on('response', resolve))
  let text = ''
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => (text += chunk))
  const seen = (wanted: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!text.includes(wanted)) return
        res.off('data', check)
        resolve()
      }
      res.on('data', check)
      check()
    })
  return { res, text: () => text, seen, close: () => req.destroy() }
}

/**
 * A call whose browser goes away before the answer, like `curl -m`: `leave()` closes the
 * connection. Resolves `answered` if an answer comes first.
 */
export function leavingCall(port: number, path: string, init: CallInit = {}) {
  let answered = false
  const req = http.request(callOptions(port, path, init))
  req.on('response', (res) => {
    answered = true
    res.resume()
  })
  req.on('error', () => undefined) // the connection is closed on purpose
  req.end(init.body)
  return {
    answered: () => answered,
    leave: () => req.destroy(),
  }
}

/**
 * POST calls sent back to back on one connection without waiting for answers (HTTP/1.1
 * pipelining, as some clients and proxies do); `leave()` closes the connection.
 */
export function pipelinedCalls(port: number, path: string, bodies: string[]) {
  const socket = net.connect(port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => (received += text))
  socket.on('error', () => undefined) // the connection is closed on purpose
  socket.write(
    bodies
      .map(
        (body) =>
          `POST ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      .join(''),
  )
  return {
    /** Everything the connection received so far. */
    received: () => received,
    leave: () => socket.destroy(),
  }
}

/**
 * Checks the Host allowlist of a server on `port`: each allowed name gets `/api/environments` and
 * the page at `pagePath`, the refused one a 403 for both (`host_not_allowed`, no app shell).
 */
export async function expectHostAllowlist(
  port: number,
  names: { allowed: string[]; refused: string },
  {
    pagePath = '/',
    apiHeaders = {},
  }: { pagePath?: string; apiHeaders?: Record<string, string> } = {},
) {
  for (const name of names.allowed) {
    const host = `${name}:${port}`
    const api = await call(port, '/api/environments', { headers: { host, ...apiHeaders } })
    expect(api.status, name).toBe(200)
    expect(api.json()).toMatchObject({ default: 'sandbox' })
    const page = await call(port, pagePath, { headers: { host, accept: 'text/html' } })
    expect(page.status, name).toBe(200)
    expect(page.body).toContain('<div id="app"></div>')
  }
  const host = `${names.refused}:${port}`
  const api = await call(port, '/api/environments', { headers: { host, ...apiHeaders } })
  expect(api.status).toBe(403)
  expect(api.json()).toMatchObject({ error: { code: 'host_not_allowed' } })
  const page = await call(port, '/', { headers: { host, accept: 'text/html' } })
  expect(page.status).toBe(403)
  expect(page.body).not.toContain('<div id="app">')
}

/** The `error` object of one of the proxy's own error answers. */
export const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error

export const json = (value: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
})

/** A POST of this value as JSON, through `call`. */
export const postJson = (port: number, path: string, value: unknown) =>
  call(port, path, { method: 'POST', ...json(value) })

/** A POST of `body` as it is, declared as `type`, through `call`. */
export const postAs = (port: number, path: string, type: string, body: string | Buffer) =>
  call(port, path, { method: 'POST', headers: { 'content-type': type }, body })

/** The answer is one of the proxy's own errors: `status`, with exactly this `error`. */
export function expectProxyError(
  res: Answer,
  status: number,
  error: { code: string; message: unknown },
): void {
  expect(res.status).toBe(status)
  expect(errorOf(res)).toEqual(error)
}

/** The proxy refused the body with 415 and this `message`, and sent nothing to `upstream`. */
export function expectBodyRefused(
  res: Answer,
  upstream: { arrivals: readonly unknown[] },
  message: unknown,
): void {
  expectProxyError(res, 415, { code: 'unsupported_media_type', message })
  expect(upstream.arrivals).toHaveLength(0)
}

export const basic = (c: { apiKey: string; apiSecret: string }) =>
  `Basic ${Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64')}`

/** A Vite logger that records every line instead of printing it. */
export function recordingLogger() {
  const lines: string[] = []
  const logger = createLogger('info', { allowClearScreen: false })
  logger.info = (msg) => void lines.push(msg)
  logger.warn = (msg) => void lines.push(msg)
  logger.warnOnce = (msg) => void lines.push(msg)
  logger.error = (msg) => void lines.push(msg)
  return { logger, lines }
}

/**
 * A real Vite dev server built from the project's own vite.config.ts, on a free port of 127.0.0.1,
 * with its lines recorded. `env` is applied to process.env first (undefined removes a variable);
 * `close` stops the server and puts process.env back as it was. `root` is the project unless said.
 */
export async function startDevServer(
  env: Record<string, string | undefined>,
  root = fileURLToPath(new URL('../../../', import.meta.url)),
) {
  const saved = { ...process.env }
  const restoreEnv = () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  const log = recordingLogger()
  try {
    const server = await createServer({
      configFile: fileURLToPath(new URL('../../../vite.config.ts', import.meta.url)),
      root,
      customLogger: log.logger,
      clearScreen: false,
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    })
    await server.listen()
    return {
      server,
      port: (server.httpServer?.address() as AddressInfo).port,
      log,
      async close() {
        await server.close()
        restoreEnv()
      },
    }
  } catch (error) {
    restoreEnv()
    throw error
  }
}

/** Every variable of process.env whose name matches, as `undefined`: for `startDevServer` to remove. */
export const unsetting = (names: RegExp) =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => names.test(name))
      .map((name) => [name, undefined]),
  )

/**
 * A TCP port that was free on 127.0.0.1 a moment ago: only for a server that must be given its port
 * before it starts (VERIFY_DESK_PORT, an explicit port whose winning is what the test shows).
 * Anywhere else listen on port 0 and read the port back, or hold one with `holdPort`. It is taken
 * below the range the system hands out for port 0 and outgoing connections (32768 and up on
 * Linux, 49152 and up on macOS and Windows): between its probe closing and the server listening
 * on it (seconds for a child process on a busy machine), none of the many servers and connections
 * the other tests open meanwhile can be given it, as a port from port 0 itself could.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const probe = net.createServer()
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false))
      probe.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (free) {
      await new Promise<void>((resolve) => probe.close(() => resolve()))
      return port
    }
  }
  throw new Error('No free port found from 20000 to 31999')
}

/** A port of 127.0.0.1 held busy (a bare server on port 0) until `close()`. */
export async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const holder = net.createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  return {
    port: (holder.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => holder.close(() => resolve())),
  }
}

/**
 * The Vite-free server side (`createApp`, what the plugin mounts) on a bare node:http server on
 * 127.0.0.1: the embedded sandbox at `/sandbox`, the proxy at `/api`. Its log lines are kept in
 * `lines`. `overrides` replace the defaults (no state file, no throttling, no pacing, a generous
 * upstream time limit: GENEROUS_TIMEOUT_MS).
 */
export async function startAppServer(overrides: Partial<AppOptions> = {}) {
  const lines: string[] = []
  const app = createApp({
    settings: { allowedHosts: [], allowedOrigins: [], warnings: [] },
    sandbox: { stateFile: false, throttlePerSecond: null },
    rateLimit: false,
    allowedHosts: [],
    allowedOrigins: [],
    bodyLimit: 16 * 1024,
    timeoutMs: GENEROUS_TIMEOUT_MS,
    accessLog: true,
    logger: { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
    ...overrides,
  })
  const mounts = [
    ['/sandbox', app.sandboxMiddleware],
    ['/api', app.proxyMiddleware],
  ] as const
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    for (const [base, middleware] of mounts) {
      if (url.startsWith(`${base}/`)) {
        req.url = url.slice(base.length)
        middleware(req, res, () => res.writeHead(500).end())
        return
      }
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  async function close(): Promise<void> {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await app.close()
  }
  return { app, port, lines, close }
}

/**
 * A recording upstream and the proxy in front of it (`startProxy` with `overrides`), started anew
 * before each test of the calling file and closed after it. `upstream` and `proxy` stand for the
 * running ones (read them inside the tests); `restartProxy` replaces the proxy for the rest of the
 * test with one started with other options, in front of the upstream unless another URL is given.
 */
export function upstreamAndProxyForEachTest(overrides: Partial<ProxyOptions> = {}) {
  let running: { upstream: UpstreamDouble; proxy: ProxyServer } | undefined
  beforeEach(async () => {
    const started = await startUpstream()
    running = { upstream: started, proxy: await startProxy(started.url, overrides) }
  })
  afterEach(async () => {
    await running?.proxy.close()
    await running?.upstream.close()
    running = undefined
  })
  const now = () => {
    if (!running) throw new Error('The upstream and proxy run only while a test does.')
    return running
  }
  const upstream: UpstreamDouble = {
    get url() {
      return now().upstream.url
    },
    get arrivals() {
      return now().upstream.arrivals
    },
    setHandler: (handler) => now().upstream.setHandler(handler),
    forget: () => now().upstream.forget(),
    answerWith: (status, answer) => now().upstream.answerWith(status, answer),
    close: () => now().upstream.close(),
  }
  const proxy: ProxyServer = {
    get origin() {
      return now().proxy.origin
    },
    get port() {
      return now().proxy.port
    },
    get lines() {
      return now().proxy.lines
    },
    get proxy() {
      return now().proxy.proxy
    },
    connections: () => now().proxy.connections(),
    requests: () => now().proxy.requests(),
    close: () => now().proxy.close(),
  }
  async function restartProxy(changes: Partial<ProxyOptions> = {}, upstreamUrl = upstream.url) {
    const current = now()
    await current.proxy.close()
    current.proxy = await startProxy(upstreamUrl, changes)
  }
  return { upstream, proxy, restartProxy }
}

export type AppServer = Awaited<ReturnType<typeof startAppServer>>
export type UpstreamDouble = Awaited<ReturnType<typeof startUpstream>>
export type ProxyServer = Awaited<ReturnType<typeof startProxy>>
export type DevServer = Awaited<ReturnType<typeof startDevServer>>
