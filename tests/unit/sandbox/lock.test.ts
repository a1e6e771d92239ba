import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acquireStateLock,
  lockFileOf,
  maskArguments,
  maskCommand,
  processAlive,
  type StateLock,
} from '../../../server/sandbox/lock'
import { createSandbox, StateFileInUseError } from '../../../server/sandbox/index'

// The cross-process lock on a state file: one process writes a state file at a time; a lock whose
// process is gone is taken over; within one process the newest sandbox owns it.
let dir: string
let stateFile: string
let lockFile: string
const locks: StateLock[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-lock-'))
  stateFile = join(dir, 'nested', 'state.json')
  lockFile = `${stateFile}.lock`
})
afterEach(() => {
  for (const lock of locks.splice(0)) lock.release()
  rmSync(dir, { recursive: true, force: true })
})

const pidIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid

/** A lock file written by "another process" with this pid. */
function lockedBy(pid: number, extra: Record<string, unknown> = {}) {
  mkdirSync(join(dir, 'nested'), { recursive: true })
  writeFileSync(lockFile, JSON.stringify({ pid, ...extra }))
}

function take(options: Parameters<typeof acquireStateLock>[1] = {}): StateLock {
  const result = acquireStateLock(stateFile, options)
  if (!result.ok) throw new Error(`locked by ${result.holder.pid}`)
  locks.push(result.lock)
  return result.lock
}

