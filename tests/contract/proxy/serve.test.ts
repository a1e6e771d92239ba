/**
 * The production path: `vite build` with live credentials in the environment (the output must not
 * contain them), then `vite preview` with the plugin serving that output (`npm run serve`).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { build, preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, expectHostAllowlist, json, openEventStream, recordingLogger } from './support'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const configFile = path.join(root, 'vite.config.ts')

const SECRETS = {
  key: 'bk7Q2xZp',
  secret: 'build-secret-Zq81-xY0pLm',
  token: 'token-from-env-local-5b7c9d1e3f',
}

const saved = { ...process.env }
let work: string
let outDir: string
let server: PreviewServer
let port: number
const log = recordingLogger()

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'verify-desk-serve-'))
  outDir = path.join(work, 'dist')
  const envDir = path.join(work, 'env')
  await (await import('node:fs/promises')).mkdir(envDir)
  // Like a developer's git-ignored .env.local: the token comes from the file, the keys from the shell.
  await writeFile(path.join(envDir, '.env.local'), `VERIFY_DESK_TOKEN=${SECRETS.token}\n`)
  Object.assign(process.env, {
    VONAGE_API_KEY: SECRETS.key,
    VONAGE_API_SECRET: SECRETS.secret,
    VERIFY_DESK_ALLOWED_HOSTS: 'desk.example.com,.corp.example',
  })
  delete process.env.VERIFY_DESK_TOKEN
  delete process.env.VONAGE_API_HOST
  await build({
    configFile,
    root,
    envDir,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  })
  server = await preview({
    configFile,
    root,
    envDir,
    customLogger: log.logger,
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  })
  port = (server.httpServer.address() as AddressInfo).port
}, 180_000)

afterAll(async () => {
  await server?.close()
  process.env = saved
  if (work) await rm(work, { recursive: true, force: true })
})

const auth = { 'x-verify-desk-token': SECRETS.token }

/** A GET whose body is kept as bytes (it may be compressed). */
function raw(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: pathname,
            headers: { ...auth, ...headers },
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (chunk: Buffer) => chunks.push(chunk))
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
              }),
            )
            res.on('error', reject)
          },
        )
        .on('error', reject)
    },
  )
}

const varyList = (headers: http.IncomingHttpHeaders) =>
  String(headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())

describe('the build output', () => {
  it('contains neither the API key, the secret nor the access token in any file', async () => {
    const files = await filesUnder(outDir)
    expect(files.some((f) => f.endsWith('index.html'))).toBe(true)
    expect(files.some((f) => f.endsWith('.js'))).toBe(true)
    const basic = Buffer.from(`${SECRETS.key}:${SECRETS.secret}`).toString('base64')
    for (const file of files) {
      const text = (await readFile(file)).toString('latin1')
      for (const needle of [SECRETS.key, SECRETS.secret, SECRETS.token, basic]) {
        expect(text.includes(needle), `${path.relative(outDir, file)} contains a secret`).toBe(
          false,
        )
      }
    }
  })
})

