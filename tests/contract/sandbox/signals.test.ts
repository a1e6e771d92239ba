import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventually } from '../../support/eventually'
import { spawnCli, type RunningCli } from './support/cli'

// Tests here start Node processes (the standalone sandbox, compiled anew on each start; a Vite
// server; a host script): on a busy machine one start can take many seconds, so their time limit
// is set only to catch a hang.
vi.setConfig({ testTimeout: 120_000 })

// Ctrl-C (SIGINT) or SIGTERM on a process with no handler of its own for it (`npm run dev`: Vite's
// dev server has none for SIGINT) kills it without 'exit'. The sandbox then writes its final
// snapshot, releases its lock and lets the signal kill the process as before. A process with its own
// handler (`npm run serve`, the standalone sandbox) keeps it: that handler decides when to exit.
const root = fileURLToPath(new URL('../../..', import.meta.url))
let dir: string
let stateFile: string
let lockFile: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-signals-'))
  stateFile = join(dir, 'state.json')
  lockFile = `${stateFile}.lock`
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The test runner's environment without its own and the servers' settings, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  for (const name of Object.keys(env)) {
    if (/^(VITEST|VONAGE_|VERIFY_DESK_|SANDBOX_)/.test(name)) delete env[name]
  }
  delete env.NODE_ENV
  return { ...env, ...extra }
}

/** A process hosting a sandbox on `stateFile` (snapshots only on close or exit), after one request. */
const HOST = `
const { createSandbox } = await import(process.env.SANDBOX_MODULE)
const sandbox = createSandbox({
  stateFile: process.env.STATE_FILE,
  saveDelayMs: 600000,
  logger: { info: (m) => console.error(m), warn: (m) => console.error(m) },
})
if (process.env.OWN_HANDLER) {
  process.on(process.env.OWN_HANDLER, (signal) => {
    console.log('own handler ' + signal)
    setTimeout(() => process.exit(3), 20)
  })
}
const auth = 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64')
const response = await sandbox.fetch(
  new Request('http://sandbox/verify/json', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '447700900123', brand: 'Acme' }),
  }),
)
const answer = await response.json()
setInterval(() => {}, 1000)
console.log('ready ' + answer.request_id)
`

interface Ended {
  id: string
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Starts the host, sends it `signal` once it made its request, and waits for it to end. */
async function signalHost(signal: NodeJS.Signals, env: Record<string, string> = {}) {
  const script = join(dir, 'host.mjs')
  writeFileSync(script, HOST)
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: {
      ...process.env,
      SANDBOX_MODULE: pathToFileURL(join(root, 'server/sandbox/index.ts')).href,
      STATE_FILE: stateFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  // 'close', not 'exit': at 'exit' what it printed last may still be unread in the pipes.
  const ended = new Promise<Omit<Ended, 'id'>>((r) =>
    child.once('close', (code, sig) => r({ code, signal: sig, stdout, stderr })),
  )
  const id = await new Promise<string>((ok, fail) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      const m = /ready (\w+)\n/.exec(stdout)
      if (m) ok(m[1] as string)
    })
    child.once('exit', () => fail(new Error(`the host exited early: ${stdout}${stderr}`)))
  })
  // Running: it holds the lock, and the request is in the journal only (no snapshot yet).
  expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: child.pid })
  expect(existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '').not.toContain(id)
  child.kill(signal)
  return { id, ...(await ended) }
}

describe('a sandbox in a process stopped by a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'with no other handler for %s: writes its snapshot, releases its lock, and the signal still ends the process',
    async (signal) => {
      const ended = await signalHost(signal)
      expect(ended.signal).toBe(signal)
      expect(ended.code).toBeNull()
      expect(ended.stderr).toBe('')
      expect(existsSync(lockFile)).toBe(false)
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        engine: { requests: { id: string; status: string }[] }
      }
      expect(state.engine.requests).toEqual([
        expect.objectContaining({ id: ended.id, status: 'IN PROGRESS' }),
      ])
    },
  )

  it('with a handler of its own: leaves stopping to it, and saves and releases when it exits', async () => {
    const ended = await signalHost('SIGINT', { OWN_HANDLER: 'SIGINT' })
    expect(ended.stdout).toContain('own handler SIGINT')
    expect(ended.signal).toBeNull()
    expect(ended.code).toBe(3)
    expect(existsSync(lockFile)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toContain(ended.id)
  })

  it('a handler of its own for the other signal only does not stop the sandbox from saving on this one', async () => {
    const ended = await signalHost('SIGINT', { OWN_HANDLER: 'SIGTERM' })
    expect(ended.signal).toBe('SIGINT')
    expect(ended.stdout).not.toContain('own handler')
    expect(existsSync(lockFile)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toContain(ended.id)
  })
})

