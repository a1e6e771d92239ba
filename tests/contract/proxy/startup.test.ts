/** The start-up rule: listening beyond loopback needs VERIFY_DESK_TOKEN, in dev and in serve. */
import { spawn } from 'node:child_process'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, preview, type ViteDevServer } from 'vite'
import { afterEach, describe, expect, it } from 'vitest'
import { recordingLogger } from './support'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const configFile = path.join(root, 'vite.config.ts')
const saved = { ...process.env }

afterEach(() => {
  process.env = { ...saved }
})

const quiet = () => ({
  configFile,
  root,
  customLogger: recordingLogger().logger,
  clearScreen: false,
})

describe('token rule at start-up', () => {
  it.each(['0.0.0.0', '192.168.1.20'])(
    'refuses to start the dev server on %s without a token',
    async (host) => {
      delete process.env.VERIFY_DESK_TOKEN
      await expect(
        createServer({ ...quiet(), server: { host, port: 0, hmr: false, watch: null } }),
      ).rejects.toThrow(/Refusing to start.*Set VERIFY_DESK_TOKEN/)
    },
  )

  it('refuses to start the production server on all interfaces without a token', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    await expect(preview({ ...quiet(), preview: { host: true, port: 0 } })).rejects.toThrow(
      /all network interfaces.*VERIFY_DESK_TOKEN/,
    )
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
    expect(mounted(server)).toEqual(
      expect.arrayContaining([
        '/sandbox verifyDeskSandboxMiddleware',
        '/api verifyDeskProxyMiddleware',
      ]),
    )
    await server.close()
  })

  it('starts on loopback without a token', async () => {
    delete process.env.VERIFY_DESK_TOKEN
    const server = await createServer({
      ...quiet(),
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    })
    expect(mounted(server)).toContain('/api verifyDeskProxyMiddleware')
    await server.close()
  })

  it('takes the production server address from VERIFY_DESK_HOST and VERIFY_DESK_PORT', async () => {
    const probe = createTcpServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const free = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    delete process.env.VERIFY_DESK_TOKEN
    Object.assign(process.env, { VERIFY_DESK_HOST: '127.0.0.1', VERIFY_DESK_PORT: String(free) })
    const server = await preview({ ...quiet(), preview: { port: 0 } })
    try {
      expect(server.httpServer.address()).toMatchObject({ address: '127.0.0.1', port: free })
    } finally {
      await server.close()
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
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    clearTimeout(timer)
    expect(code).not.toBe(0)
    expect(output).toMatch(/Refusing to start: this server would listen on "0\.0\.0\.0"/)
    expect(output).toMatch(/VERIFY_DESK_TOKEN/)
  })
})
