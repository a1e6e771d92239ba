/**
 * `npm run dev` / `npm run serve` as a user starts them: the `vite` command line in a child process,
 * over a stand-in build (the production server only checks that `index.html` exists at start-up).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVENTUALLY_MS } from '../../support/eventually'
import { LIVE, call, freePort, holdPort, startUpstream } from './support'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const vite = path.join(root, 'node_modules/.bin/vite')
let work: string
let built: string
let empty: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'verify-desk-cli-'))
  built = path.join(work, 'dist')
  empty = path.join(work, 'nothing-built')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(built)
  await mkdir(empty)
  await writeFile(path.join(built, 'index.html'), '<!doctype html><div id="app"></div>\n')
})

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** The caller's environment without test-runner and server settings, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' }
  for (const name of Object.keys(env)) {
    if (/^(VITEST|VONAGE_|VERIFY_DESK_)/.test(name)) delete env[name]
  }
  delete env.NODE_ENV
  return { ...env, ...extra }
}

/**
 * How long a child may run before it is killed as hung: past any start-up on a busy machine, and
 * within the test's own time limit (60 s).
 */
const HUNG_CHILD_MS = 45_000

/**
 * Runs `vite <args>` until it exits, or until its output matches `until` (then `stop()` ends it).
 */
function run(args: string[], env: Record<string, string>, until?: RegExp) {
  const child = spawn(vite, args, {
    cwd: root,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const timer = setTimeout(() => child.kill('SIGKILL'), HUNG_CHILD_MS)
  void exited.then(() => clearTimeout(timer))
  const ready = new Promise<RegExpMatchArray | undefined>((resolve) => {
    const check = () => {
      const match = until ? output.match(until) : null
      if (match) resolve(match)
    }
    const add = (chunk: Buffer) => {
      output += chunk.toString()
      check()
    }
    child.stdout.on('data', add)
    child.stderr.on('data', add)
    void exited.then(() => resolve(undefined))
  })
  return {
    pid: child.pid as number,
    exited,
    ready,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

describe('the command line', () => {
  it('lets --host and --port win over VERIFY_DESK_HOST and VERIFY_DESK_PORT', async () => {
    const [fromEnv, fromFlag] = [await freePort(), await freePort()]
    const server = run(
      ['preview', '--outDir', built, '--host', '127.0.0.1', '--port', String(fromFlag)],
      { VERIFY_DESK_HOST: '0.0.0.0', VERIFY_DESK_PORT: String(fromEnv) },
      /Local:\s+http:\/\/127\.0\.0\.1:(\d+)/,
    )
    try {
      const match = await server.ready
      expect(match?.[1], server.output()).toBe(String(fromFlag))
      const res = await call(fromFlag, '/api/environments')
      expect(res.status).toBe(200)
      expect(res.json()).toMatchObject({ default: 'sandbox' })
    } finally {
      await server.stop()
    }
  })

  it('stops with an error when its port is taken, instead of moving to another port', async () => {
    const { port, close } = await holdPort()
    try {
      const server = run(['preview', '--outDir', built, '--host', '127.0.0.1'], {
        VERIFY_DESK_PORT: String(port),
      })
      const code = await server.exited
      expect(code, server.output()).not.toBe(0)
      expect(server.output()).toMatch(
        new RegExp(`Refusing to start: port ${port} is already in use .*--port <port>`),
      )
      expect(server.output()).not.toMatch(/^\s+at /m) // the reason alone, no stack trace
      expect(server.output()).not.toMatch(/Local:/)
    } finally {
      await close()
    }
  })

  it('refuses to serve without a build, with the reason alone and a non-zero exit', async () => {
    const server = run(['preview', '--outDir', empty, '--port', '0'], {})
    const code = await server.exited
    expect(code).not.toBe(0)
    expect(server.output()).toMatch(
      /Refusing to start: no build in .*nothing-built\/ .*run `npm run build` first/,
    )
    expect(server.output()).not.toMatch(/^\s+at /m)
  })

  it.each([
    ['dev', () => ['--port', '0']],
    ['serve', () => ['preview', '--outDir', built, '--port', '0']],
  ])('refuses a bad setting in %s with the reason alone', async (_, args) => {
    const server = run(args(), {
      VONAGE_API_KEY: 'abcd1234',
      VONAGE_API_SECRET: 'cli-secret-0123456789',
      VONAGE_AUTH: 'header',
    })
    const code = await server.exited
    expect(code).not.toBe(0)
    expect(server.output()).toMatch(
      /Refusing to start: VONAGE_AUTH must be "basic" .* not "header"/,
    )
    expect(server.output()).not.toMatch(/^\s+at /m)
    expect(server.output()).not.toContain('cli-secret-0123456789')
  })

  it('refuses VERIFY_DESK_HOST=0.0.0.0 without a token, naming the variable', async () => {
    const server = run(['preview', '--outDir', built, '--port', '0'], {
      VERIFY_DESK_HOST: '0.0.0.0',
    })
    expect(await server.exited).not.toBe(0)
    expect(server.output()).toMatch(/"0\.0\.0\.0" \(set by VERIFY_DESK_HOST\)/)
    expect(server.output()).toMatch(/unset VERIFY_DESK_HOST/)
    expect(server.output()).not.toMatch(/^\s+at /m)
  })

  it('on SIGTERM lets a call already sent finish and log, then exits cleanly', async () => {
    let answer: (() => void) | undefined
    const upstream = await startUpstream((_arrival, res) => {
      answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"request_id":"abcdef0123456789abcdef0123456789","status":"0"}')
      }
    })
    const server = run(
      ['preview', '--outDir', built, '--port', '0'],
      {
        VONAGE_API_KEY: LIVE.apiKey,
        VONAGE_API_SECRET: LIVE.apiSecret,
        VONAGE_API_HOST: upstream.url,
      },
      /Local:\s+http:\/\/[^\s/]+:(\d+)/,
    )
    try {
      const port = Number((await server.ready)?.[1])
      expect(port, server.output()).toBeGreaterThan(0)
      const check = call(port, '/api/live/verify/check/json', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ request_id: 'abcdef0123456789abcdef0123456789', code: '918273' }),
      })
      await expect.poll(() => upstream.arrivals.length, { timeout: EVENTUALLY_MS }).toBe(1)
      process.kill(server.pid, 'SIGTERM')
      await expect
        .poll(() => server.output(), { timeout: EVENTUALLY_MS })
        .toMatch(/SIGTERM: stopping/)
      // The server takes no new connection while it waits for the call in flight.
      await expect(call(port, '/api/environments')).rejects.toThrow(/ECONNREFUSED/)
      answer?.()
      const res = await check
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({ request_id: 'abcdef0123456789abcdef0123456789', status: '0' })
      expect(await server.exited).toBe(0)
      expect(server.output()).toMatch(
        /env=live endpoint=check method=POST http=200 status="0" request_id=abcdef0123456789abcdef0123456789/,
      )
      expect(server.output()).toContain('The calls in flight have finished.')
      expect(server.output()).not.toContain('918273')
    } finally {
      await server.stop()
      await upstream.close()
    }
  })
})
