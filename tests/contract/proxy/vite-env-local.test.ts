/**
 * Live credentials from a git-ignored `.env.local` in the project root, loaded the Vite way: the dev
 * server (the project's own vite.config.ts) runs on a temporary root that holds only that file, a
 * page and a module. Nothing comes from the process environment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startDevServer, unsetting, type DevServer } from './support'

const KEY = 'ef56a1b2'
const SECRET = 'env-local-Secret-7c3d9e'
let root: string
let dev: DevServer
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
  dev = await startDevServer(unsetting(/^(VONAGE_|VERIFY_DESK_)/), root)
  port = dev.port
}, 60_000)

afterAll(async () => {
  await dev?.close()
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
    dev.server.printUrls()
    const lines = dev.log.lines.join('\n')
    expect(lines).toMatch(/Live: +on, key ef56…/)
    expect(lines).not.toContain(SECRET)
  })
})
