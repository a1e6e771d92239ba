import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventually } from '../../support/eventually'
import { raw, type Body } from './support/http'
import { runCliToExit, spawnCli, type RunningCli } from './support/cli'
import { admin, pinOf, startSandbox, uniqueNumber } from './support/sandbox'
import { openSse } from './support/sse'

// Tests here start Node processes (the standalone sandbox, compiled anew on each start; a Vite
// server; a host script): on a busy machine one start can take many seconds, so their time limit
// is set only to catch a hang.
vi.setConfig({ testTimeout: 120_000 })

// One state file, one writer: two processes on one file (a dev server and `npm run sandbox`)
// would overwrite each other's requests. The standalone sandbox refuses a file in use; a sandbox
// embedded in a server keeps its state in memory instead, and says so.
let dir: string
let stateFile: string
let lockFile: string
const started: RunningCli[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-lock-'))
  stateFile = join(dir, 'state.json')
  lockFile = `${stateFile}.lock`
})
afterEach(async () => {
  for (const cli of started.splice(0)) await cli.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

async function startCli(args: string[] = [], env: Record<string, string> = {}) {
  const cli = await spawnCli(
    ['--port', '0', '--host', '127.0.0.1', '--state', stateFile, ...args],
    env,
  )
  started.push(cli)
  return cli
}

const creds = 'api_key=sandbox&api_secret=sandbox-secret'
const call = async (base: string, path: string) =>
  JSON.parse((await raw(base, { path })).text) as Body
const newRequest = async (base: string) =>
  (await call(base, `/verify/json?${creds}&number=${uniqueNumber()}&brand=Acme`))
    .request_id as string
const searchStatus = async (base: string, id: string) =>
  (await call(base, `/verify/search/json?${creds}&request_id=${id}`)).status

/** The state file and its journal as they are on disk now. */
const onDisk = () =>
  [stateFile, `${stateFile}.journal`]
    .map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : ''))
    .join('\n')
