import { statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import {
  loadEnv,
  type Connect,
  type Logger,
  type Plugin,
  type PreviewServer,
  type ResolvedConfig,
  type UserConfig,
  type ViteDevServer,
} from 'vite'
import { createApp, type SandboxOptions } from './proxy/app.ts'
import { appendVary, compressAnswers } from './proxy/compress.ts'
import type { Proxy } from './proxy/index.ts'
import {
  DEFAULT_LIVE_HOST,
  ENV_PREFIXES,
  SettingsError,
  resolveSettings,
  type LiveSettings,
  type ServerSettings,
} from './proxy/env.ts'
import { SANDBOX_TOKEN_PREFIX } from './proxy/sandbox-gate.ts'
import {
  TOKEN_HEADER,
  crossSiteReason,
  isLoopbackListenHost,
  stateChangeReason,
} from './proxy/guards.ts'
import { maskKey, type AuthMode } from './proxy/credentials.ts'
import {
  SANDBOX_HEADER_LIMIT,
  MAX_FINISHED_VAR,
  SEARCH_PER_SECOND_VAR,
  withSandboxLimitsFromEnv,
  type Sandbox,
  type SandboxPersistence,
} from './sandbox/index.ts'

/** Upstream pacing (per environment). */
export interface VerifyDeskRateLimit {
  /**
   * Upstream calls per second (Vonage answers status 1 "Throttled" beyond 30/s).
   * @default 30
   */
  requestsPerSecond?: number
  /**
   * Searches per second on live (Vonage allows one per second); VERIFY_DESK_SEARCH_RATE overrides it.
   * @default 1
   */
  liveSearchPerSecond?: number
  /**
   * Searches per second on the embedded sandbox.
   * @default 10
   */
  sandboxSearchPerSecond?: number
  /**
   * Calls allowed to wait for a slot; one more answers 503 `queue_full`.
   * @default 100
   */
  maxQueue?: number
}

/** Options of the Verify Desk server side, mounted in `vite` dev and in `vite preview` (`npm run serve`). */
export interface VerifyDeskOptions {
  /**
   * Path prefix under which the embedded Verify v1 sandbox is served (a drop-in for https://api.nexmo.com).
   * @default '/sandbox'
   */
  sandboxBase?: string
  /**
   * Path prefix of the credential-injecting proxy the SPA calls.
   * @default '/api'
   */
  apiBase?: string
  /**
   * Options for the embedded sandbox (`createSandbox`).
   * @default {}
   */
  sandbox?: SandboxOptions
  /**
   * Host names accepted in the `Host` header besides localhost, 127.0.0.1, [::1], the configured
   * listen host and Vite's own `allowedHosts`; `.example.com` allows a domain and its subdomains.
   * VERIFY_DESK_ALLOWED_HOSTS (comma-separated) adds more.
   * @default []
   */
  allowedHosts?: string[]
  /**
   * Origins besides the page's own allowed to call `/api` (a reverse proxy's public origin);
   * VERIFY_DESK_ALLOWED_ORIGINS (comma-separated) adds more.
   * @default []
   */
  allowedOrigins?: string[]
  /**
   * Largest request body accepted by `/api`, in bytes.
   * @default 16384
   */
  bodyLimit?: number
  /**
   * How long a request body to `/api` may take to arrive whole before the call is refused with
   * 408 (unsent), in milliseconds.
   * @default 10000
   */
  bodyTimeoutMs?: number
  /**
   * How long an upstream may take to answer before the call fails with 504, in milliseconds.
   * @default 15000
   */
  upstreamTimeoutMs?: number
  /**
   * Upstream pacing; `false` disables it (benchmarks only).
   * @default { requestsPerSecond: 30, liveSearchPerSecond: 1, sandboxSearchPerSecond: 10, maxQueue: 100 }
   */
  rateLimit?: VerifyDeskRateLimit | false
  /**
   * One log line per `/api` call (time, environment, endpoint, request_id, status, latency).
   * @default true
   */
  accessLog?: boolean
  /**
   * Live upstream base URL; VONAGE_API_HOST overrides it.
   * @default 'https://api.nexmo.com'
   */
  liveHost?: string
  /**
   * Where live credentials go: `basic` (Authorization header) or `params` (api_key/api_secret);
   * VONAGE_AUTH overrides it.
   * @default 'basic'
   */
  liveAuth?: AuthMode
}

const defaultOptions: Required<VerifyDeskOptions> = {
  sandboxBase: '/sandbox',
  apiBase: '/api',
  sandbox: {},
  allowedHosts: [],
  allowedOrigins: [],
  bodyLimit: 16 * 1024,
  bodyTimeoutMs: 10_000,
  upstreamTimeoutMs: 15_000,
  rateLimit: {
    requestsPerSecond: 30,
    liveSearchPerSecond: 1,
    sandboxSearchPerSecond: 10,
    maxQueue: 100,
  },
  accessLog: true,
  liveHost: DEFAULT_LIVE_HOST,
  liveAuth: 'basic',
}

type AnyServer = ViteDevServer | PreviewServer

/** A token shorter than this is refused when the server is reachable from other machines. */
const MIN_TOKEN_LENGTH = 16

/**
 * Why the server will not start. Vite's command line prints a start-up error with `util.inspect`;
 * this one prints as its message alone (no stack trace: the reason is the whole story).
 */
class StartupRefusal extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartupRefusal'
    this.stack = message
  }

  [inspect.custom](): string {
    return this.message
  }
}

