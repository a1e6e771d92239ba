/** The start-up rule: listening beyond loopback needs VERIFY_DESK_TOKEN, in dev and in serve. */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, preview, type ViteDevServer } from 'vite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, holdPort, recordingLogger } from './support'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const configFile = path.join(root, 'vite.config.ts')
const saved = { ...process.env }
/** A stand-in build (an index.html is all the production server checks for at start-up). */
let outDir: string

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'verify-desk-startup-'))
  await writeFile(path.join(outDir, 'index.html'), '<!doctype html><div id="app"></div>\n')
})

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

afterEach(() => {
  process.env = { ...saved }
})

const quiet = () => ({
  configFile,
  root,
  customLogger: recordingLogger().logger,
  clearScreen: false,
})

/**
 * Expects the server to refuse to start with this reason. One that starts anyway is closed before
 * the test fails, so a regression cannot leave a server listening (on all interfaces, even).
 */
async function expectRefusal(
  start: () => Promise<{ close(): Promise<void> }>,
  reason: RegExp,
): Promise<void> {
  let server: { close(): Promise<void> }
  try {
    server = await start()
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(reason)
    return
  }
  await server.close()
  expect.fail(`the server started although it should have refused (${reason})`)
}

describe('live upstream rule at start-up', () => {
  it.each([
    [
      'the dev server',
      () =>
        createServer({
          ...quiet(),
          server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
        }),
    ],
    [
      'the production server',
      () => preview({ ...quiet(), build: { outDir }, preview: { host: '127.0.0.1', port: 0 } }),
    ],
  ])(
    'refuses http:// to another machine, which would carry the secret in clear (%s)',
    async (_, start) => {
      process.env.VONAGE_API_KEY = 'live1234'
      process.env.VONAGE_API_SECRET = 'LiveSecret-9f8e7d6c'
      process.env.VONAGE_API_HOST = 'http://remote-host'
      await expectRefusal(
        start,
        /VONAGE_API_HOST must use https for a host other than this machine: over http:\/\/remote-host the API secret would travel unencrypted/,
      )
    },
  )
})

