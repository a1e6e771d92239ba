/**
 * What the proxy keeps per environment (sandbox, live): its configuration, its pacing (the overall
 * and the search rate limiters), its coalesced searches, the upstream `Authorization` value and how
 * failure messages name its upstream.
 */
import { basicAuthorization, type AuthMode, type Credentials } from './credentials.ts'
import { upstreamName, type Upstreamish } from './failures.ts'
import { Coalescer, RateLimiter, type Timers } from './limiter.ts'
import { ENVIRONMENT_IDS, type EnvironmentId } from './routes.ts'
import type { BufferedAnswer, Upstream } from './upstream.ts'

/** One environment the SPA can choose. */
export interface ProxyEnvironment {
  upstream: Upstream
  credentials: Credentials
  /** Where the credentials go on the upstream call. */
  auth: AuthMode
  /** Upstream searches per second (Vonage allows 1/s on live). */
  searchPerSecond: number
}

export interface ProxyRateLimit {
  /**
   * Upstream calls per second per environment (Vonage: 30/s, beyond that status 1). A call holds
   * its slot until a second after its answer, so no upstream second ever sees more (see RateLimiter).
   */
  requestsPerSecond: number
  /** Calls allowed to wait for a slot per environment; one more answers 503 `queue_full`. */
  maxQueue: number
}

export interface EnvironmentRuntime {
  id: EnvironmentId
  config: ProxyEnvironment
  /** How failure messages name this environment's upstream. */
  upstream: Upstreamish
  overall?: RateLimiter
  search?: RateLimiter
  searches: Coalescer<BufferedAnswer>
  /** `Authorization` value for the upstream (computed once). */
  authorization: string
}

/** The runtime of each configured environment; no pacing when `rateLimit` is false. */
export function createRuntimes(
  environments: { sandbox: ProxyEnvironment; live?: ProxyEnvironment },
  rateLimit: ProxyRateLimit | false,
  timers: Timers | undefined,
): Map<EnvironmentId, EnvironmentRuntime> {
  const runtimes = new Map<EnvironmentId, EnvironmentRuntime>()
  for (const id of ENVIRONMENT_IDS) {
    const config = environments[id]
    if (!config) continue
    runtimes.set(id, {
      id,
      config,
      overall: rateLimit
        ? new RateLimiter({
            name: `${id} upstream`,
            ratePerSecond: rateLimit.requestsPerSecond,
            maxQueue: rateLimit.maxQueue,
            timers,
          })
        : undefined,
      search: rateLimit
        ? new RateLimiter({
            name: `${id} search`,
            ratePerSecond: config.searchPerSecond,
            maxQueue: rateLimit.maxQueue,
            timers,
          })
        : undefined,
      searches: new Coalescer<BufferedAnswer>(),
      upstream: { environment: id, name: upstreamName(id, config.upstream.description) },
      authorization: basicAuthorization(config.credentials),
    })
  }
  return runtimes
}