const refuse = (reason: string) => new StartupRefusal(`[verify-desk] Refusing to start: ${reason}`)

/** The plugin that mounts the sandbox and the proxy, alike in dev and in the production server. */
export function verifyDesk(options: VerifyDeskOptions = {}): Plugin {
  const resolved: Required<VerifyDeskOptions> = { ...defaultOptions, ...options }
  let env: Record<string, string> = {}
  /** Where the listen host came from, for the refusal messages: the variable or the flag. */
  const hostSource = { serve: '--host or preview.host', dev: '--host or server.host' }

  function mount(server: AnyServer, mode: 'dev' | 'serve'): Proxy {
    const config = server.config
    const logger = config.logger
    const listen = mode === 'dev' ? config.server : config.preview
    let settings: ServerSettings
    try {
      settings = resolveSettings(env, {
        liveHost: resolved.liveHost,
        liveAuth: resolved.liveAuth,
      })
    } catch (error) {
      if (error instanceof SettingsError) throw refuse(error.message)
      throw error
    }
    const source = hostSource[mode]
    const fromEnv = source === 'VERIFY_DESK_HOST'
    const where = `${describeHost(listen.host)} (set by ${source}), reachable from other machines`
    const localOnly = fromEnv ? 'unset VERIFY_DESK_HOST' : 'drop --host'
    if (!isLoopbackListenHost(listen.host)) {
      if (!settings.token) {
        throw refuse(
          `this server would listen on ${where}, and its /api can send verifications billed to ` +
            `the Vonage account. Set VERIFY_DESK_TOKEN to a long random value (at least ` +
            `${MIN_TOKEN_LENGTH} characters; the dashboard asks for it once), or listen on ` +
            `localhost only (${localOnly}).`,
        )
      }
      if (settings.token.length < MIN_TOKEN_LENGTH) {
        throw refuse(
          `VERIFY_DESK_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters and this server would ` +
            `listen on ${where}. Use a long random value (e.g. \`openssl rand -hex 24\`), or ` +
            `listen on localhost only (${localOnly}).`,
        )
      }
    }
    for (const warning of settings.warnings) logger.warn(`[verify-desk] ${warning}`)

    const rate =
      resolved.rateLimit === false
        ? false
        : { ...(defaultOptions.rateLimit as Required<VerifyDeskRateLimit>), ...resolved.rateLimit }
    const app = createApp({
      settings,
      sandbox: sandboxOptionsOf(resolved.sandbox, env),
      rateLimit: rate,
      allowedHosts: allowedHostsFor(
        listen.host,
        listen.allowedHosts,
        settings,
        resolved.allowedHosts,
      ),
      allowedOrigins: resolved.allowedOrigins,
      bodyLimit: resolved.bodyLimit,
      bodyTimeoutMs: resolved.bodyTimeoutMs,
      timeoutMs: resolved.upstreamTimeoutMs,
      accessLog: resolved.accessLog,
      logger: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) },
    })
    const { sandbox, proxy } = app
    // Room in the request line for the sandbox's own 414 (Node's default limit answers 431 first).
    const http = server.httpServer as { maxHeaderSize?: number } | null
    if (http && (http.maxHeaderSize ?? 0) < SANDBOX_HEADER_LIMIT) {
      http.maxHeaderSize = SANDBOX_HEADER_LIMIT
    }
    const stack = server.middlewares.stack
    const first = stack.length
    if (mode === 'serve') {
      // The production server compresses /api and /sandbox answers itself: Vite's compression
      // comes after the plugin's middlewares.
      const compress = compressAnswers()
      server.middlewares.use(resolved.sandboxBase, compress)
      server.middlewares.use(resolved.apiBase, compress)
    }
    server.middlewares.use(resolved.sandboxBase, app.sandboxMiddleware)
    server.middlewares.use(resolved.apiBase, app.proxyMiddleware)
    if (mode === 'dev') server.middlewares.use(OPEN_IN_EDITOR, guardOpenInEditor)
    runBeforeViteChecks(stack, first)
    server.httpServer?.once('close', () => {
      app
        .close()
        .catch((error: unknown) =>
          logger.warn(`[verify-desk] sandbox did not close cleanly: ${String(error)}`),
        )
    })
    if (mode === 'serve' && server.httpServer) stopGracefully(server.httpServer, app.proxy, logger)

    const printUrls = server.printUrls.bind(server)
    server.printUrls = () => {
      printUrls()
      printBanner(server, logger, sandbox, settings, mode, resolved.sandboxBase)
    }
    return proxy
  }

  return {
    name: 'verify-desk:server',
    config(config, { mode, isPreview }): UserConfig {
      hostSource.serve = '--host or preview.host'
      const root = path.resolve(config.root ?? process.cwd())
      const early =
        config.envDir === false
          ? pickEnv(process.env)
          : loadEnv(mode, path.resolve(root, config.envDir ?? ''), PLUGIN_ENV)
      const server: NonNullable<UserConfig['server']> = {}
      const preview: NonNullable<UserConfig['preview']> = {}
      const userServer = config.server ?? {}
      const userPreview = config.preview ?? {}

      // Vite checks the Host header before any plugin middleware: it must know the names too.
      const hosts = [...resolved.allowedHosts, ...listOf(early.VERIFY_DESK_ALLOWED_HOSTS)]
      if (hosts.length > 0) {
        // Vite concatenates arrays when it merges this result; `true` (any host) stays as it is.
        if (userServer.allowedHosts !== true) server.allowedHosts = hosts
        if (userPreview.allowedHosts === undefined) {
          if (userServer.allowedHosts !== true)
            preview.allowedHosts = [...(userServer.allowedHosts ?? []), ...hosts]
        } else if (userPreview.allowedHosts !== true) preview.allowedHosts = hosts
      }
      // Vite's dev server serves any file below the root that its deny list does not name: the
      // sandbox's saved state holds every PIN. Setting the list replaces Vite's, so it is repeated.
      if (userServer.fs?.deny === undefined) {
        const stateFile = stateFileOf(resolved.sandbox, early)
        server.fs = {
          deny: [
            ...VITE_FS_DENY,
            '**/.data/**',
            ...(typeof stateFile === 'string' && stateFile ? [`${path.basename(stateFile)}*`] : []),
          ],
        }
      }
      // No CORS headers from Vite: /api refuses other sites itself, and nothing else is for them.
      if (userServer.cors === undefined) {
        server.cors = false
        if (userPreview.cors === undefined) preview.cors = false
      }

      // `npm run serve` also takes its address from VERIFY_DESK_HOST / VERIFY_DESK_PORT, unless
      // the command line (--host, --port) or the Vite config sets it.
      if (isPreview) {
        // A production server stays on the port it was given: a busy port is an error, not a
        // silent move to the next one (a reverse proxy or the team's bookmarks point at it).
        if (userPreview.strictPort === undefined) preview.strictPort = true
        const host = early.VERIFY_DESK_HOST?.trim()
        if (host && userPreview.host === undefined) {
          preview.host = host
          hostSource.serve = 'VERIFY_DESK_HOST'
        }
        const rawPort = early.VERIFY_DESK_PORT?.trim()
        if (rawPort && userPreview.port === undefined) {
          const port = Number(rawPort)
          if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
            throw refuse(`VERIFY_DESK_PORT must be a port number (1-65535), not "${rawPort}".`)
          }
          preview.port = port
        }
      }
      return { server, preview }
    },
    configResolved(config: ResolvedConfig) {
      env =
        config.envDir === false
          ? pickEnv(process.env)
          : loadEnv(config.mode, config.envDir ?? config.root, PLUGIN_ENV)
    },
    configureServer(server) {
      mount(server, 'dev')
    },
    async configurePreviewServer(server) {
      const outDir = path.resolve(server.config.root, server.config.build.outDir)
      if (!statSync(path.join(outDir, 'index.html'), { throwIfNoEntry: false })?.isFile()) {
        const shown = path.relative(server.config.root, outDir) || outDir
        throw refuse(
          `no build in ${shown}/ (${shown}/index.html is missing). The production server serves ` +
            'the built app: run `npm run build` first, then `npm run serve`.',
        )
      }
      const { port, strictPort, host } = server.config.preview
      if (strictPort && port) {
        // Asked here so a busy port is one line, like every other refusal, not a stack trace.
        const busy = await bindError(port, host)
        if (busy) {
          throw refuse(
            busy.code === 'EADDRINUSE'
              ? `port ${port} is already in use (another server, or an earlier \`npm run serve\` ` +
                  'still running). Stop it, or choose another port: `npm run serve -- --port <port>` ' +
                  '(or VERIFY_DESK_PORT).'
              : `cannot listen on port ${port}: ${busy.message}`,
          )
        }
      }
      const assetsPrefix = path.posix.join(server.config.base, server.config.build.assetsDir, '/')
      server.middlewares.use(
        cacheHeaders(outDir, assetsPrefix, [resolved.apiBase, resolved.sandboxBase]),
      )
      mount(server, 'serve')
    },
  }
}

