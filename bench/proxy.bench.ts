/**
 * Proxy benchmark: round trips through the credential-safe proxy against the same upstream double
 * called directly, in one run, on 127.0.0.1.
 *
 * The upstream double (a bare `node:http` server answering a fixed Verify check JSON) and the proxy
 * (the real `createProxy` middleware on `node:http`, live environment pointed at the double, rate
 * limiter off, access log formatted into a no-op sink) each run in a child process; this process is
 * the keep-alive client. Each round trip is a `POST …/verify/check/json` with a JSON body.
 *
 * (a) added median latency: sequential calls, median through the proxy minus median direct.
 *     Target < 1 ms.
 * (b) throughput ratio: requests/s through the proxy / requests/s direct, 16 concurrent callers.
 *     Target >= 0.7. With an upstream that answers instantly the proxy does an HTTP server's and an
 *     HTTP client's work per call where the double does only a server's, so on a 2-core machine
 *     running all three processes this ratio is bounded near 0.5 whatever the proxy does.
 * (c) the same ratio against a double that answers after 5 ms (the real API takes 100 ms or more):
 *     whether the proxy, rather than the upstream, limits throughput in practice. No target.
 *
 * The same file is the child: `PROXY_BENCH_CHILD=upstream|proxy node --import tsx <this file>`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { BenchContext, BenchFigure } from './lib/types'

const SELF = fileURLToPath(import.meta.url)
const CREDENTIALS = { apiKey: 'benchkey', apiSecret: 'bench-secret-not-real' }
const ANSWER = JSON.stringify({
  request_id: 'abcdef0123456789abcdef0123456789',
  status: '0',
  event_id: '0A00000012345678',
  price: '0.10000000',
  currency: 'EUR',
  estimated_price_messages_sent: '0.03330000',
})
const BODY = JSON.stringify({ request_id: 'abcdef0123456789abcdef0123456789', code: '1234' })
const CONCURRENCY = 16

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------

async function listen(server: http.Server): Promise<number> {
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function child(role: string): Promise<void> {
  let server: http.Server
  if (role === 'upstream') {
    const delayMs = Number(process.env.PROXY_BENCH_DELAY_MS ?? 0)
    server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(ANSWER)
        }
        if (delayMs > 0) setTimeout(answer, delayMs)
        else answer()
      })
    })
  } else {
    const { createProxy, httpUpstream } = await import('../server/proxy/index')
    const upstreamUrl = process.env.PROXY_BENCH_UPSTREAM ?? ''
    const environment = {
      upstream: httpUpstream(upstreamUrl),
      credentials: CREDENTIALS,
      auth: 'basic' as const,
      searchPerSecond: 1,
    }
    const proxy = createProxy({
      sandbox: environment,
      live: environment,
      allowedHosts: [],
      allowedOrigins: [],
      bodyLimit: 16 * 1024,
      timeoutMs: 15_000,
      rateLimit: false,
      accessLog: true,
      logger: { info: () => {}, warn: () => {} },
    })
    server = http.createServer((req, res) => {
      req.url = (req.url ?? '/').slice('/api'.length)
      proxy.middleware(req, res)
    })
  }
  const port = await listen(server)
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`)
  process.on('SIGTERM', () => process.exit(0))
}

const role = process.env.PROXY_BENCH_CHILD
if (role) await child(role)

// ---------------------------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------------------------

async function startChild(
  root: string,
  childRole: string,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF], {
    cwd: root,
    env: { ...process.env, ...env, PROXY_BENCH_CHILD: childRole },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`${childRole} child did not start`)), 30_000)
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const line = buffered.split('\n')[0]
      if (buffered.includes('\n') && line) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { port: number }).port)
      }
    })
    proc.on('exit', (code) => reject(new Error(`${childRole} child exited with ${code}`)))
  })
  return { proc, port }
}

interface Target {
  port: number
  path: string
  headers: Record<string, string>
}

function roundTrip(agent: http.Agent, target: Target): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        method: 'POST',
        agent,
        headers: { ...target.headers, 'content-length': String(Buffer.byteLength(BODY)) },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`HTTP ${res.statusCode} from ${target.path}`))
          else resolve(performance.now() - started)
        })
      },
    )
    req.on('error', reject)
    req.end(BODY)
  })
}

async function medianLatency(target: Target, count: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    for (let i = 0; i < Math.min(200, count); i++) await roundTrip(agent, target) // warm-up
    const samples: number[] = []
    for (let i = 0; i < count; i++) samples.push(await roundTrip(agent, target))
    samples.sort((a, b) => a - b)
    return samples[Math.floor(samples.length / 2)] ?? Number.NaN
  } finally {
    agent.destroy()
  }
}

async function throughput(target: Target, total: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  try {
    await Promise.all(Array.from({ length: CONCURRENCY * 4 }, () => roundTrip(agent, target)))
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < total) await roundTrip(agent, target)
      }),
    )
    return total / ((performance.now() - started) / 1000)
  } finally {
    agent.destroy()
  }
}

export default async function proxyBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const latencyCount = ctx.quick ? 500 : 2000
  const throughputCount = ctx.quick ? 2000 : 8000
  const rounds = ctx.quick ? 1 : 3
  const children: ChildProcess[] = []
  try {
    const upstream = await startChild(ctx.root, 'upstream')
    children.push(upstream.proc)
    const slowUpstream = await startChild(ctx.root, 'upstream', { PROXY_BENCH_DELAY_MS: '5' })
    children.push(slowUpstream.proc)
    const slowProxy = await startChild(ctx.root, 'proxy', {
      PROXY_BENCH_UPSTREAM: `http://127.0.0.1:${slowUpstream.port}`,
    })
    children.push(slowProxy.proc)
    const proxy = await startChild(ctx.root, 'proxy', {
      PROXY_BENCH_UPSTREAM: `http://127.0.0.1:${upstream.port}`,
    })
    children.push(proxy.proc)
    const basic = `Basic ${Buffer.from(`${CREDENTIALS.apiKey}:${CREDENTIALS.apiSecret}`).toString('base64')}`
    const direct: Target = {
      port: upstream.port,
      path: '/verify/check/json',
      headers: { 'content-type': 'application/json', authorization: basic },
    }
    const viaProxy: Target = {
      port: proxy.port,
      path: '/api/live/verify/check/json',
      headers: { 'content-type': 'application/json', host: `localhost:${proxy.port}` },
    }

    // Alternate direct and proxied runs so drift on a shared machine hits both alike; keep the best.
    let directLatency = Infinity
    let proxyLatency = Infinity
    let directRate = 0
    let proxyRate = 0
    for (let round = 0; round < rounds; round++) {
      directLatency = Math.min(directLatency, await medianLatency(direct, latencyCount))
      proxyLatency = Math.min(proxyLatency, await medianLatency(viaProxy, latencyCount))
      directRate = Math.max(directRate, await throughput(direct, throughputCount))
      proxyRate = Math.max(proxyRate, await throughput(viaProxy, throughputCount))
      ctx.log(
        `round ${round + 1}: median ${proxyLatency.toFixed(3)} ms via proxy vs ${directLatency.toFixed(3)} ms direct; ` +
          `${Math.round(proxyRate)} vs ${Math.round(directRate)} req/s`,
      )
    }
    const slowDirect = await throughput({ ...direct, port: slowUpstream.port }, throughputCount / 4)
    const slowProxied = await throughput(
      {
        ...viaProxy,
        port: slowProxy.port,
        headers: { ...viaProxy.headers, host: `localhost:${slowProxy.port}` },
      },
      throughputCount / 4,
    )
    ctx.log(`5 ms upstream: ${Math.round(slowProxied)} vs ${Math.round(slowDirect)} req/s`)
    const added = proxyLatency - directLatency
    const ratio = proxyRate / directRate
    return [
      {
        name: 'proxy.latency.added.median',
        value: round3(added),
        unit: 'ms',
        baseline: round3(directLatency),
        target: '< 1 ms',
        pass: added < 1,
      },
      {
        name: 'proxy.latency.median',
        value: round3(proxyLatency),
        unit: 'ms',
        baseline: round3(directLatency),
      },
      {
        name: 'proxy.throughput',
        value: Math.round(proxyRate),
        unit: 'req/s',
        baseline: Math.round(directRate),
        ratio: round3(ratio),
        target: 'ratio >= 0.7',
        pass: ratio >= 0.7,
      },
      {
        name: 'proxy.throughput.upstream-5ms',
        value: Math.round(slowProxied),
        unit: 'req/s',
        baseline: Math.round(slowDirect),
        ratio: round3(slowProxied / slowDirect),
      },
    ]
  } finally {
    for (const proc of children) proc.kill('SIGTERM')
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}