describe('the production server (vite preview + plugin)', () => {
  it('takes the token from .env.local and requires it on /api', async () => {
    expect((await call(port, '/api/environments')).status).toBe(401)
    const res = await call(port, '/api/environments', { headers: auth })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({
      environments: [{ id: 'sandbox' }, { id: 'live', available: true, keyHint: 'bk7Q…' }],
    })
  })

  it('serves index.html with no-cache and the SPA fallback outside /api', async () => {
    for (const pathname of ['/', '/history', '/requests/abc']) {
      const res = await call(port, pathname, { headers: { accept: 'text/html' } })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.body).toContain('<div id="app"></div>')
    }
  })

  it('answers unknown /api and /sandbox paths with 404 JSON, not the page', async () => {
    for (const pathname of ['/api/unknown', '/api/live/verify/unknown/json']) {
      const res = await call(port, pathname, { headers: { accept: 'text/html', ...auth } })
      expect(res.status).toBe(404)
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } })
    }
    const sandbox = await call(port, '/sandbox/nothing', {
      headers: { accept: 'text/html', ...auth },
    })
    expect(sandbox.status).toBe(404)
    expect(sandbox.headers['content-type']).toMatch(/json/)
  })

  it('requires the token on /sandbox and its admin API too', async () => {
    const admin = await call(port, '/sandbox/__admin/requests')
    expect(admin.status).toBe(401)
    expect(admin.json()).toMatchObject({ error: { code: 'unauthorized' } })
    expect((await call(port, '/sandbox/__admin/requests', { headers: auth })).status).toBe(200)
  })

  it('serves hashed assets compressed and immutable for a year', async () => {
    const index = await call(port, '/')
    const asset = index.body.match(/\/assets\/[^"]+\.js/)?.[0]
    expect(asset).toBeDefined()
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: asset, headers: { 'accept-encoding': 'gzip' } },
          resolve,
        )
        .on('error', reject)
    })
    res.resume()
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(varyList(res.headers)).toContain('accept-encoding')
    const page = await raw('/', { accept: 'text/html', 'accept-encoding': 'gzip' })
    expect(varyList(page.headers)).toContain('accept-encoding')
    const missing = await call(port, '/assets/missing-0000.js')
    expect(missing.status).toBe(404)
    expect(missing.body).not.toContain('<div id="app">')
    expect(missing.headers['cache-control']).not.toMatch(/immutable/)
  })

  it('runs a sandbox start through /api, as in dev', async () => {
    const res = await call(port, '/api/sandbox/verify/json', {
      method: 'POST',
      headers: { ...json({}).headers, ...auth },
      body: JSON.stringify({ number: '447700900789', brand: 'Serve' }),
    })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({
      status: '0',
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    })
  })

  it('prints its URL, the live environments and the token header at start-up', () => {
    const before = log.lines.length
    server.printUrls()
    const banner = stripVTControlCharacters(log.lines.slice(before).join('\n'))
    // Vite's own URL line, not only the sandbox URL the plugin prints after it.
    expect(banner).toMatch(new RegExp(`Local: +http://127\\.0\\.0\\.1:${port}/$`, 'm'))
    expect(banner).toContain('Environments: sandbox, live (production server)')
    expect(banner).toContain('X-Verify-Desk-Token')
    expect(banner).not.toContain(SECRETS.secret)
    expect(banner).not.toContain(SECRETS.token)
  })

  it('accepts the VERIFY_DESK_ALLOWED_HOSTS names on the page and /api, and refuses others', async () => {
    const allowed = ['desk.example.com', 'corp.example', 'team.corp.example']
    await expectHostAllowlist(
      port,
      { allowed, refused: 'desk.example.org' },
      { pagePath: '/requests/abc', apiHeaders: auth },
    )
  })

  it('answers OPTIONS on /api itself (405 with Allow) and grants no other site CORS', async () => {
    const origin = 'http://localhost:3000'
    const preflight = await call(port, '/api/live/verify/json', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', ...auth },
    })
    expect(preflight.status).toBe(405)
    expect(preflight.headers.allow).toMatch(/POST/)
    expect(preflight.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
    for (const res of [
      preflight,
      await call(port, '/api/environments', { headers: { origin } }),
      await call(port, '/', { headers: { origin, accept: 'text/html' } }),
    ]) {
      expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual(
        [],
      )
    }
  })

  it('compresses a large /api and /sandbox JSON answer for clients that accept it', async () => {
    for (let i = 0; i < 12; i++) {
      const started = await call(port, '/api/sandbox/verify/json', {
        method: 'POST',
        headers: { ...json({}).headers, ...auth },
        body: JSON.stringify({ number: `4477009011${String(i).padStart(2, '0')}`, brand: 'Zip' }),
      })
      expect(started.json()).toMatchObject({ status: '0' })
    }
    for (const pathname of ['/api/sandbox/__admin/requests', '/sandbox/__admin/requests']) {
      const plain = await raw(pathname)
      expect(plain.status).toBe(200)
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body.length).toBeGreaterThan(1024)
      const expected: unknown = JSON.parse(plain.body.toString('utf8'))
      expect(varyList(plain.headers)).toContain('accept-encoding')

      const gzip = await raw(pathname, { 'accept-encoding': 'gzip, deflate' })
      expect(gzip.headers['content-encoding'], pathname).toBe('gzip')
      expect(gzip.headers['content-length']).toBeUndefined()
      expect(varyList(gzip.headers)).toContain('accept-encoding')
      expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(expected)
      expect(gzip.body.length).toBeLessThan(plain.body.length)

      const br = await raw(pathname, { 'accept-encoding': 'gzip, br' })
      expect(br.headers['content-encoding'], pathname).toBe('br')
      expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(expected)
    }
  })

  it('leaves small Verify answers as they are, whatever the client accepts', async () => {
    const res = await raw(
      '/api/sandbox/verify/search/json?request_id=0123456789abcdef0123456789abcdef',
      {
        'accept-encoding': 'gzip, br',
      },
    )
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ status: '101' })
  })

  it('streams the sandbox events uncompressed and as they happen, even when gzip is accepted', async () => {
    const stream = await openEventStream(port, '/api/sandbox/__admin/events', {
      accept: 'text/event-stream',
      'accept-encoding': 'gzip, br',
      ...auth,
    })
    try {
      expect(stream.res.statusCode).toBe(200)
      expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/)
      expect(stream.res.headers['content-encoding']).toBeUndefined()
      await stream.seen(': connected\n\n')
      const gotRequestEvent = stream.seen('event: request')
      await call(port, '/api/sandbox/verify/json', {
        method: 'POST',
        headers: { ...json({}).headers, ...auth },
        body: JSON.stringify({ number: '447700900777', brand: 'Live stream' }),
      })
      await gotRequestEvent // arrives while the stream is still open
      expect(stream.text()).toMatch(/event: request\ndata: \{.*"brand":"Live stream"/)
    } finally {
      stream.close()
    }
  })
})
