import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Counts the descriptors the journal opens and closes; fchmodSync can be made to fail (a file of
// another owner, a file system without modes).
const calls = vi.hoisted(() => ({ opened: 0, closed: 0, fchmodFails: false }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args)
      calls.opened++
      return fd
    },
    closeSync: (fd: number) => {
      calls.closed++
      fs.closeSync(fd)
    },
    fchmodSync: (...args: Parameters<typeof fs.fchmodSync>) => {
      if (calls.fchmodFails)
        throw Object.assign(new Error('EPERM: not permitted'), { code: 'EPERM' })
      fs.fchmodSync(...args)
    },
  }
})

const { openJournal } = await import('../../../server/sandbox/persistence')

let dir: string
const warnings: string[] = []
const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m) }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-journal-'))
  warnings.length = 0
  calls.opened = calls.closed = 0
  calls.fchmodFails = false
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the journal when its mode cannot be set', () => {
  it('still journals every append, on one descriptor closed once', () => {
    calls.fchmodFails = true
    const file = join(dir, 'state.json.journal')
    const journal = openJournal(file, 0, logger)
    journal.append([{ c: 1 }])
    journal.append([{ c: 2 }])
    journal.append([{ c: 3 }])
    expect(readFileSync(file, 'utf8')).toBe('{"s":1,"c":1}\n{"s":2,"c":2}\n{"s":3,"c":3}\n')
    expect(calls.opened).toBe(1)
    journal.close()
    expect(calls.closed).toBe(calls.opened)
    expect(warnings).toEqual([])
  })

  it('compaction reopens it without leaking the old descriptor', () => {
    calls.fchmodFails = true
    const file = join(dir, 'state.json.journal')
    const journal = openJournal(file, 0, logger)
    journal.append([{ c: 1 }])
    const end = journal.size
    journal.append([{ c: 2 }])
    journal.compact(end)
    journal.append([{ c: 3 }])
    expect(readFileSync(file, 'utf8')).toBe('{"s":2,"c":2}\n{"s":3,"c":3}\n')
    journal.close()
    expect(calls.closed).toBe(calls.opened)
    expect(warnings).toEqual([])
  })
})