/**
 * Why the production server could not listen on `port`, tried exactly as Vite will (the same host
 * rule: none or false is localhost, true every address), or undefined when it can.
 */
function bindError(
  port: number,
  host: string | boolean | undefined,
): Promise<NodeJS.ErrnoException | undefined> {
  const address =
    host === undefined || host === false ? 'localhost' : host === true ? undefined : host
  return new Promise((resolve) => {
    const probe = createNetServer()
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error))
    probe.listen({ port, host: address, exclusive: true }, () =>
      probe.close(() => resolve(undefined)),
    )
  })
}

/**
 * `npm run serve` on SIGTERM (a deployment stopping it) or SIGINT (Ctrl-C): takes no new
 * connections, answers the calls still waiting for their turn 503 `server_closing` (not sent), lets
 * the calls already sent to the upstream finish (within the upstream time limit) so that their
 * answers reach the browser and the access log, then hands over to Vite's own shutdown, which
 * closes the remaining connections and exits. A second signal exits at once.
 */
function stopGracefully(
  httpServer: NonNullable<PreviewServer['httpServer']>,
  proxy: Proxy,
  logger: Logger,
): void {
  // Vite's SIGTERM handler (by its name in Vite 8) destroys every connection at once: it runs after
  // the calls in flight have finished instead. Without it, the process exits by itself.
  const viteHandlers = process
    .listeners('SIGTERM')
    .filter((handler) => handler.name === 'parentSigtermCallback')
  for (const handler of viteHandlers) process.off('SIGTERM', handler)
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`[verify-desk] ${signal} again: stopping now.`)
      process.exit(1)
    }
    stopping = true
    logger.info(
      `[verify-desk] ${signal}: stopping. New calls are refused; calls already sent to the upstream ` +
        'finish first (send the signal again to stop at once).',
    )
    httpServer.close()
    if ('closeIdleConnections' in httpServer) httpServer.closeIdleConnections()
    void proxy.close().finally(() => {
      logger.info('[verify-desk] The calls in flight have finished.')
      if (viteHandlers.length === 0) process.exit(0)
      for (const handler of viteHandlers) handler(signal)
    })
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  httpServer.once('close', () => {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  })
}

