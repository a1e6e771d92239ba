import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'

// Every read of a file goes through a spy, so a test can count the reads of the lock file.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>()
  return { ...actual, readFileSync: vi.fn(actual.readFileSync) }
})

let dir: string
let stateFile: string
let lockFile: string
const logger = { info: () => undefined, warn: () => undefined }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-lock-reads-'))
  stateFile = join(dir, 'state.json')
  lockFile = `${stateFile}.lock`
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A lock file written by "another process" with this pid. */
function lockedBy(pid: number) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(lockFile, JSON.stringify({ pid }))
}

function lockReads(): number {
  return vi.mocked(readFileSync).mock.calls.filter(([file]) => file === lockFile).length
}

async function adminState(sandbox: ReturnType<typeof createSandbox>): Promise<unknown> {
  const response = await sandbox.fetch(new Request('http://sandbox/__admin/'))
  expect(response.status).toBe(200)
  return ((await response.json()) as { state: unknown }).state
}

describe('GET /__admin/ of a sandbox waiting for a state file another process holds', () => {
  it('reads the lock file once per request', async () => {
    // The parent process is alive and is not this one.
    lockedBy(process.ppid)
    const sandbox = createSandbox({ stateFile, logger, saveDelayMs: 0 })
    try {
      for (let i = 0; i < 3; i++) {
        const before = lockReads()
        expect(await adminState(sandbox)).toEqual({
          file: stateFile,
          saved: false,
          in_use_by: process.ppid,
        })
        expect(lockReads() - before).toBe(1)
      }
    } finally {
      await sandbox.close()
    }
  })

  it('answers with the file taken over once its holder has gone', async () => {
    lockedBy(process.ppid)
    const sandbox = createSandbox({ stateFile, logger, saveDelayMs: 0 })
    try {
      // The holder exits: its lock names a process that is gone.
      const child = spawnSync(process.execPath, ['-e', ''])
      lockedBy(child.pid as number)
      expect(await adminState(sandbox)).toEqual({ file: stateFile, saved: true })
      const before = lockReads()
      expect(await adminState(sandbox)).toEqual({ file: stateFile, saved: true })
      // Saving to the file: its lock is this process's own, not read again.
      expect(lockReads()).toBe(before)
    } finally {
      await sandbox.close()
    }
  })
})
