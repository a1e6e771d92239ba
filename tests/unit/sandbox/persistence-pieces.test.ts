import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSandbox } from '../../../server/sandbox/index'
import { VirtualClock } from '../../../server/sandbox/context'
import { Engine } from '../../../server/sandbox/engine'
import type { EngineChange, RequestRecord } from '../../../server/sandbox/engine'
import {
  createStateWriter,
  journalFileOf,
  readJournal,
  snapshotOf,
} from '../../../server/sandbox/persistence'
import type { PersistedState, StateSnapshot } from '../../../server/sandbox/persistence'
import { keepState } from '../../../server/sandbox/state-keeping'

// A snapshot of a big state is written piece by piece, each piece in its own turn of the event
// loop: these tests make changes between the pieces.

let dir: string
const warnings: string[] = []
const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m) }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-pieces-'))
  warnings.length = 0
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

type Sandbox = ReturnType<typeof createSandbox>

/** A Verify call in-process (the proxy's path), answered at once. */
function call(sandbox: Sandbox, path: string, params: Record<string, string>) {
  const rawQuery = new URLSearchParams({
    api_key: 'sandbox',
    api_secret: 'sandbox-secret',
    ...params,
  }).toString()
  const answer = sandbox.handle({
    method: 'GET',
    path,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    header: () => undefined,
    body: null,
    tooLarge: false,
  })
  if (answer instanceof Promise || typeof answer === 'symbol' || typeof answer.body !== 'string') {
    throw new Error(`no answer at once to ${path}`)
  }
  return JSON.parse(answer.body) as Record<string, unknown>
}

/** Runs `step` once per turn of the event loop until it gives a value. */
function everyTurn<T>(step: () => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const turn = () => {
      try {
        const value = step()
        if (value === undefined) setImmediate(turn)
        else resolve(value)
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    }
    setImmediate(turn)
  })
}

/** Requests a snapshot writes in more than a few pieces. */
const MANY = 1200

