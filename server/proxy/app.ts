/**
 * The server side of Verify Desk without Vite: the embedded sandbox with its guards (for `/sandbox`)
 * and the credential-safe proxy in front of it and of live (for `/api`). The Vite plugin mounts
 * these two middlewares in `npm run dev` and `npm run serve`; the benchmark mounts them on a bare
 * `node:http` server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createSandbox, type Sandbox } from '../sandbox/index.ts'
import type { ServerSettings } from './env.ts'
import { ProxyError, sendError } from './errors.ts'
import { hostAllowlist } from './guards.ts'
import {
  createProxy,
  httpUpstream,
  type Proxy,
  type ProxyEnvironment,
  type ProxyLogger,
} from './index.ts'
import { createSandboxGate } from './sandbox-gate.ts'
import { sandboxUpstream } from './upstream.ts'

/** Options of the embedded sandbox (`createSandbox`). */
export type SandboxOptions = NonNullable<Parameters<typeof createSandbox>[0]>

/** Upstream pacing per environment, all fields set; `false` turns it off (benchmarks only). */
export interface AppRateLimit {
  requestsPerSecond: number
  liveSearchPerSecond: number
  sandboxSearchPerSecond: number
  maxQueue: number
}

export interface AppOptions {
  settings: ServerSettings
  sandbox: SandboxOptions
  rateLimit: AppRateLimit | false
  /** Host names accepted besides the loopback ones. */
  allowedHosts: string[]
  /** Configured extra origins (the settings' own are added). */
  allowedOrigins: string[]
  bodyLimit: number
  /** How long a request body may take to arrive whole (10 s unless said). */
  bodyTimeoutMs?: number
  timeoutMs: number
  accessLog: boolean
  logger: ProxyLogger
}

export type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

export interface App {
  sandbox: Sandbox
  proxy: Proxy
  /** For the sandbox mount (`req.url` relative to it): guards, then the sandbox; 404 JSON otherwise. */
  sandboxMiddleware: Middleware
  /** For the API mount (`req.url` relative to it). */
  proxyMiddleware: Middleware
  close(): Promise<void>
}

export function createApp(options: AppOptions): App {
  const { settings, rateLimit: rate } = options
  // Its warnings (a state file in use, a damaged one set aside) go to the server's own log.
  const sandbox = createSandbox({ logger: options.logger, ...options.sandbox })
  const allowedOrigins = [...options.allowedOrigins, ...settings.allowedOrigins]
  const live: ProxyEnvironment | undefined = settings.live && {
    upstream: httpUpstream(settings.live.host),
    credentials: settings.live.credentials,
    auth: settings.live.auth,
    searchPerSecond: settings.liveSearchPerSecond ?? (rate ? rate.liveSearchPerSecond : 1),
  }
  const proxy = createProxy({
    sandbox: {
      upstream: sandboxUpstream(sandbox, 'the embedded sandbox'),
      credentials: sandbox.defaultAccount,
      auth: 'basic',
      searchPerSecond: rate ? rate.sandboxSearchPerSecond : 10,
    },
    live,
    allowedHosts: options.allowedHosts,
    allowedOrigins,
    token: settings.token,
    bodyLimit: options.bodyLimit,
    bodyTimeoutMs: options.bodyTimeoutMs,
    timeoutMs: options.timeoutMs,
    rateLimit: rate
      ? { requestsPerSecond: rate.requestsPerSecond, maxQueue: rate.maxQueue }
      : false,
    accessLog: options.accessLog,
    logger: options.logger,
  })

  const sandboxGate = createSandboxGate({
    hosts: hostAllowlist(options.allowedHosts),
    token: settings.token,
    allowedOrigins,
  })

  let closed = false
  return {
    sandbox,
    proxy,
    sandboxMiddleware: function verifyDeskSandboxMiddleware(req, res, next) {
      try {
        sandboxGate(req)
      } catch (error) {
        if (!(error instanceof ProxyError)) throw error
        sendError(res, error)
        req.resume()
        return
      }
      sandbox.middleware(req, res, (error?: unknown) => {
        if (error) next(error)
        else
          sendError(
            res,
            new ProxyError(
              404,
              'not_found',
              `The sandbox has no ${String(req.url).split('?')[0]?.slice(0, 80)} endpoint.`,
            ),
          )
      })
    },
    proxyMiddleware: proxy.middleware,
    async close() {
      if (closed) return
      closed = true
      // Calls already sent finish first: the in-process sandbox answers them before it closes.
      await proxy.close()
      await sandbox.close()
    },
  }
}
