import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (where package.json and vite.config.ts live). */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url))

const viteBin = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url))
/**
 * The project's vite.config.ts with the sandbox state in memory, a dependency cache of its own and no
 * hot reload (see the file): a test server never touches a `npm run dev` open in the same checkout.
 */
const e2eConfig = fileURLToPath(new URL('./vite.e2e.config.ts', import.meta.url))
/** Where a dev server started here finds its temporary dependency cache (read by vite.e2e.config.ts). */
export const E2E_CACHE_DIR_VAR = 'E2E_VITE_CACHE_DIR'

export interface StartServerOptions {
  /**
   * `dev`: the Vite dev server (`npm run dev`, with a temporary dependency cache of its own);
   * `preview`: the production server (`npm run serve`) over an existing build in `outDir`. Both keep
   * the sandbox state in memory (never in `.data/sandbox/state.json`).
   * @default 'dev'
   */
  mode?: 'dev' | 'preview'
  /** The build folder served in `preview` mode (see {@link buildApp}). Required for `preview`. */
  outDir?: string
  /** Extra environment for the server process (live credentials are removed unless given here). */
  env?: Record<string, string>
  /**
   * How long to wait for the server to answer.
   * @default 60_000
   */
  timeoutMs?: number
  /**
   * The port to listen on, e.g. that of a server just closed, to restart it at the same address
   * (the pages open in a browser keep talking to it). @default a free port
   */
  port?: number
}

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** The server's stdout + stderr so far (for failure messages). */
  output(): string
  /** Stops the server process (idempotent). */
  close(): Promise<void>
}

const running = new Set<ChildProcess>()
const tempDirs = new Set<string>()
// Safety net: a server must never outlive the test process, even when teardown never runs.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
  for (const dir of tempDirs) removeDir(dir)
})

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/**
 * A child environment: no test-runner leftovers, no live credentials (tests use the sandbox) and no
 * server settings from the caller's shell (`VERIFY_DESK_PORT` would move the preview server).
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
  for (const key of Object.keys(env)) {
    if (/^(VITEST|VONAGE_|VERIFY_DESK_)/.test(key)) delete env[key]
  }
  delete env.NODE_ENV
  delete env.TEST
  return { ...env, ...extra }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))))
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child)
      return resolve()
    }
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      running.delete(child)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('server exited')
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      await res.body?.cancel()
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`)
}

async function startOnce(options: StartServerOptions): Promise<RunningServer> {
  const mode = options.mode ?? 'dev'
  const port = options.port ?? (await getFreePort())
  const args = [viteBin]
  if (mode === 'preview') {
    if (!options.outDir) throw new Error('startServer({ mode: "preview" }) needs an outDir')
    args.push('preview', '--outDir', options.outDir)
  }
  args.push('--config', e2eConfig, '--host', '127.0.0.1', '--port', String(port), '--strictPort')

  const cacheDir = mkdtempSync(join(tmpdir(), 'verify-desk-e2e-vite-'))
  tempDirs.add(cacheDir)
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: childEnv({ ...options.env, [E2E_CACHE_DIR_VAR]: cacheDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))

  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(`${url}/`, child, options.timeoutMs ?? 60_000)
  } catch (err) {
    await stop(child)
    removeDir(cacheDir)
    const reason = err instanceof Error ? err.message : String(err)
    throw Object.assign(new Error(`vite ${mode} did not start (${reason}):\n${output}`), {
      portInUse: /already in use/i.test(output),
    })
  }
  const close = async () => {
    await stop(child)
    removeDir(cacheDir)
  }
  return { url, output: () => output, close }
}

/**
 * Starts the real app server (the project's vite.config.ts, hence its server plugin) on a free port
 * of 127.0.0.1 and resolves once it answers `GET /`. Always `close()` it (e.g. in `afterAll`).
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options)
    } catch (err) {
      // Another process may grab the free port between the probe and the listen: try another one.
      const portInUse = (err as { portInUse?: boolean }).portInUse === true
      if (!portInUse || attempt >= 3 || options.port !== undefined) throw err
    }
  }
}

/** Runs `vite build` (the production build `npm run serve` serves) into `outDir`. */
export function buildApp(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: projectRoot, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    )
    running.add(child)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      running.delete(child)
      if (code === 0) resolve()
      else reject(new Error(`vite build failed (exit ${code}):\n${output}`))
    })
  })
}
