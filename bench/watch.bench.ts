import { join } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { createServer, type ViteDevServer } from 'vite'
import type { BenchContext, BenchFigure } from './lib/types'

/**
 * Live status: search calls per polling interval for N requests in progress (N = 0, 1, 10, 95),
 * counted on the real stores (history + watch + settings + the API client), loaded through Vite's
 * SSR module loader, with the client's `fetch` replaced by a counter that answers every id
 * IN PROGRESS. History falls back to memory (no IndexedDB in Node). Target: exactly ceil(N/10)
 * calls per interval and none while nothing is in progress; live calls at most one per second.
 */
interface Call {
  at: number
  env: string
  ids: string[]
}

type Env = 'sandbox' | 'live'

/** The loaded modules this bench drives (typed loosely: they come from the SSR loader). */
interface Modules {
  configureClient(options: { prefixUrl: string; fetch: typeof fetch }): void
  useRequestsStore(): {
    ready: Promise<void>
    importJson(text: string): Promise<unknown>
    dispose(): Promise<void>
  }
  useSettingsStore(): { pollSandboxSeconds: number; pollLiveSeconds: number }
  useWatchStore(): { start(): Promise<void>; stop(): void }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function answer(id: string) {
  return {
    request_id: id,
    account_id: 'abcdef01',
    number: '447700900000',
    sender_id: 'verify',
    date_submitted: '2026-01-01 00:00:00',
    date_finalized: '',
    checks: [],
    first_event_date: '2026-01-01 00:00:00',
    last_event_date: '2026-01-01 00:00:00',
    price: '0',
    currency: 'EUR',
    status: 'IN PROGRESS',
    estimated_price_messages_sent: '0.03',
    events: [{ type: 'sms', id: 'e1' }],
  }
}

function countingFetch(calls: Call[]): typeof fetch {
  return async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const match = /\/api\/(sandbox|live)\/verify\/search\/json$/.exec(url.pathname)
    if (!match) return new Response('{"error":{"code":"not_found","message":"x"}}', { status: 404 })
    const ids = url.searchParams.getAll('request_ids')
    if (ids.length === 0) ids.push(...url.searchParams.getAll('request_id'))
    calls.push({ at: performance.now(), env: match[1]!, ids })
    const body =
      ids.length === 1 ? answer(ids[0]!) : { verification_requests: ids.map((id) => answer(id)) }
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  }
}

/** Groups calls into polling rounds: a pause longer than `gapMs` starts a new round. */
function rounds(calls: Call[], gapMs: number): Call[][] {
  const out: Call[][] = []
  for (const call of calls) {
    const current = out.at(-1)
    const previous = current?.at(-1)
    if (current && previous && call.at - previous.at < gapMs) current.push(call)
    else out.push([call])
  }
  return out
}

function entries(n: number, env: Env) {
  const now = Date.now()
  return Array.from({ length: n }, (_, i) => ({
    request_id: (i + 1).toString(16).padStart(32, '0'),
    environment: env,
    kind: 'request',
    number: `4477009${String(i).padStart(5, '0')}`,
    brand: 'Bench',
    payee: '',
    amount: '',
    params: {},
    status: 'IN PROGRESS',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    lastSearch: null,
    lastError: null,
    source: 'started',
    schemaVersion: 2,
  }))
}

