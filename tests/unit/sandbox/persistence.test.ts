import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createSandbox } from '../../../server/sandbox/index'
import {
  createStateWriter,
  journalFileOf,
  loadState,
  openJournal,
  readJournal,
  replayJournal,
} from '../../../server/sandbox/persistence'
import type { PersistedState } from '../../../server/sandbox/persistence'
import type { RequestRecord } from '../../../server/sandbox/engine'

const AUTH = { authorization: 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64') }
let dir: string
const warnings: string[] = []
const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m) }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'))
  warnings.length = 0
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function api(sandbox: ReturnType<typeof createSandbox>, path: string, body?: unknown) {
  const response = await sandbox.fetch(
    new Request(`http://sandbox${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }),
  )
  return (await response.json()) as Record<string, unknown>
}

describe('persistence', () => {
  it('a request accepted before a clean restart can be checked after it', async () => {
    const file = join(dir, 'nested', 'state.json')
    const first = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    const start = await api(first, '/verify/json', { number: '447700900000', brand: 'Acme' })
    const id = start.request_id as string
    await api(first, '/__admin/clock', { advance_seconds: 60 })
    const pin = ((await api(first, `/__admin/requests/${id}`)) as { pin: string }).pin
    await first.close()
    expect(existsSync(file)).toBe(true)

    const second = createSandbox({ stateFile: file, logger })
    expect(((await api(second, '/__admin/clock')) as { offset_ms: number }).offset_ms).toBe(60_000)
    expect(
      await api(second, '/verify/json', { number: '447700900000', brand: 'Acme' }),
    ).toMatchObject({
      status: '10',
      request_id: id,
    })
    expect(await api(second, '/verify/check/json', { request_id: id, code: pin })).toMatchObject({
      status: '0',
    })
    expect(((await api(second, '/__admin/messages')) as { total: number }).total).toBe(1)
    await second.close()
    expect(warnings).toEqual([])
    expect(readdirSync(join(dir, 'nested')).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('a restart that opens the new sandbox before closing the old one loses nothing', async () => {
    const file = join(dir, 'state.json')
    const old = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    const a = await api(old, '/verify/json', { number: '447700900001', brand: 'Acme' })
    const next = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    expect(
      await api(next, '/verify/json', { number: '447700900001', brand: 'Acme' }),
    ).toMatchObject({
      status: '10',
      request_id: a.request_id,
    })
    await api(next, '/verify/json', { number: '447700900002', brand: 'Acme' })
    await api(old, '/__admin/clock', { advance_seconds: 10 })
    await old.close()
    await next.close()
    const state = loadState(file, logger)
    expect(state?.engine.requests.map((r) => r.number)).toEqual(['447700900001', '447700900002'])
    expect(state?.clock_offset_ms).toBe(0)
  })

  it('the old sandbox of such a restart writes nothing more, even when it closes last', async () => {
    const file = join(dir, 'state.json')
    const old = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    await api(old, '/verify/json', { number: '447700900001', brand: 'Acme' })
    const next = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    await api(next, '/verify/json', { number: '447700900002', brand: 'Acme' })
    await next.close()
    const saved = readFileSync(file, 'utf8')
    // The old one has handed the file on: what it does now is not saved, and its close leaves
    // the file as the new one wrote it.
    await api(old, '/__admin/clock', { advance_seconds: 10 })
    await old.close()
    expect(readFileSync(file, 'utf8')).toBe(saved)
    const state = loadState(file, logger)
    expect(state?.engine.requests.map((r) => r.number)).toEqual(['447700900001', '447700900002'])
    expect(state?.clock_offset_ms).toBe(0)
  })

  it('test numbers survive a restart', async () => {
    const file = join(dir, 'state.json')
    const first = createSandbox({ stateFile: file, logger })
    await first.fetch(
      new Request('http://sandbox/__admin/test-numbers', {
        method: 'PUT',
        body: JSON.stringify({ number: '447700900777', pin: '5150' }),
      }),
    )
    await first.close()
    const second = createSandbox({ stateFile: file, logger })
    const start = await api(second, '/verify/json', { number: '447700900777', brand: 'Acme' })
    const view = await api(second, `/__admin/requests/${start.request_id as string}`)
    expect(view.pin).toBe('5150')
    await second.close()
  })

  it('a damaged file is set aside with a warning and the sandbox starts empty', async () => {
    const file = join(dir, 'state.json')
    writeFileSync(file, '{"version":1,"engine":')
    const sandbox = createSandbox({ stateFile: file, logger })
    expect(((await api(sandbox, '/__admin/requests')) as { total: number }).total).toBe(0)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('damaged')
    const aside = readdirSync(dir).filter((f) => f.startsWith('state.json.damaged-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toBe('{"version":1,"engine":')
    expect(
      await api(sandbox, '/verify/json', { number: '447700900000', brand: 'A' }),
    ).toMatchObject({
      status: '0',
    })
    await sandbox.close()
  })

  it('a state file or journal that cannot be read is set aside, never written over', async () => {
    const file = join(dir, 'state.json')
    // A directory where the file should be: reading it fails (as a missing permission would).
    mkdirSync(file)
    writeFileSync(join(file, 'inside'), 'kept')
    mkdirSync(journalFileOf(file))
    const sandbox = createSandbox({ stateFile: file, logger, saveDelayMs: 0 })
    // One warning: the journal goes aside with the state file it belongs to.
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/could not be read \(.*EISDIR/)
    expect(warnings[0]).toContain(`its journal ${journalFileOf(file)} to`)
    const aside = readdirSync(dir).filter((f) => f.includes('.damaged-'))
    expect(aside.map((f) => f.replace(/\.damaged-.*/, '')).sort()).toEqual([
      'state.json',
      'state.json.journal',
    ])
    const kept = aside.find((f) => f.startsWith('state.json.damaged-')) as string
    expect(readFileSync(join(dir, kept, 'inside'), 'utf8')).toBe('kept')
    expect(
      await api(sandbox, '/verify/json', { number: '447700900000', brand: 'A' }),
    ).toMatchObject({ status: '0' })
    await sandbox.close()
    const saved = JSON.parse(readFileSync(file, 'utf8')) as PersistedState
    expect(saved.engine.requests).toHaveLength(1)
  })

  it('a damaged state file takes its journal aside with it: nothing is replayed, both are kept', async () => {
    const file = join(dir, 'state.json')
    const first = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    const k1 = await api(first, '/verify/json', { number: '447700900001', brand: 'K1' })
    await first.close()
    // A process killed after K2 was answered: K2 is only in the journal.
    const second = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    const k2 = await api(second, '/verify/json', { number: '447700900002', brand: 'K2' })
    const journal = journalFileOf(file)
    const journalText = readFileSync(journal, 'utf8')
    expect(journalText).toContain(k2.request_id as string)
    // As a kill -9 then a damaged snapshot would leave them: the state file broken, the journal
    // still holding K2 (close folds it into a snapshot, so it is put back as it was).
    await second.close()
    writeFileSync(file, '{bad')
    writeFileSync(journal, journalText)
    warnings.length = 0

    const third = createSandbox({ stateFile: file, logger, saveDelayMs: 0 })
    const listed = (await api(third, '/__admin/requests')) as { total: number }
    expect(listed.total).toBe(0)
    const aside = readdirSync(dir).filter((f) => f.includes('.damaged-'))
    expect(aside).toHaveLength(2)
    const stateAside = aside.find((f) => f.startsWith('state.json.damaged-')) as string
    const suffix = stateAside.slice('state.json'.length)
    expect(aside).toContain(`state.json.journal${suffix}`)
    expect(readFileSync(join(dir, stateAside), 'utf8')).toBe('{bad')
    expect(readFileSync(join(dir, `state.json.journal${suffix}`), 'utf8')).toBe(journalText)
    expect(warnings).toEqual([
      `sandbox: state file ${file} is damaged; moved it to ${file}${suffix} (and its journal ` +
        `${journal} to ${journal}${suffix}) and started empty.`,
    ])
    expect(k1.status).toBe('0')
    await third.close()
    // What is written from here holds neither K1 nor K2.
    const saved = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as PersistedState)
      : undefined
    expect(saved?.engine.requests ?? []).toEqual([])
  })

  it('keeps the state file, journal and set-aside copies to their owner (0600), in a 0700 folder', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777
    const file = join(dir, '.data', 'sandbox', 'state.json')
    const first = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    await api(first, '/verify/json', { number: '447700900001', brand: 'K1' })
    expect(mode(journalFileOf(file))).toBe(0o600)
    await first.close()
    expect(mode(file)).toBe(0o600)
    expect(mode(journalFileOf(file))).toBe(0o600)
    expect(mode(join(dir, '.data', 'sandbox'))).toBe(0o700)
    expect(mode(join(dir, '.data'))).toBe(0o700)

    // Files an older version left readable by others are set aside (or opened) owner-only.
    writeFileSync(file, '{bad', { mode: 0o644 })
    writeFileSync(journalFileOf(file), '', { mode: 0o644 })
    const second = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    const aside = readdirSync(join(dir, '.data', 'sandbox')).filter((f) => f.includes('.damaged-'))
    expect(aside).toHaveLength(2)
    for (const name of aside) expect(mode(join(dir, '.data', 'sandbox', name)), name).toBe(0o600)
    await api(second, '/verify/json', { number: '447700900002', brand: 'K2' })
    expect(mode(journalFileOf(file))).toBe(0o600)
    await second.close()
    expect(mode(file)).toBe(0o600)
  })

  it('a valid state file an older version left readable by others is made owner-only when opened', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777
    const file = join(dir, 'state.json')
    const state: PersistedState = {
      version: 1,
      saved_at: new Date().toISOString(),
      clock_offset_ms: 0,
      engine: { version: 1, requests: [], testNumbers: [{ number: '447700900009', pin: '1234' }] },
    }
    writeFileSync(file, JSON.stringify(state), { mode: 0o644 })
    chmodSync(file, 0o644)
    const sandbox = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
    expect(mode(file)).toBe(0o600)
    // Opened, not set aside: what it held is there.
    expect(readdirSync(dir).filter((f) => f.includes('.damaged-'))).toEqual([])
    expect(await api(sandbox, '/__admin/test-numbers')).toMatchObject({
      test_numbers: [{ number: '447700900009' }],
    })
    await sandbox.close()
    expect(warnings).toEqual([])
  })

  it.each([
    ['a request without its fields', { id: 'a' }],
    ['a request that is not an object', null],
  ])(
    'a readable state that cannot be restored (%s) sets both files aside in one move, with one warning',
    async (_, request) => {
      const file = join(dir, 'state.json')
      const journal = journalFileOf(file)
      const broken = {
        version: 1,
        saved_at: new Date().toISOString(),
        clock_offset_ms: 0,
        engine: { version: 1, requests: [request], testNumbers: [] },
      }
      writeFileSync(file, JSON.stringify(broken))
      writeFileSync(journal, '{"s":1,"c":5000}\n')
      const sandbox = createSandbox({ stateFile: file, logger, saveDelayMs: 10_000 })
      const aside = readdirSync(dir).filter((f) => f.includes('.damaged-'))
      expect(aside).toHaveLength(2)
      const stateAside = aside.find((f) => f.startsWith('state.json.damaged-')) as string
      const suffix = stateAside.slice('state.json'.length)
      expect(aside).toContain(`state.json.journal${suffix}`)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        new RegExp(`^sandbox: state file .*state\\.json could not be restored \\(TypeError: `),
      )
      expect(warnings[0]).toContain(
        `moved it to ${file}${suffix} (and its journal ${journal} to ${journal}${suffix}) and started empty.`,
      )
      expect(((await api(sandbox, '/__admin/requests')) as { total: number }).total).toBe(0)
      await sandbox.close()
    },
  )

  it('valid JSON of the wrong shape counts as damaged', () => {
    const file = join(dir, 'state.json')
    writeFileSync(file, '[1,2,3]')
    expect(loadState(file, logger)).toBeUndefined()
    expect(existsSync(file)).toBe(false)
  })

  it('writes are batched and atomic', async () => {
    const file = join(dir, 'state.json')
    let produced = 0
    const writer = createStateWriter(
      file,
      () => {
        produced++
        return {
          version: 1,
          saved_at: '',
          clock_offset_ms: produced,
          engine: { version: 1, requests: [], testNumbers: [] },
        }
      },
      logger,
      20,
    )
    for (let i = 0; i < 100; i++) writer.schedule()
    await new Promise((r) => setTimeout(r, 60))
    await writer.idle()
    expect(produced).toBe(1)
    expect(loadState(file, logger)?.clock_offset_ms).toBe(1)
    writer.schedule()
    writer.flushSync()
    expect(loadState(file, logger)?.clock_offset_ms).toBe(2)
    writer.stop()
  })

  it('a snapshot started before a newer one was written never replaces it', async () => {
    const file = join(dir, 'state.json')
    let offset = 0
    const writer = createStateWriter(
      file,
      () => ({
        version: 1,
        saved_at: '',
        clock_offset_ms: ++offset,
        engine: { version: 1, requests: [], testNumbers: [] },
      }),
      logger,
      0,
    )
    writer.schedule()
    await new Promise((r) => setTimeout(r, 0)) // the slow write of offset 1 is under way
    writer.schedule()
    writer.flushSync() // offset 2, written at once (a close or a hand-over)
    await writer.idle()
    expect(loadState(file, logger)?.clock_offset_ms).toBe(2)
    writer.stop()
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('the journal is replayed over the snapshot in order, after the snapshot’s own lines', () => {
    const record = (id: string, status: string) => ({ id, status }) as unknown as RequestRecord
    const snapshot: PersistedState = {
      version: 1,
      saved_at: '',
      clock_offset_ms: 10,
      engine: { version: 1, requests: [record('a', 'IN PROGRESS')], testNumbers: [] },
      journal_seq: 2,
    }
    const replayed = replayJournal(snapshot, [
      { s: 1, r: record('old', 'IN PROGRESS') },
      { s: 2, r: record('a', 'IN PROGRESS') },
      { s: 3, r: record('b', 'IN PROGRESS') },
      { s: 4, r: record('a', 'SUCCESS') },
      { s: 5, c: 70_000, t: [{ number: '447700900000', pin: '1234' }] },
    ])
    expect(replayed?.engine.requests.map((r) => [r.id, r.status])).toEqual([
      ['a', 'SUCCESS'],
      ['b', 'IN PROGRESS'],
    ])
    expect(replayed?.clock_offset_ms).toBe(70_000)
    expect(replayed?.engine.testNumbers).toEqual([{ number: '447700900000', pin: '1234' }])
    expect(replayed?.journal_seq).toBe(5)
    // A reset forgets what came before it; with no snapshot the journal alone is the state.
    const afterReset = replayJournal(undefined, [
      { s: 1, r: record('a', 'IN PROGRESS') },
      { s: 2, x: 1, c: 0 },
      { s: 3, r: record('c', 'IN PROGRESS') },
    ])
    expect(afterReset?.engine.requests.map((r) => r.id)).toEqual(['c'])
    expect(replayJournal(snapshot, [{ s: 2, r: record('z', 'x') }])).toBe(snapshot)
  })

  it('journal lines are in the file as soon as they are appended; compaction keeps the later ones', () => {
    const file = journalFileOf(join(dir, 'state.json'))
    const journal = openJournal(file, 7, logger)
    journal.append([{ c: 1 }, { c: 2 }])
    const taken = journal.size
    journal.append([{ c: 3 }])
    expect(readJournal(file, logger).map((l) => [l.s, l.c])).toEqual([
      [8, 1],
      [9, 2],
      [10, 3],
    ])
    journal.compact(taken)
    journal.append([{ c: 4 }])
    expect(readJournal(file, logger).map((l) => l.s)).toEqual([10, 11])
    journal.close()
    // A line cut short by a kill is skipped with a warning; the others still count.
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"s":12,"r":{"id":"x`)
    expect(readJournal(file, logger).map((l) => l.s)).toEqual([10, 11])
    expect(warnings.join('\n')).toMatch(/unreadable/)
  })

  it('a sandbox that was never closed is restored from its journal', async () => {
    const file = join(dir, 'state.json')
    const first = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    const id = (await api(first, '/verify/json', { number: '447700900000', brand: 'Acme' }))
      .request_id as string
    await api(first, '/__admin/clock', { advance_seconds: 130 })
    await api(first, '/__admin/test-numbers', { number: '447700900099', pin: '5555' })
    expect(existsSync(file)).toBe(false)
    // As if the process had died: the next sandbox does not get a hand-over (the registry must
    // have held the file, or the next sandbox would be restored from a hand-over snapshot).
    const owners = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('verify-desk.sandbox.state-owners')
    ]
    expect(owners?.delete(resolve(file))).toBe(true)
    const second = createSandbox({ stateFile: file, logger })
    const view = (await api(second, `/__admin/requests/${id}`)) as {
      status: string
      events: unknown[]
    }
    expect(view.status).toBe('IN PROGRESS')
    expect(view.events).toHaveLength(2)
    expect(((await api(second, '/__admin/clock')) as { offset_ms: number }).offset_ms).toBe(130_000)
    expect(
      ((await api(second, '/__admin/test-numbers')) as { test_numbers: unknown[] }).test_numbers,
    ).toEqual([{ number: '447700900099', pin: '5555' }])
    expect(existsSync(file)).toBe(true)
    await second.close()
    await first.close()
  })

  it('calls made in-process (the proxy’s path) are in the journal when they are answered', async () => {
    const file = join(dir, 'state.json')
    const sandbox = createSandbox({ stateFile: file, logger, saveDelayMs: 60_000 })
    const rawQuery = 'api_key=sandbox&api_secret=sandbox-secret&number=447700900000&brand=Acme'
    const answer = await sandbox.handle({
      method: 'GET',
      path: '/verify/json',
      rawQuery,
      query: new URLSearchParams(rawQuery),
      header: () => undefined,
      body: null,
      tooLarge: false,
    })
    const { body } = answer as { body: string }
    const id = (JSON.parse(body) as { request_id: string }).request_id
    const lines = readJournal(journalFileOf(file), logger)
    expect(lines.map((l) => l.r?.id)).toContain(id)
    await sandbox.close()
  })

  it('stateFile false keeps everything in memory', async () => {
    const sandbox = createSandbox({ stateFile: false, logger })
    await api(sandbox, '/verify/json', { number: '447700900000', brand: 'Acme' })
    await sandbox.close()
    expect(readdirSync(dir)).toEqual([])
  })
})