const lockPid = () => (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid

describe('a state file in use by another process', () => {
  it('an embedded sandbox on the file the standalone one holds keeps memory only, warns once and never writes it', async () => {
    const cli = await startCli()
    const kept = await newRequest(cli.base)
    await eventually(() => expect(onDisk()).toContain(kept))
    expect(lockPid()).toBe(cli.pid)

    const warnings: string[] = []
    const embedded = await startSandbox({
      stateFile,
      saveDelayMs: 0,
      logger: { info: () => undefined, warn: (m) => void warnings.push(m) },
    })
    let unsaved: string
    try {
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain(`${stateFile} is in use by process ${cli.pid}`)
      expect(warnings[0]).toMatch(/in memory only and will not save/)
      expect(warnings[0]).not.toContain('\n')
      expect(await admin(embedded.base, '/')).toMatchObject({
        state: { file: stateFile, saved: false, in_use_by: cli.pid },
      })
      // It works as a sandbox, in memory: a request and its check.
      unsaved = await newRequest(embedded.base)
      const pin = await pinOf(embedded.base, unsaved)
      const check = await call(
        embedded.base,
        `/verify/check/json?${creds}&request_id=${unsaved}&code=${pin}`,
      )
      expect(check.status).toBe('0')
      // Neither sandbox saw the other's request.
      expect(await searchStatus(embedded.base, kept)).toBe('101')
      expect(await searchStatus(cli.base, unsaved)).toBe('101')
    } finally {
      await embedded.close()
    }
    // Closed (anything it had would be flushed by now): nothing of it on disk, the lock untouched.
    expect(onDisk()).toContain(kept)
    expect(onDisk()).not.toContain(unsaved)
    expect(lockPid()).toBe(cli.pid)

    // The standalone sandbox stops cleanly: the lock goes, its request stays.
    await cli.stop('SIGTERM')
    expect(existsSync(lockFile)).toBe(false)
    // The next sandbox of this process on the file (a dev server restarting) gets the file and
    // takes over what the embedded one kept in memory: both requests, now saved.
    const after = await startSandbox({
      stateFile,
      logger: { info: () => undefined, warn: () => undefined },
    })
    try {
      expect(await admin(after.base, '/')).toMatchObject({
        state: { file: stateFile, saved: true },
      })
      expect(await searchStatus(after.base, kept)).toBe('IN PROGRESS')
      expect(await searchStatus(after.base, unsaved)).toBe('SUCCESS')
      expect(onDisk()).toContain(unsaved)
    } finally {
      await after.close()
    }
  })

  it('an embedded sandbox waiting for the file takes it over on its own once the standalone one stops: its requests are merged in and saved', async () => {
    const cli = await startCli()
    const kept = await newRequest(cli.base)
    const infos: string[] = []
    const embedded = await startSandbox({
      stateFile,
      saveDelayMs: 0,
      logger: { info: (m) => void infos.push(m), warn: () => undefined },
    })
    try {
      const unsaved = await newRequest(embedded.base)
      expect(onDisk()).not.toContain(unsaved)
      const live = await openSse(embedded.base, '/__admin/events')
      await cli.stop('SIGTERM')

      // No request to it in between: it checks the lock by itself. Polled with a deadline.
      await vi.waitFor(() => expect(onDisk()).toContain(unsaved), {
        timeout: 15_000,
        interval: 100,
      })
      expect(lockPid()).toBe(process.pid)
      expect(await admin(embedded.base, '/')).toMatchObject({
        state: { file: stateFile, saved: true },
      })
      const state = (await admin(embedded.base, '/')) as { state: Record<string, unknown> }
      expect(state.state).not.toHaveProperty('in_use_by')
      expect(state.state).not.toHaveProperty('was_in_use_by')
      expect(infos).toEqual([
        expect.stringMatching(
          new RegExp(
            `${stateFile} is free again \\(process ${cli.pid} has stopped\\).*1 request\\(s\\).*merged`,
          ),
        ),
      ])
      // Both requests, the standalone one's and its own, are its state and the file's; a live
      // view (the dashboard's event stream) is told of the one the file brought in.
      expect(await searchStatus(embedded.base, kept)).toBe('IN PROGRESS')
      expect(onDisk()).toContain(kept)
      try {
        const told = await live.waitFor(
          (e) => e.event === 'request' && (e.data as Body).request_id === kept,
          15_000,
        )
        expect(told.data).toMatchObject({ request_id: kept, status: 'IN PROGRESS' })
      } finally {
        live.close()
      }
      // What it does from now on is saved too.
      const later = await newRequest(embedded.base)
      await vi.waitFor(() => expect(onDisk()).toContain(later), { timeout: 15_000, interval: 100 })
    } finally {
      await embedded.close()
    }
    expect(existsSync(lockFile)).toBe(false)
  })

  it('a second standalone sandbox on the same file exits 1 with one clear paragraph and no stack trace', async () => {
    const first = await startCli()
    const kept = await newRequest(first.base)
    for (const [args, env] of [
      [['--port', '0', '--host', '127.0.0.1', '--state', stateFile], {}],
      [['--port', '0', '--host', '127.0.0.1'], { SANDBOX_STATE_FILE: stateFile }],
    ] as const) {
      const second = await runCliToExit([...args], env)
      expect(second.code).toBe(1)
      expect(second.stdout).not.toContain('listening')
      const message = second.stderr.trim()
      expect(message).not.toContain('\n')
      expect(message).not.toMatch(/^\s+at /m)
      expect(message).toContain(`the state file ${stateFile} is in use`)
      expect(message).toContain(`pid ${first.pid}`)
      expect(message).toMatch(/Stop the other process/)
      expect(message).toContain('--state OTHER_FILE')
      expect(message).toContain('SANDBOX_STATE_FILE')
      expect(message).toContain('--no-state')
    }
    // The first one is unharmed.
    expect(lockPid()).toBe(first.pid)
    expect(await searchStatus(first.base, kept)).toBe('IN PROGRESS')
    // --no-state runs beside it.
    const beside = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--no-state'])
    started.push(beside)
    expect(await searchStatus(beside.base, kept)).toBe('101')
  })

  it('shows the other holder’s command line without its account secrets', async () => {
    // As an older version wrote it: the command line as it was, secrets and all (this test
    // process stands in for the live holder).
    mkdirSync(dirname(lockFile), { recursive: true })
    writeFileSync(
      lockFile,
      JSON.stringify({
        pid: process.pid,
        started_at: new Date().toISOString(),
        command: 'node server/sandbox/cli.ts --accounts k1:Hidden-Secret-1,k2:Hidden-2:pin_code',
      }),
    )
    const refused = await runCliToExit(['--port', '0', '--host', '127.0.0.1', '--state', stateFile])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      `pid ${process.pid}: node server/sandbox/cli.ts --accounts k1:***,k2:***:pin_code)`,
    )
    expect(refused.stderr).not.toContain('Hidden')
  })

  it('writes its own lock with the account secrets masked', async () => {
    // A secret with spaces in it is masked whole, not up to its first space.
    const cli = await startCli(['--accounts', 'k1:Hidden Secret 1:pin_code,k2:Hidden 2'])
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; command: string }
    expect(lock.pid).toBe(cli.pid)
    expect(lock.command).toContain('--accounts k1:***:pin_code,k2:***')
    expect(lock.command).not.toMatch(/Hidden|Secret/)
  })

  it('a standalone sandbox killed outright leaves a stale lock that the next one takes over', async () => {
    const one = await startCli()
    const kept = await newRequest(one.base)
    await eventually(() => expect(onDisk()).toContain(kept))
    await one.stop('SIGKILL')
    // No chance to clean up: the lock still names the dead process.
    expect(lockPid()).toBe(one.pid)

    const two = await startCli()
    expect(lockPid()).toBe(two.pid)
    expect(two.errors()).toBe('')
    expect(await searchStatus(two.base, kept)).toBe('IN PROGRESS')
    await two.stop('SIGTERM')
    expect(existsSync(lockFile)).toBe(false)
  })

  it('a standalone sandbox that cannot listen exits without leaving its lock behind', async () => {
    const blocker = http.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    try {
      const { port } = blocker.address() as AddressInfo
      const failed = await runCliToExit([
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--state',
        stateFile,
      ])
      expect(failed.code).toBe(1)
      expect(failed.stderr).toMatch(/in use/)
      expect(existsSync(lockFile)).toBe(false)
      // So the next one starts at once.
      const next = await startCli()
      expect(lockPid()).toBe(next.pid)
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })
})

describe('the standalone sandbox listening beyond this machine', () => {
  it('warns in one line that its admin API shows every PIN, and still starts', async () => {
    const open = await spawnCli(['--port', '0', '--host', '0.0.0.0', '--no-state'])
    started.push(open)
    const port = new URL(open.base).port
    // Its banner is out; the warning follows it on stderr.
    await vi.waitFor(() => expect(open.errors()).toContain('\n'), { timeout: 15_000 })
    const lines = open.errors().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^sandbox: warning: listening on 0\.0\.0\.0/)
    expect(lines[0]).toContain(`port ${port}`)
    expect(lines[0]).toContain('every PIN at /__admin/requests')
    expect(lines[0]).toContain('--host 127.0.0.1')
    expect(await searchStatus(`http://127.0.0.1:${port}`, 'a'.repeat(32))).toBe('101')
  })

  it('says nothing of the kind on the loopback address', async () => {
    const local = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--no-state'])
    started.push(local)
    expect(await searchStatus(local.base, 'a'.repeat(32))).toBe('101')
    expect(local.errors()).toBe('')
  })
})