async function measure(
  modules: Modules,
  env: Env,
  n: number,
  wantRounds: number,
): Promise<{ perRound: number[]; maxIds: number; minGapMs: number }> {
  const calls: Call[] = []
  modules.configureClient({ prefixUrl: 'http://127.0.0.1:9/api', fetch: countingFetch(calls) })
  setActivePinia(createPinia())
  const settings = modules.useSettingsStore()
  settings.pollSandboxSeconds = 0.5
  settings.pollLiveSeconds = 1
  const history = modules.useRequestsStore()
  await history.ready
  if (n > 0) await history.importJson(JSON.stringify(entries(n, env)))
  const watch = modules.useWatchStore()
  const expected = Math.ceil(n / 10)
  // One round lasts (calls - 1) gaps; the next starts an interval after the last call.
  const gap = env === 'live' ? 1000 : 100
  const interval = env === 'live' ? Math.max(1000, expected * 1000) : 500
  const roundMs = Math.max(0, expected - 1) * gap + interval
  try {
    await watch.start()
    await sleep(roundMs * wantRounds - interval / 2)
    // A round of several calls still going on a slow machine is let finish: a round cut short by
    // the end of the measurement would count fewer calls than the dashboard makes. The next round
    // starts an interval (more than 1.5 gaps) after the last call, so this pause never cuts one.
    while (expected > 1 && performance.now() - (calls.at(-1)?.at ?? 0) < gap * 1.5) {
      await sleep(gap / 2)
    }
  } finally {
    watch.stop()
    await history.dispose()
  }
  const grouped = rounds(calls, (gap + interval) / 2)
  const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at)
  return {
    perRound: n === 0 ? [calls.length] : grouped.map((r) => r.length),
    maxIds: Math.max(0, ...calls.map((c) => c.ids.length)),
    minGapMs: gaps.length ? Math.min(...gaps) : Infinity,
  }
}

export default async function watch(ctx: BenchContext): Promise<BenchFigure[]> {
  let server: ViteDevServer | null = null
  const figures: BenchFigure[] = []
  try {
    server = await createServer({
      root: ctx.root,
      configFile: false,
      logLevel: 'silent',
      appType: 'custom',
      server: { middlewareMode: true, hmr: false, ws: false },
      resolve: {
        alias: { '@': join(ctx.root, 'src'), '@contract': join(ctx.root, 'contract') },
      },
      optimizeDeps: { noDiscovery: true, include: [] },
    })
    const load = (path: string) => server!.ssrLoadModule(path)
    const modules = {
      ...(await load('/src/api/client.ts')),
      ...(await load('/src/stores/requests.ts')),
      ...(await load('/src/stores/settings.ts')),
      ...(await load('/src/stores/watch.ts')),
    } as unknown as Modules

    const plan: [Env, number, number][] = [
      ['sandbox', 0, 3],
      ['sandbox', 1, 3],
      ['sandbox', 10, 3],
      ['sandbox', 95, 3],
      ['live', 0, 2],
      ['live', 1, 3],
      ['live', 10, 3],
    ]
    if (!ctx.quick) plan.push(['live', 95, 2])
    let liveMinGap = Infinity
    for (const [env, n, wanted] of plan) {
      const { perRound, maxIds, minGapMs } = await measure(modules, env, n, wanted)
      if (maxIds > 10) throw new Error(`${env} N=${n}: a search call carried ${maxIds} ids`)
      if (env === 'live') liveMinGap = Math.min(liveMinGap, minGapMs)
      const expected = Math.ceil(n / 10)
      ctx.log(`${env} N=${n}: calls per interval ${perRound.join(', ')} (expected ${expected})`)
      const worst = perRound.find((c) => c !== expected) ?? expected
      figures.push({
        name: `watch.${env}.searchCallsPerInterval.n${n}`,
        value: worst,
        unit: 'count',
        target: n === 0 ? '= 0 (nothing in progress)' : `= ceil(${n}/10) = ${expected}`,
        pass: perRound.length > 0 && perRound.every((c) => c === expected),
      })
    }
    if (Number.isFinite(liveMinGap)) {
      const value = Math.round(liveMinGap)
      figures.push({
        name: 'watch.live.minMsBetweenSearchCalls',
        value,
        unit: 'ms',
        // Timers may fire a millisecond early; the proxy's limit is one per second.
        target: '>= 1000 ms (1 search/s)',
        pass: value >= 995,
      })
    }
  } finally {
    await server?.close()
  }
  return figures
}
