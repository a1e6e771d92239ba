import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
   * The port of a server of this test file just closed, to restart it at the same address (the
   * pages open in a browser keep talking to it): start that server `restartable`, or its port may
   * have gone to another process meanwhile. @default a port the system chooses as Vite listens
   */
  port?: number
  /**
   * Listen on a port that the system never hands out by itself, from a range of this test file's
   * worker that no other worker of the run uses (see {@link restartablePort}), so that the port is
   * still free when the server is restarted on it (`port`). Only for servers a test restarts.
   * @default false
   */
  restartable?: boolean
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
 * server or sandbox settings from the caller's shell (`VERIFY_DESK_PORT` would move the preview
 * server, `SANDBOX_STATE_FILE` would have the tests write into the caller's sandbox state).
 */
export function childEnv(
  extra: Record<string, string> = {},
  from: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...from, NO_COLOR: '1', FORCE_COLOR: '0' }
  for (const key of Object.keys(env)) {
    if (/^(VITEST|VONAGE_|VERIFY_DESK_|SANDBOX_)/.test(key)) delete env[key]
  }
  delete env.NODE_ENV
  delete env.TEST
  return { ...env, ...extra }
}

/**
 * The first port the system hands out by itself to a socket bound to port 0 or connecting out (on
 * Linux `ip_local_port_range`, elsewhere the IANA range from 49152): no server started on port 0
 * (another test server, the browser's server, any other program) and no outgoing connection ever
 * gets a port below it.
 */
function automaticPortsStart(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    )
    if (Number.isInteger(low) && low > 4096) return low
  } catch {
    // not Linux
  }
  return 49_152
}

/** Workers with a restartable range each (the run's main process, then workers 1 to 7). */
const RESTARTABLE_SLICES = 8
/** Ports of the restartable ranges, all below the automatic ones. */
const RESTARTABLE_PORTS = 12_800

/**
 * A port for a server a test will restart at the same address: below the ports the system hands out
 * by itself, and in the slice of the range that belongs to this worker (`VITEST_POOL_ID`, different
 * for every test file running at the same time), so that while the server is down neither a server
 * on port 0 nor a restartable server of another file running at the same time can take it. Random
 * within the slice: a port some other program listens on already is seen by Vite and another one
 * tried.
 */
export function restartablePort(): number {
  const end = automaticPortsStart()
  const start = Math.max(1_024, end - RESTARTABLE_PORTS)
  const size = Math.floor((end - start) / RESTARTABLE_SLICES)
  const slice = Number(process.env.VITEST_POOL_ID ?? '0') % RESTARTABLE_SLICES
  return start + slice * size + Math.floor(Math.random() * size)
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

/** The address Vite prints once it listens (`Local:   http://127.0.0.1:41234/`). */
const LISTENING = /Local:\s+http:\/\/127\.0\.0\.1:(\d+)\//

/**
 * Resolves with the port the server process itself says it listens on: an answer on a port is never
 * taken for this server's before that (another process may hold the port, and this one then fails).
 */
function listeningPort(
  child: ChildProcess,
  output: () => string,
  deadline: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const port = LISTENING.exec(output())?.[1]
      if (port) return done(() => resolve(Number(port)))
      if (child.exitCode !== null || child.signalCode !== null) {
        return done(() => reject(new Error('server exited')))
      }
      if (Date.now() >= deadline) {
        done(() => reject(new Error('it did not say it was listening in time')))
      }
    }
    const timer = setInterval(check, 100)
    const done = (settle: () => void) => {
      clearInterval(timer)
      child.off('exit', check)
      settle()
    }
    child.on('exit', check)
    check()
  })
}

/** Resolves once `url` answers OK, the server process (which listens there) still running. */
async function waitUntilServing(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('server exited')
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      await res.body?.cancel()
      if (res.ok) return
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no answer from ${url}`)
}

async function startOnce(options: StartServerOptions, port: number): Promise<RunningServer> {
  const mode = options.mode ?? 'dev'
  const args = [viteBin]
  if (mode === 'preview') {
    if (!options.outDir) throw new Error('startServer({ mode: "preview" }) needs an outDir')
    args.push('preview', '--outDir', options.outDir)
  }
  // Port 0: Vite listens on a port the system chooses, and says which.
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

  const timeoutMs = options.timeoutMs ?? 60_000
  const deadline = Date.now() + timeoutMs
  let url = `http://127.0.0.1:${port}`
  try {
    const listening = await listeningPort(child, () => output, deadline)
    if (port !== 0 && listening !== port) throw new Error(`it listens on ${listening}`)
    url = `http://127.0.0.1:${listening}`
    await waitUntilServing(`${url}/`, child, deadline)
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
 * Starts the real app server (the project's vite.config.ts, hence its server plugin) on
 * 127.0.0.1 and resolves once it answers `GET /`: on a port the system chooses as it listens, on
 * a {@link restartablePort} (`restartable`), or on `port`. Always `close()` it (e.g. in `afterAll`).
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  if (options.port !== undefined) return startOnce(options, options.port)
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.restartable ? restartablePort() : 0)
    } catch (err) {
      // A restartable port some other program listens on; or, on port 0, the port Vite found free
      // taken by another process before Vite listened on it: Vite said so and stopped, try again.
      const portInUse = (err as { portInUse?: boolean }).portInUse === true
      if (!portInUse || attempt >= 5) throw err
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