/**
 * `vite <args>` on a free port of 127.0.0.1 with its sandbox on `stateFile`: `base` once it prints
 * its URL, `output` so far, `ended` when it exits, `stop()` kills it if it still runs.
 */
function startVite(args: string[]) {
  const child = spawn(
    join(root, 'node_modules/.bin/vite'),
    [...args, '--host', '127.0.0.1', '--port', '0'],
    {
      cwd: root,
      env: childEnv({ SANDBOX_STATE_FILE: stateFile }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  // 'close', not 'exit': at 'exit' what it printed last (a warning as it stops) may still be
  // unread in the pipes.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('close', (code, signal) => r({ code, signal })),
  )
  const base = new Promise<string>((ok, fail) => {
    const add = (c: Buffer) => {
      output += c.toString()
      const m = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
      if (m) ok(m[1] as string)
    }
    child.stdout.on('data', add)
    child.stderr.on('data', add)
    child.once('exit', () => fail(new Error(`vite exited early: ${output}`)))
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await ended
  }
  return { child, base, ended, stop, output: () => output }
}

const AUTH = 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64')

/** Starts a request for `number` in the sandbox of the server at `base`; its request_id. */
async function startRequest(base: string, number: string) {
  const response = await fetch(`${base}/sandbox/verify/json`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ number, brand: 'Acme' }),
  })
  return ((await response.json()) as { request_id: string }).request_id
}

describe('`npm run dev` and `npm run serve` stopped with Ctrl-C (SIGINT)', () => {
  /** Starts `vite <args>` with its sandbox on `stateFile`, makes one request, then sends SIGINT. */
  async function interruptVite(args: string[]) {
    const vite = startVite(args)
    try {
      const id = await startRequest(await vite.base, '447700900124')
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: vite.child.pid })
      vite.child.kill('SIGINT')
      return { id, ...(await vite.ended), output: vite.output }
    } finally {
      await vite.stop()
    }
  }

  it('dev (no SIGINT handler of its own): saves, releases the lock and dies of the signal', async () => {
    const ended = await interruptVite([])
    expect(ended.signal).toBe('SIGINT')
    expect(existsSync(lockFile)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toContain(ended.id)
  })

  it('serve (its own graceful stop): stops as before, exit code 0, saved and released', async () => {
    const built = join(dir, 'dist')
    mkdirSync(built)
    writeFileSync(join(built, 'index.html'), '<!doctype html><div id="app"></div>\n')
    const ended = await interruptVite(['preview', '--outDir', built])
    expect(ended.output()).toMatch(/SIGINT: stopping/)
    expect(ended.code).toBe(0)
    expect(ended.signal).toBeNull()
    expect(existsSync(lockFile)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toContain(ended.id)
  })
})