describe('token rule at start-up', () => {
  it.each(['0.0.0.0', '192.168.1.20'])(
    'refuses to start the dev server on %s without a token',
    async (host) => {
      delete process.env.VERIFY_DESK_TOKEN
      await expectRefusal(
        () => createServer({ ...quiet(), server: { host, port: 0, hmr: false, watch: null } }),
        /Refusing to start.*Set VERIFY_DESK_TOKEN/,
      )
    },
  )

  it('refuses to start the production server on all interfaces without a token', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    await expectRefusal(
      () => preview({ ...quiet(), build: { outDir }, preview: { host: true, port: 0 } }),
      /all network interfaces \(set by --host or preview\.host\).*VERIFY_DESK_TOKEN/,
    )
  })

  it('names VERIFY_DESK_HOST when that variable is what opens the production server', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    process.env.VERIFY_DESK_HOST = '0.0.0.0'
    await expectRefusal(
      () => preview({ ...quiet(), build: { outDir }, preview: { port: 0 } }),
      /"0\.0\.0\.0" \(set by VERIFY_DESK_HOST\).*unset VERIFY_DESK_HOST/,
    )
  })

  it.each([
    [
      'the dev server',
      () =>
        createServer({ ...quiet(), server: { host: '0.0.0.0', port: 0, hmr: false, watch: null } }),
    ],
    [
      'the production server',
      () => preview({ ...quiet(), build: { outDir }, preview: { host: '0.0.0.0', port: 0 } }),
    ],
  ])('refuses a token shorter than 16 characters beyond loopback (%s)', async (_, start) => {
    process.env.VERIFY_DESK_TOKEN = 'fifteen-chars15'
    await expectRefusal(
      start,
      /Refusing to start: VERIFY_DESK_TOKEN is shorter than 16 characters and this server would listen on "0\.0\.0\.0"/,
    )
  })

  it.each([
    ['a euro sign', 'tok€-0123456789abcdef0123'],
    ['a space', 'token with a space 0123456789'],
  ])('refuses a token a browser cannot send in a header (%s), on loopback too', async (_, t) => {
    process.env.VERIFY_DESK_TOKEN = t
    await expectRefusal(
      () =>
        createServer({
          ...quiet(),
          server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
        }),
      /Refusing to start: VERIFY_DESK_TOKEN may hold only printable ASCII characters/,
    )
  })

  it('only warns about a short token on loopback', async () => {
    process.env.VERIFY_DESK_TOKEN = 'short'
    const log = recordingLogger()
    const server = await createServer({
      ...quiet(),
      customLogger: log.logger,
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    })
    try {
      expect(log.lines.join('\n')).toMatch(/VERIFY_DESK_TOKEN is shorter than 16 characters/)
    } finally {
      await server.close()
    }
  })

  it('refuses to start the production server without a build, saying to run npm run build', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    const empty = await mkdtemp(path.join(tmpdir(), 'verify-desk-nobuild-'))
    try {
      await expectRefusal(
        () =>
          preview({
            ...quiet(),
            build: { outDir: empty },
            preview: { host: '127.0.0.1', port: 0 },
          }),
        /Refusing to start: no build in .*index\.html is missing.*run `npm run build` first/,
      )
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  const mounted = (server: ViteDevServer) =>
    server.middlewares.stack.map(
      (layer) => `${layer.route} ${(layer.handle as { name: string }).name}`,
    )

  it('starts on all interfaces when a token is set, with the named middlewares mounted', async () => {
    process.env.VERIFY_DESK_TOKEN = 'a-long-enough-random-token-value'
    const server = await createServer({
      ...quiet(),
      server: { host: '0.0.0.0', port: 0, hmr: false, watch: null },
    })
    try {
      expect(mounted(server)).toEqual(
        expect.arrayContaining([
          '/sandbox verifyDeskSandboxMiddleware',
          '/api verifyDeskProxyMiddleware',
        ]),
      )
    } finally {
      await server.close()
    }
  })

  it('starts on loopback without a token', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    const server = await createServer({
      ...quiet(),
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    })
    try {
      expect(mounted(server)).toContain('/api verifyDeskProxyMiddleware')
    } finally {
      await server.close()
    }
  })

  it('takes the production server address from VERIFY_DESK_HOST and VERIFY_DESK_PORT', async () => {
    const free = await freePort()
    delete process.env.VERIFY_DESK_TOKEN
    Object.assign(process.env, { VERIFY_DESK_HOST: '127.0.0.1', VERIFY_DESK_PORT: String(free) })
    const server = await preview({ ...quiet(), build: { outDir } })
    try {
      expect(server.httpServer.address()).toMatchObject({ address: '127.0.0.1', port: free })
    } finally {
      await server.close()
    }
  })

  it('lets an explicit host and port win over VERIFY_DESK_HOST and VERIFY_DESK_PORT', async () => {
    const [fromEnv, explicit] = [await freePort(), await freePort()]
    delete process.env.VERIFY_DESK_TOKEN
    Object.assign(process.env, { VERIFY_DESK_HOST: '0.0.0.0', VERIFY_DESK_PORT: String(fromEnv) })
    const server = await preview({
      ...quiet(),
      build: { outDir },
      preview: { host: '127.0.0.1', port: explicit, strictPort: true },
    })
    try {
      expect(server.httpServer.address()).toMatchObject({ address: '127.0.0.1', port: explicit })
    } finally {
      await server.close()
    }
  })

  it('refuses a VERIFY_DESK_PORT that is not a port number', async () => {
    process.env.VERIFY_DESK_PORT = 'eighty'
    await expectRefusal(
      () => preview({ ...quiet(), build: { outDir } }),
      /VERIFY_DESK_PORT must be a port number \(1-65535\), not "eighty"/,
    )
  })

  it('refuses a busy port in one line naming the port, before taking the sandbox state', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    const state = await mkdtemp(path.join(tmpdir(), 'verify-desk-busy-'))
    process.env.SANDBOX_STATE_FILE = path.join(state, 'state.json')
    const { port, close } = await holdPort()
    try {
      await expectRefusal(
        () => preview({ ...quiet(), build: { outDir }, preview: { host: '127.0.0.1', port } }),
        new RegExp(
          `^\\[verify-desk\\] Refusing to start: port ${port} is already in use .*--port <port>`,
        ),
      )
      // Refused before the sandbox opened its state file: no lock left behind for the next start.
      expect(await readdir(state)).toEqual([])
    } finally {
      await close()
      await rm(state, { recursive: true, force: true })
    }
  })

  it('`vite --host` exits with the reason on the command line', async () => {
    const env = { ...saved }
    delete env.VERIFY_DESK_TOKEN
    const child = spawn(
      path.join(root, 'node_modules/.bin/vite'),
      ['--host', '0.0.0.0', '--port', '0', '--strictPort'],
      {
        cwd: root,
        env: { ...env, VITEST: undefined, CI: '1' } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // Killed only as hung: past any start-up on a busy machine, within the test's 60 s.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    clearTimeout(timer)
    expect(code).not.toBe(0)
    expect(output).toMatch(/Refusing to start: this server would listen on "0\.0\.0\.0"/)
    expect(output).toMatch(/VERIFY_DESK_TOKEN/)
    expect(output).not.toMatch(/^\s+at /m) // the reason alone, no stack trace
  })
})