describe('a snapshot written piece by piece', () => {
  it('holds the state of the moment it was taken; changes made while it is written are in the journal and survive a restart', async () => {
    const file = join(dir, 'state.json')
    // PINs are all 1s: the code 0000 is always wrong.
    const options = { throttlePerSecond: null, logger, pin: (n: number) => '1'.repeat(n) }
    const sandbox = createSandbox({ ...options, stateFile: file, saveDelayMs: 5 })
    const ids: string[] = []
    for (let n = 0; n < MANY; n++) {
      const number = `4477009${String(n).padStart(5, '0')}`
      ids.push(call(sandbox, '/verify/json', { number, brand: 'Acme' }).request_id as string)
    }
    // The last requests are in the last piece: a wrong code for one of them every turn, one each
    // (however many turns the write takes on this machine).
    const last = ids.slice(-300)
    let turn = 0
    const { state, journal } = await everyTurn(() => {
      // Read in one turn: the snapshot in place and the journal compacted up to it.
      if (existsSync(file)) {
        const journal = readJournal(journalFileOf(file), logger)
        return { state: JSON.parse(readFileSync(file, 'utf8')) as PersistedState, journal }
      }
      if (turn < last.length) {
        call(sandbox, '/verify/check/json', { request_id: last[turn++]!, code: '0000' })
      }
      return undefined
    })
    const seq = state.journal_seq ?? 0
    const later = journal.filter((l) => l.s > seq && l.r).map((l) => l.r as RequestRecord)
    expect(later.length, 'checks made while the snapshot was written').toBeGreaterThan(0)
    // Each of them is after the snapshot's moment: not in it (the journal replays it over it).
    const checksThen = new Map(state.engine.requests.map((r) => [r.id, r.checks.length]))
    expect(state.engine.requests).toHaveLength(MANY)
    expect(
      later.filter((r) => (checksThen.get(r.id) ?? -1) >= r.checks.length).map((r) => r.id),
    ).toEqual([])

    // As if the process had died now: the next start has the file and the journal as they are.
    const copy = join(dir, 'copy', 'state.json')
    mkdirSync(join(dir, 'copy'))
    copyFileSync(file, copy)
    copyFileSync(journalFileOf(file), journalFileOf(copy))
    const again = createSandbox({ ...options, stateFile: copy })
    const views = (s: Sandbox) =>
      later.map((r) => call(s, '/verify/search/json', { request_id: r.id }).checks)
    expect(views(again)).toEqual(views(sandbox))
    // Each holds the one wrong code sent while the snapshot was written.
    expect(views(again).map((checks) => (checks as unknown[]).length)).toEqual(later.map(() => 1))
    await again.close()
    await sandbox.close()
  })

  it('is dropped, never put in place, when a request it holds changed after its moment', async () => {
    // Finished requests never change, so a snapshot keeps them as they are: should the engine
    // change one all the same before its piece is written, that snapshot is not written.
    const file = join(dir, 'state.json')
    const clock = new VirtualClock()
    const engine = new Engine({ now: clock.now, throttlePerSecond: null })
    const keeping = keepState({
      file,
      engine,
      clock,
      logger,
      saveDelayMs: 5,
      onHandedOver: () => undefined,
      onTakenOver: () => undefined,
    })
    engine.subscribe((change) => keeping.changed(change))
    const creds = { api_key: 'sandbox', api_secret: 'sandbox-secret' }
    let lastId = ''
    for (let n = 0; n < MANY; n++) {
      const number = `4477009${String(n).padStart(5, '0')}`
      lastId = engine.call('request', { ...creds, number, brand: 'Acme' }).request_id as string
      const code = engine.getRequest(lastId)?.pin
      expect(engine.call('check', { ...creds, request_id: lastId, code }).status).toBe('0')
    }
    keeping.flush()
    let changeSeq = 0
    const emit = (change: EngineChange) =>
      (engine as unknown as { emit(change: EngineChange): void }).emit(change)
    const landed = await everyTurn(() => {
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PersistedState
      // A piece is out (the snapshot was taken): the last request, finished, changes in place.
      if (changeSeq === 0 && readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
        const record = engine.getRequest(lastId) as RequestRecord
        record.brand = 'Changed'
        emit({ type: 'request', record })
        keeping.flush()
        changeSeq = Math.max(...readJournal(journalFileOf(file), logger).map((l) => l.s))
      }
      return undefined
    })
    expect(changeSeq, 'the request changed while the snapshot was written').toBeGreaterThan(0)
    // The first snapshot in place holds the state of one moment: it has the change if, and only
    // if, it was taken after it (its journal position is then past the change's line).
    const holdsTheChange = landed.engine.requests.find((r) => r.id === lastId)?.brand === 'Changed'
    expect(holdsTheChange).toBe((landed.journal_seq ?? 0) >= changeSeq)
    expect(landed.engine.requests).toHaveLength(MANY)
    await keeping.close(() => undefined)
  })

  it('is the same JSON as the whole state written at once', async () => {
    const file = join(dir, 'state.json')
    const record = (n: number) =>
      ({
        id: `r${n}`,
        brand: `"quoted" \u2028 ${n}`,
        events: [],
        checks: [],
      }) as unknown as RequestRecord
    const state: PersistedState = {
      version: 1,
      saved_at: '2026-01-01T00:00:00.000Z',
      clock_offset_ms: 5,
      engine: {
        version: 1,
        requests: Array.from({ length: 700 }, (_, n) => record(n)),
        testNumbers: [{ number: '447700900099', pin: '1234' }],
      },
      journal_seq: 42,
    }
    const writer = createStateWriter(file, () => snapshotOf(state), logger, 0)
    writer.schedule()
    await new Promise((r) => setTimeout(r, 5))
    await writer.idle()
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(state))
    writer.stop()
  })

  it('that fails part way leaves the file in place as it was, and no partial file beside it', async () => {
    const file = join(dir, 'state.json')
    const before = JSON.stringify({
      version: 1,
      saved_at: '',
      clock_offset_ms: 1,
      engine: { version: 1, requests: [], testNumbers: [] },
    })
    writeFileSync(file, before)
    const snapshot: StateSnapshot = {
      ...snapshotOf({
        version: 1,
        saved_at: '',
        clock_offset_ms: 2,
        engine: { version: 1, requests: [], testNumbers: [] },
      }),
      count: MANY,
      request(index) {
        if (index === MANY - 1) throw new Error('cannot serialise this request')
        return { id: `r${index}`, events: [], checks: [] } as unknown as RequestRecord
      },
    }
    const writer = createStateWriter(file, () => snapshot, logger, 0)
    writer.schedule()
    await new Promise((r) => setTimeout(r, 5))
    await writer.idle()
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(readdirSync(dir)).toEqual(['state.json'])
    expect(warnings.join('\n')).toMatch(/could not save state.*cannot serialise this request/)
    writer.stop()
  })
})