describe('`npm run serve` / `npm run dev` whose sandbox waits for a file `npm run sandbox` holds', () => {
  const holders: RunningCli[] = []
  afterEach(async () => {
    for (const holder of holders.splice(0)) await holder.stop('SIGKILL')
  })

  /** The standalone sandbox holding `stateFile`, with one request of its own. */
  async function standalone() {
    const holder = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--state', stateFile])
    holders.push(holder)
    const response = await fetch(
      `${holder.base}/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=447700900125&brand=Acme`,
    )
    const id = ((await response.json()) as { request_id: string }).request_id
    await vi.waitFor(() => expect(onDisk()).toContain(id), { timeout: 15_000, interval: 100 })
    return { holder, id }
  }

  /** The state file and its journal as they are on disk now. */
  const onDisk = () =>
    [stateFile, `${stateFile}.journal`]
      .map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : ''))
      .join('\n')

  /** `vite <args>` on `stateFile`, once it has made one request in its sandbox (in memory). */
  async function viteWaiting(args: string[]) {
    const vite = startVite(args)
    stops.push(vite.stop)
    const base = await vite.base
    // The warning goes to stderr and the URL to stdout: two pipes, read in no set order.
    await eventually(() => expect(vite.output()).toMatch(/keeps its\s+requests in memory only/))
    const id = await startRequest(base, '447700900126')
    expect(onDisk()).not.toContain(id)
    return { child: vite.child, base, id, ended: vite.ended, output: vite.output }
  }
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  const preview = () => {
    const built = join(dir, 'dist')
    mkdirSync(built, { recursive: true })
    writeFileSync(join(built, 'index.html'), '<!doctype html><div id="app"></div>\n')
    return viteWaiting(['preview', '--outDir', built])
  }

  it('serve: the standalone one stops while it runs: its requests go into the file and GET /__admin/ says saved', async () => {
    const { holder, id: theirs } = await standalone()
    const serve = await preview()
    await holder.stop('SIGTERM')
    // Polled with a deadline (no request to it in between: it notices by itself).
    await vi.waitFor(() => expect(onDisk()).toContain(serve.id), { timeout: 15_000, interval: 100 })
    const info = (await (await fetch(`${serve.base}/sandbox/__admin/`)).json()) as {
      state: Record<string, unknown>
    }
    expect(info.state).toEqual({ file: stateFile, saved: true })
    expect(serve.output()).toMatch(/is free again \(process \d+ has stopped\)/)
    expect(onDisk()).toContain(theirs)
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: serve.child.pid })
  })

  it('serve: the standalone one stops and serve gets SIGTERM at once: its requests are in the file, the lock released', async () => {
    const { holder, id: theirs } = await standalone()
    const serve = await preview()
    await holder.stop('SIGTERM')
    serve.child.kill('SIGTERM')
    expect(await serve.ended).toEqual({ code: 0, signal: null })
    expect(readFileSync(stateFile, 'utf8')).toContain(serve.id)
    expect(readFileSync(stateFile, 'utf8')).toContain(theirs)
    expect(existsSync(lockFile)).toBe(false)
  })

  it('dev: the standalone one stops and dev gets Ctrl-C (SIGINT) at once: its requests are in the file', async () => {
    const { holder, id: theirs } = await standalone()
    const dev = await viteWaiting([])
    await holder.stop('SIGTERM')
    dev.child.kill('SIGINT')
    expect((await dev.ended).signal).toBe('SIGINT')
    expect(readFileSync(stateFile, 'utf8')).toContain(dev.id)
    expect(readFileSync(stateFile, 'utf8')).toContain(theirs)
    expect(existsSync(lockFile)).toBe(false)
  })

  it('serve: the standalone one still runs at SIGTERM: its file is untouched and serve says its requests are lost', async () => {
    const { holder, id: theirs } = await standalone()
    // Its own writing done (its snapshot holds the request, its journal is folded into it): from
    // here on only serve could change the files.
    await eventually(() => {
      expect(existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '').toContain(theirs)
      expect(readFileSync(`${stateFile}.journal`, 'utf8')).toBe('')
    })
    const serve = await preview()
    const before = onDisk()
    serve.child.kill('SIGTERM')
    expect(await serve.ended).toEqual({ code: 0, signal: null })
    expect(onDisk()).toBe(before)
    expect(onDisk()).not.toContain(serve.id)
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: holder.pid })
    expect(serve.output()).toMatch(
      new RegExp(`still in use by process ${holder.pid}: the 1 request\\(s\\) .*not saved`),
    )
    // The standalone one is unharmed.
    const search = await fetch(
      `${holder.base}/verify/search/json?api_key=sandbox&api_secret=sandbox-secret&request_id=${serve.id}`,
    )
    expect(((await search.json()) as { status: string }).status).toBe('101')
  })
})