/** Vite 8's own `server.fs.deny`, kept when the plugin adds to it. */
const VITE_FS_DENY = [
  '.env',
  '.env.*',
  '*.{crt,pem,key,p12,pfx,cer,der}',
  '.npmrc',
  '.yarnrc.yml',
  '**/.git/**',
]

/** Vite's dev route that opens a file of the server's machine in an editor (from the error overlay). */
const OPEN_IN_EDITOR = '/__open-in-editor'

/**
 * Lets only the page itself, in a browser on the server's machine, use Vite's open-in-editor route:
 * not another machine (when listening beyond loopback), not another site, not a link opened from
 * elsewhere (it would start an editor on any file it names).
 */
function guardOpenInEditor(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const remote = req.socket.remoteAddress ?? ''
  const local = remote === '::1' || /^(?:::ffff:)?127\./.test(remote)
  const reason = local
    ? (crossSiteReason(req.headers) ?? stateChangeReason(req.headers))
    : 'it comes from another machine'
  if (!reason) {
    next()
    return
  }
  const text = `Refused: ${reason}. Files open in an editor only from the dashboard on this machine.`
  res.writeHead(403, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
}

/** A comma-separated setting as a list. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}

/**
 * Moves the layers from `first` on (the plugin's /api and /sandbox mounts) before Vite's own CORS
 * and Host checks: those paths answer with the proxy's own JSON refusals (403 `host_not_allowed`,
 * 405 for OPTIONS), and everything else keeps Vite's checks.
 */
function runBeforeViteChecks(stack: Connect.Server['stack'], first: number) {
  const ours = stack.splice(first)
  const names = new Set(['hostValidationMiddleware', 'corsMiddleware'])
  const at = stack.findIndex((layer) => names.has((layer.handle as { name?: string }).name ?? ''))
  stack.splice(at < 0 ? stack.length : at, 0, ...ours)
}

/**
 * Hashed assets are immutable for a year and a missing one is a 404; everything else (index.html)
 * is revalidated.
 */
function cacheHeaders(
  outDir: string,
  assetsPrefix: string,
  skip: string[],
): Connect.NextHandleFunction {
  return function verifyDeskCacheHeaders(
    req: IncomingMessage,
    res: ServerResponse,
    next: Connect.NextFunction,
  ) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    const pathname = (req.url ?? '/').split('?')[0] ?? '/'
    if (skip.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`)))
      return next()
    if (pathname.startsWith(assetsPrefix)) {
      if (isFileInside(outDir, pathname.slice(1))) {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
        // Vite's compression answers gzip or plain by Accept-Encoding: a shared cache must know.
        appendVary(res, 'Accept-Encoding')
        return next()
      }
      // A missing hashed file (a chunk of an older build) gets 404, never the page in its place.
      res.statusCode = 404
      res.setHeader('Cache-Control', 'no-cache')
      res.setHeader('Content-Type', 'text/plain; charset=utf-8')
      res.end('Not found')
      return
    }
    res.setHeader('Cache-Control', 'no-cache')
    appendVary(res, 'Accept-Encoding')
    next()
  }
}

function isFileInside(dir: string, relative: string): boolean {
  let decoded: string
  try {
    decoded = decodeURIComponent(relative)
  } catch {
    return false
  }
  const file = path.resolve(dir, decoded)
  if (!file.startsWith(dir + path.sep)) return false
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true
}

/**
 * What the plugin reads from the environment and the `.env*` files (Vite's `loadEnv`): the proxy's
 * `VONAGE_`/`VERIFY_DESK_` settings and the sandbox's state file, all server-side only.
 */
const SANDBOX_STATE_FILE_VAR = 'SANDBOX_STATE_FILE'
const PLUGIN_ENV = [
  ...ENV_PREFIXES,
  SANDBOX_STATE_FILE_VAR,
  SEARCH_PER_SECOND_VAR,
  MAX_FINISHED_VAR,
]

/** The sandbox's state file: the Vite config's, else SANDBOX_STATE_FILE (env or `.env.local`). */
function stateFileOf(
  options: SandboxOptions,
  env: Record<string, string>,
): string | false | undefined {
  return options.stateFile === undefined && env[SANDBOX_STATE_FILE_VAR]
    ? env[SANDBOX_STATE_FILE_VAR]
    : options.stateFile
}

/**
 * The sandbox's options with its state file from `stateFileOf`, and its limits from
 * SANDBOX_SEARCH_PER_SECOND and SANDBOX_MAX_FINISHED_REQUESTS, when the Vite config names none.
 */
function sandboxOptionsOf(options: SandboxOptions, env: Record<string, string>): SandboxOptions {
  const stateFile = stateFileOf(options, env)
  const withFile = stateFile === options.stateFile ? options : { ...options, stateFile }
  try {
    return withSandboxLimitsFromEnv(withFile, env)
  } catch (error) {
    throw refuse((error as Error).message)
  }
}

function pickEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && PLUGIN_ENV.some((prefix) => key.startsWith(prefix)))
      picked[key] = value
  }
  return picked
}

function allowedHostsFor(
  listenHost: string | boolean | undefined,
  viteAllowed: string[] | true | undefined,
  settings: ServerSettings,
  configured: string[],
): string[] {
  const hosts = [...configured, ...settings.allowedHosts]
  if (Array.isArray(viteAllowed)) hosts.push(...viteAllowed)
  const wildcard = listenHost === true || listenHost === '0.0.0.0' || listenHost === '::'
  if (typeof listenHost === 'string' && !wildcard) hosts.push(listenHost)
  if (wildcard) {
    // Listening everywhere: the machine's own addresses are legitimate Host values (no DNS involved).
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) hosts.push(address.address)
    }
  }
  return hosts
}

function describeHost(host: string | boolean | undefined): string {
  return host === true ? 'all network interfaces' : `"${String(host)}"`
}

function printBanner(
  server: AnyServer,
  logger: Logger,
  sandbox: Sandbox,
  settings: ServerSettings,
  mode: 'dev' | 'serve',
  sandboxBase: string,
) {
  const base = (server.resolvedUrls?.local[0] ?? server.resolvedUrls?.network[0] ?? '/').replace(
    /\/$/,
    '',
  )
  const { apiKey, apiSecret } = sandbox.defaultAccount
  const lines = [
    `  ➜  Sandbox: ${base}${sandboxBase}  (api_key ${apiKey}, api_secret ${apiSecret})`,
    liveBannerLine(settings.live),
    `  ➜  Environments: ${settings.live ? 'sandbox, live' : 'sandbox'}${mode === 'serve' ? ' (production server)' : ''}`,
    `  ➜  Sandbox state: ${stateLine(sandbox.persistence)}`,
  ]
  if (settings.token) {
    lines.push(
      `  ➜  Access token required on /api and ${sandboxBase} calls (header ${headerName()})`,
      `  ➜  SDK clients of the sandbox: base URL ${base}${sandboxBase}${SANDBOX_TOKEN_PREFIX}<VERIFY_DESK_TOKEN>`,
    )
  }
  for (const line of lines) logger.info(line)
}

/**
 * The banner's live line: the key shown as the dashboard shows it (`maskKey`, the hint of
 * `/api/environments`), so a short key is never printed whole.
 */
export function liveBannerLine(live: LiveSettings | undefined): string {
  if (!live) return '  ➜  Live:    off (set VONAGE_API_KEY and VONAGE_API_SECRET to enable it)'
  const auth = live.auth === 'basic' ? 'Basic auth' : 'key/secret parameters'
  return `  ➜  Live:    on, key ${maskKey(live.credentials.apiKey)} via ${live.host} (${auth})`
}

/** Where the sandbox keeps its requests, for the banner. */
function stateLine(state: SandboxPersistence): string {
  const file = state.file ? path.relative(process.cwd(), state.file) || state.file : null
  if (state.saved && file) return `saved in ${file}`
  if (file && state.in_use_by !== undefined) {
    return `in memory only: ${file} is in use by process ${state.in_use_by} (set SANDBOX_STATE_FILE to another file)`
  }
  return 'in memory only'
}

function headerName(): string {
  return TOKEN_HEADER.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  )
}
