/**
 * The opt-in search limit over real HTTP: set with `PUT /__admin/throttle {"search_per_second"}`,
 * with `npm run sandbox -- --search-per-second N` or SANDBOX_SEARCH_PER_SECOND, and in the app
 * server from `.env.local`; a search over it answers status 1 `Throttled` (JSON and XML), per
 * account, on the sandbox clock. The dashboard's own background polling is not held to it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { call, startDevServer, unsetting, type DevServer } from '../proxy/support'
import { runCliToExit, spawnCli } from './support/cli'
import { getJson, postForm, raw } from './support/http'
import { admin, advance, frozenClock, sandboxForAllTests, uniqueNumber } from './support/sandbox'

// Tests here start Node processes (the standalone sandbox, compiled anew on each start; a Vite
// server; a host script): on a busy machine one start can take many seconds, so their time limit
// is set only to catch a hang.
vi.setConfig({ testTimeout: 120_000 })

const ID = 'e'.repeat(32)
const THROTTLED = { status: '1', error_text: 'Throttled' }

describe('PUT /__admin/throttle with search_per_second', () => {
  // A frozen real-time base: a second ends only when the admin API moves the clock.
  const sb = sandboxForAllTests(() => frozenClock())

  it('answers Throttled to the search over the limit, per account, until the clock moves on', async () => {
    const set = (await admin(sb.base, '/throttle', { search_per_second: 1 }, 'PUT')) as {
      accounts: { api_key: string; search_per_second: number | null }[]
    }
    expect(set.accounts.map((a) => [a.api_key, a.search_per_second])).toEqual([
      ['sandbox', 1],
      ['sandbox-pin', 1],
    ])
    const search = (creds = sb.creds) =>
      postForm(sb.base, '/verify/search/json', { ...creds, request_id: ID })
    expect((await search()).body).toMatchObject({ status: '101', request_id: ID })
    expect((await search()).body).toEqual(THROTTLED)
    const xml = await raw(sb.base, {
      path: `/verify/search/xml?api_key=${sb.key}&api_secret=${sb.secret}&request_id=${ID}`,
    })
    expect(xml.text).toContain('<status>1</status><error_text>Throttled</error_text>')
    // Another account has its own budget; a start is not a search.
    const other = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }
    expect((await search(other)).body.status).toBe('101')
    const start = await getJson(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: 'Acme',
    })
    expect(start.body.status).toBe('0')
    await advance(sb.base, 1)
    expect((await search()).body.status).toBe('101')
    await admin(sb.base, '/throttle', { search_per_second: null }, 'PUT')
    for (let i = 0; i < 3; i++) expect((await search()).body.status).toBe('101')
  })
})

describe('npm run sandbox', () => {
  const env = { SANDBOX_SEARCH_PER_SECOND: '' }
  const searchOn = async (base: string) =>
    (
      await getJson(base, '/verify/search/json', {
        api_key: 'sandbox',
        api_secret: 'sandbox-secret',
        request_id: ID,
      })
    ).body

  it('takes --search-per-second N, and SANDBOX_SEARCH_PER_SECOND, the flag winning', async () => {
    const flag = await spawnCli(
      ['--port', '0', '--host', '127.0.0.1', '--no-state', '--search-per-second', '0'],
      env,
    )
    try {
      expect(await searchOn(flag.base)).toEqual(THROTTLED)
    } finally {
      await flag.stop()
    }
    const fromEnv = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--no-state'], {
      SANDBOX_SEARCH_PER_SECOND: '0',
    })
    try {
      expect(await searchOn(fromEnv.base)).toEqual(THROTTLED)
      const accounts = (await admin(fromEnv.base, '/accounts')) as {
        accounts: { search_per_second: number | null }[]
      }
      expect(accounts.accounts.map((a) => a.search_per_second)).toEqual([0, 0])
    } finally {
      await fromEnv.stop()
    }
    const both = await spawnCli(
      ['--port', '0', '--host', '127.0.0.1', '--no-state', '--search-per-second=5'],
      {
        SANDBOX_SEARCH_PER_SECOND: '0',
      },
    )
    try {
      expect((await searchOn(both.base)).status).toBe('101')
    } finally {
      await both.stop()
    }
  })

  it('refuses a limit that is not a whole number, naming the flag or the variable', async () => {
    const flag = await runCliToExit(
      ['--port', '0', '--host', '127.0.0.1', '--no-state', '--search-per-second', 'x'],
      env,
    )
    expect(flag.code).toBe(1)
    expect(flag.stderr).toBe(
      'sandbox: --search-per-second must be a whole number of searches per second (0 or more), not "x".\n',
    )
    const variable = await runCliToExit(['--port', '0', '--host', '127.0.0.1', '--no-state'], {
      SANDBOX_SEARCH_PER_SECOND: '-1',
    })
    expect(variable.code).toBe(1)
    expect(variable.stderr).toContain('sandbox: SANDBOX_SEARCH_PER_SECOND must be a whole number')
  })
})

describe('SANDBOX_SEARCH_PER_SECOND from .env.local in the app server', () => {
  let root: string
  let dev: DevServer | undefined

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'verify-desk-search-limit-'))
    await writeFile(path.join(root, '.env.local'), 'SANDBOX_SEARCH_PER_SECOND=0\n')
    await writeFile(path.join(root, 'index.html'), '<!doctype html><div id="app"></div>\n')
    dev = await startDevServer(unsetting(/^(VONAGE_|VERIFY_DESK_|SANDBOX_)/), root)
  }, 60_000)

  afterAll(async () => {
    await dev?.close()
    if (root) await rm(root, { recursive: true, force: true })
  })

  it("limits the embedded sandbox's searches, but not the dashboard's background polling", async () => {
    const port = (dev as DevServer).port
    const query = `api_key=sandbox&api_secret=sandbox-secret&request_id=${ID}`
    const direct = await call(port, `/sandbox/verify/search/json?${query}`)
    expect(direct.json()).toEqual(THROTTLED)
    const accounts = (await call(port, '/sandbox/__admin/accounts')).json() as {
      accounts: { search_per_second: number | null }[]
    }
    expect(accounts.accounts.map((a) => a.search_per_second)).toEqual([0, 0])
    const polled = await call(port, `/api/sandbox/verify/search/json?request_id=${ID}`, {
      headers: { 'x-verify-desk-background': '1' },
    })
    expect(polled.json()).toMatchObject({ status: '101' })
    const clicked = await call(port, `/api/sandbox/verify/search/json?request_id=${ID}`)
    expect(clicked.json()).toEqual(THROTTLED)
  })
})

describe('a SANDBOX_SEARCH_PER_SECOND that is not a limit', () => {
  it('keeps the app server from starting, naming the variable', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'verify-desk-search-limit-bad-'))
    try {
      await writeFile(path.join(root, '.env.local'), 'SANDBOX_SEARCH_PER_SECOND=one\n')
      await writeFile(path.join(root, 'index.html'), '<!doctype html><div id="app"></div>\n')
      await expect(
        startDevServer(unsetting(/^(VONAGE_|VERIFY_DESK_|SANDBOX_)/), root),
      ).rejects.toThrow(
        '[verify-desk] Refusing to start: SANDBOX_SEARCH_PER_SECOND must be a whole number of searches per second (0 or more), not "one".',
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
