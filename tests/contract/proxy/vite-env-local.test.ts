/**
 * Live credentials from a git-ignored `.env.local` in the project root, loaded the Vite way: the dev
 * server (the project's own vite.config.ts) runs on a temporary root that holds only that file, a
 * page and a module. Nothing comes from the process environment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, recordingLogger } from './support'

const configFile = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url))
const KEY = 'ef56a1b2'
const SECRET = 'env-local-Secret-7c3d9e'
const saved = { ...process.env }
const log = recordingLogger()
let root: string
let server: ViteDevServer
let port: number

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'verify-desk-env-local-'))
  await writeFile(
    path.join(root, '.env.local'),
    `# git-ignored, never committed\nVONAGE_API_KEY=${KEY}\nVONAGE_API_SECRET=${SECRET}\n`,
  )
  // A page and a module that try to read the variables the ways a browser bundle could.
  await writeFile(
    path.join(root, 'index.html'),
    '<!doctype html><p>%VONAGE_API_SECRET% %VONAGE_API_KEY%</p>' +
      '<div id="app"></div><script type="module" src="/probe.ts"></script>\n',
  )
  await writeFile(path.join(root, 'probe.ts'), 'export const env = { ...import.meta.env }\n')
  for (const name of Object.keys(process.env)) {
    if (/^(VONAGE_|VERIFY_DESK_)/.test(name)) delete process.env[name]
  }
  server = await createServer({
    configFile,
    root,
    customLogger: log.logger,
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  })
  await server.listen()
  port = (server.httpServer?.address() as AddressInfo).port
}, 60_000)

afterAll(async () => {
  await server?.close()
  process.env = saved
  if (root) await rm(root, { recursive: true, force: true })
})

describe('live credentials from .env.local', () => {
  it('turn live on, and /api/environments shows only the key hint', async () => {
    const res = await call(port, '/api/environments')
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({
      environments: [
        { id: 'sandbox', available: true },
        { id: 'live', available: true, keyHint: 'ef56…' },
      ],
    })
    expect(res.body).not.toContain(SECRET)
    expect(res.body).not.toContain(KEY)
    expect(JSON.stringify(res.headers)).not.toContain(SECRET)
  })

  it('never reach the page, the modules or the start-up banner', async () => {
    const served = [
      await call(port, '/', { headers: { accept: 'text/html' } }),
      await call(port, '/probe.ts'),
      await call(port, '/@vite/env'),
    ]
    expect(served.map((res) => res.status)).toEqual([200, 200, 200])
    expect(served[1]?.body).toContain('import.meta.env')
    for (const res of served) {
      expect(res.body).not.toContain(SECRET)
      expect(res.body).not.toContain(KEY)
    }
    server.printUrls()
    const lines = log.lines.join('\n')
    expect(lines).toMatch(/Live: +on, key ef56…/)
    expect(lines).not.toContain(SECRET)
  })
})