/** The pid of a process that has exited (not reused this soon). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  expect(child.pid).toBeGreaterThan(0)
  return child.pid as number
}

describe('acquireStateLock', () => {
  it('creates <state file>.lock naming this process (and the folder it needs)', () => {
    const lock = take()
    expect(lock.file).toBe(lockFileOf(stateFile))
    expect(lock.file).toBe(lockFile)
    const content = JSON.parse(readFileSync(lockFile, 'utf8')) as Record<string, unknown>
    expect(content.pid).toBe(process.pid)
    expect(typeof content.command).toBe('string')
    expect(new Date(content.started_at as string).getTime()).toBeLessThanOrEqual(Date.now())
  })

  it('removes the lock file on release, and a second release does nothing', () => {
    const lock = take()
    lock.release()
    expect(existsSync(lockFile)).toBe(false)
    lock.release()
    expect(existsSync(lockFile)).toBe(false)
    // Free again.
    take()
    expect(pidIn(lockFile)).toBe(process.pid)
  })

  it('refuses a lock held by a live process and leaves it as it is', () => {
    lockedBy(4242, { started_at: '2026-01-01T00:00:00.000Z', command: 'node vite' })
    const before = readFileSync(lockFile, 'utf8')
    const checked: number[] = []
    const result = acquireStateLock(stateFile, {
      isAlive: (pid) => (checked.push(pid), true),
    })
    expect(result).toEqual({
      ok: false,
      file: lockFile,
      holder: { pid: 4242, startedAt: '2026-01-01T00:00:00.000Z', command: 'node vite' },
    })
    expect(checked).toEqual([4242])
    expect(readFileSync(lockFile, 'utf8')).toBe(before)
  })

  it('takes over a stale lock (its process is gone) and leaves no stray file', () => {
    lockedBy(4242)
    const lock = take({ isAlive: () => false })
    expect(pidIn(lockFile)).toBe(process.pid)
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json.lock'])
    lock.release()
    expect(existsSync(lockFile)).toBe(false)
  })

  it('takes over the lock of a process that really exited', () => {
    const pid = deadPid()
    expect(processAlive(pid)).toBe(false)
    lockedBy(pid)
    take()
    expect(pidIn(lockFile)).toBe(process.pid)
  })

  it('counts this process and its parent as alive', () => {
    expect(processAlive(process.pid)).toBe(true)
    expect(processAlive(process.ppid)).toBe(true)
  })

  it('takes over a lock file left empty or unreadable long ago (a process killed while writing it)', () => {
    for (const content of ['', '{"pid":', '{"pid":"x"}']) {
      mkdirSync(join(dir, 'nested'), { recursive: true })
      writeFileSync(lockFile, content)
      const old = new Date(Date.now() - 60_000)
      utimesSync(lockFile, old, old)
      const lock = take({ isAlive: () => true })
      expect(pidIn(lockFile)).toBe(process.pid)
      lock.release()
    }
  })

  it('hands the lock over within one process: an older holder releasing it leaves it to the newer', () => {
    const older = take()
    const newer = take({ isAlive: () => true })
    older.release()
    expect(pidIn(lockFile)).toBe(process.pid)
    // Another process still finds it taken.
    const other = acquireStateLock(stateFile, { pid: 999_999, isAlive: () => true })
    expect(other).toMatchObject({ ok: false, holder: { pid: process.pid } })
    newer.release()
    expect(existsSync(lockFile)).toBe(false)
  })

  it('does not remove a lock another process took after this one lost it', () => {
    const lock = take()
    // Say the file was deleted by hand and another process took it.
    rmSync(lockFile)
    lockedBy(4242)
    lock.release()
    expect(pidIn(lockFile)).toBe(4242)
  })
})

describe('createSandbox on a state file in use by another process', () => {
  const AUTH = {
    authorization: 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64'),
  }
  const warnings: string[] = []
  const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m) }
  beforeEach(() => {
    warnings.length = 0
  })

  async function call(sandbox: ReturnType<typeof createSandbox>, path: string, body?: unknown) {
    const response = await sandbox.fetch(
      new Request(`http://sandbox${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }),
    )
    return (await response.json()) as Record<string, unknown>
  }

  it('keeps its state in memory only, says so in one warning line and in GET /__admin/', async () => {
    // The parent process is alive and is not this one.
    lockedBy(process.ppid)
    const lockBefore = readFileSync(lockFile, 'utf8')
    const sandbox = createSandbox({ stateFile, logger, saveDelayMs: 0 })
    try {
      expect(warnings).toHaveLength(1)
      const [warning] = warnings as [string]
      expect(warning).not.toContain('\n')
      expect(warning).toContain(stateFile)
      expect(warning).toContain(`process ${process.ppid}`)
      expect(warning).toMatch(/will not save/)
      expect(warning).toContain('SANDBOX_STATE_FILE')
      expect(sandbox.persistence).toEqual({
        file: stateFile,
        saved: false,
        in_use_by: process.ppid,
      })
      const answer = await call(sandbox, '/verify/json', { number: '447700900001', brand: 'Acme' })
      expect(answer.status).toBe('0')
      const info = await call(sandbox, '/__admin/')
      expect(info.state).toEqual({ file: stateFile, saved: false, in_use_by: process.ppid })
      expect(Array.isArray(info.routes)).toBe(true)
    } finally {
      await sandbox.close()
    }
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json.lock'])
    expect(readFileSync(lockFile, 'utf8')).toBe(lockBefore)
  })

  it("throws StateFileInUseError naming the file and the other pid with whenStateFileInUse: 'refuse'", () => {
    lockedBy(process.ppid)
    let thrown: unknown
    try {
      void createSandbox({ stateFile, logger, whenStateFileInUse: 'refuse' }).close()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(StateFileInUseError)
    const error = thrown as StateFileInUseError
    expect(error.file).toBe(stateFile)
    expect(error.lockFile).toBe(lockFile)
    expect(error.holder.pid).toBe(process.ppid)
    expect(error.message).toContain(stateFile)
    expect(warnings).toEqual([])
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json.lock'])
  })

  it('holds the lock while open, saves, and releases the lock on close', async () => {
    const sandbox = createSandbox({ stateFile, logger })
    expect(sandbox.persistence).toEqual({ file: stateFile, saved: true })
    expect(pidIn(lockFile)).toBe(process.pid)
    expect((await call(sandbox, '/__admin/')).state).toEqual({ file: stateFile, saved: true })
    const answer = await call(sandbox, '/verify/json', { number: '447700900002', brand: 'Acme' })
    await sandbox.close()
    expect(existsSync(lockFile)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toContain(answer.request_id as string)
    expect(warnings).toEqual([])
  })

  it('takes over a stale lock left by a process that exited, and saves', async () => {
    lockedBy(deadPid())
    const sandbox = createSandbox({ stateFile, logger })
    try {
      expect(sandbox.persistence.saved).toBe(true)
      expect(pidIn(lockFile)).toBe(process.pid)
      expect(warnings).toEqual([])
    } finally {
      await sandbox.close()
    }
  })

  it('hands over within one process: a second sandbox on the file is no conflict', async () => {
    const first = createSandbox({ stateFile, logger })
    const one = await call(first, '/verify/json', { number: '447700900003', brand: 'Acme' })
    const second = createSandbox({ stateFile, logger })
    expect(second.persistence).toEqual({ file: stateFile, saved: true })
    await first.close()
    // The older one closing leaves the lock to the newer one.
    expect(pidIn(lockFile)).toBe(process.pid)
    const two = await call(second, '/verify/json', { number: '447700900004', brand: 'Acme' })
    await second.close()
    expect(existsSync(lockFile)).toBe(false)
    expect(warnings).toEqual([])
    const third = createSandbox({ stateFile, logger })
    try {
      const ids = [one.request_id, two.request_id]
      for (const id of ids) {
        const search = await call(third, `/verify/search/json?request_id=${String(id)}`)
        expect(search.status).toBe('IN PROGRESS')
      }
    } finally {
      await third.close()
    }
  })
})

describe('maskCommand', () => {
  it.each([
    [
      'node --import tsx server/sandbox/cli.ts --accounts k1:Secret-1,k2:Secret-2:pin_code',
      'node --import tsx server/sandbox/cli.ts --accounts k1:***,k2:***:pin_code',
    ],
    ['tsx cli.ts --accounts=k1:Secret-1 --port 0', 'tsx cli.ts --accounts=k1:*** --port 0'],
    [
      'env SANDBOX_ACCOUNTS=k9:Secret-9 npm run sandbox',
      'env SANDBOX_ACCOUNTS=k9:*** npm run sandbox',
    ],
    [
      'env VONAGE_API_SECRET=Live-1 VERIFY_DESK_TOKEN=tok-2 vite',
      'env VONAGE_API_SECRET=*** VERIFY_DESK_TOKEN=*** vite',
    ],
    [
      'server.js --api-secret Live-1 --token tok-2 --port 1',
      'server.js --api-secret *** --token *** --port 1',
    ],
    ['node vite --port 5173 --host 127.0.0.1', 'node vite --port 5173 --host 127.0.0.1'],
  ])('%s', (command, shown) => {
    expect(maskCommand(command)).toBe(shown)
  })
})

describe('maskArguments', () => {
  it.each([
    [
      ['node', 'cli.ts', '--accounts', 'k1:Se cret 1,k2:x y:123456', '--port', '0'],
      'node cli.ts --accounts k1:***,k2:***:123456 --port 0',
    ],
    [['tsx', 'cli.ts', '--accounts=k1:a b c'], 'tsx cli.ts --accounts=k1:***'],
    [['env', 'SANDBOX_ACCOUNTS=k9:s p a c e', 'npm'], 'env SANDBOX_ACCOUNTS=k9:*** npm'],
    [['env', 'VONAGE_API_SECRET=Live 1', 'vite'], 'env VONAGE_API_SECRET=*** vite'],
    [
      ['server.js', '--api-secret', 'Live 1', '--token', 'tok 2'],
      'server.js --api-secret *** --token ***',
    ],
    [['server.js', '--api-secret=Live 1'], 'server.js --api-secret=***'],
    [['server.js', '--api_secret', 'Live 1'], 'server.js --api_secret ***'],
    [['server.js', '--admin-token', '-abc', '--port', '1'], 'server.js --admin-token *** --port 1'],
    [['node', 'vite', '--port', '5173'], 'node vite --port 5173'],
  ])('%j', (args, shown) => {
    expect(maskArguments(args)).toBe(shown)
  })
})
