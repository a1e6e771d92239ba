import { describe, expect, it } from 'vitest'
import { reportedStatus, type HistoryEntry } from '@/utils/history-entry'
import {
  HistoryImportError,
  historyToCsv,
  historyToJson,
  parseHistoryFile,
  planImport,
  type ImportOutcome,
} from '@/utils/history-io'
import { entry, foundWith, requestId, storedCall as call } from '../stores/history-support'
import { parseCsv } from './csv-support'

function problemsOf(text: string): string[] {
  try {
    parseHistoryFile(text)
  } catch (error) {
    if (error instanceof HistoryImportError) return error.problems
    throw error
  }
  throw new Error('the file was accepted')
}

describe('history import: the calls of a refused entry', () => {
  it('names the entry problem once, not each of its calls as belonging to no entry', () => {
    const bad = { ...entry(1), status: 'DONE' }
    const problems = problemsOf(
      JSON.stringify({
        entries: [bad],
        calls: [call(requestId(1), 1), call(requestId(1), 2), call(requestId(1), 3)],
      }),
    )
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(new RegExp(`^entry 1 \\(${requestId(1)}\\): status must be one of`))
    expect(problems[1]).toBe('3 recorded calls of the entries above are left out with them')
    expect(problems.join('\n')).not.toContain('has no entry in the file')
  })

  it('still reports a call whose request_id is nowhere in the file', () => {
    const problems = problemsOf(
      JSON.stringify({
        entries: [{ ...entry(1), status: 'DONE' }, entry(2)],
        calls: [call(requestId(1), 1), call(requestId(3), 2), call(requestId(2), 3)],
      }),
    )
    expect(problems.slice(1)).toEqual([
      `call 2: its request_id ${requestId(3)} has no entry in the file`,
      '1 recorded call of the entries above is left out with them',
    ])
  })

  it('imports the calls of valid entries', () => {
    const { entries, calls } = parseHistoryFile(
      JSON.stringify({ entries: [entry(2)], calls: [call(requestId(2), 1)] }),
    )
    expect(entries.map((e) => e.request_id)).toEqual([requestId(2)])
    expect(calls.map((c) => c.key)).toEqual([`k1|${requestId(2)}`])
  })
})

describe('history import: the file format and its version', () => {
  const file = (extra: Record<string, unknown>) =>
    JSON.stringify({
      format: 'verify-desk-history',
      schemaVersion: 2,
      entries: [entry(1)],
      ...extra,
    })

  it('says a CSV export of history is one, and that only a JSON export can be imported', () => {
    const csv = historyToCsv([entry(1)])
    const refusal =
      'it is a CSV export of history: only a JSON export can be imported (export as JSON, then import that file)'
    expect(problemsOf(csv)).toEqual([refusal])
    // As downloaded (with the byte order mark), and saved again by a spreadsheet (LF line ends).
    expect(problemsOf(`\uFEFF${csv}`)).toEqual([refusal])
    expect(problemsOf(csv.replace(/\r\n/g, '\n'))).toEqual([refusal])
    // Saved again by a spreadsheet with semicolons, quotes, tabs or its own columns.
    expect(problemsOf(csv.replace(/,/g, ';'))).toEqual([refusal])
    expect(problemsOf('"request_id","environment","note"\r\n"abc","sandbox","x"\r\n')).toEqual([
      refusal,
    ])
    expect(problemsOf('request_id\tstatus\nabc\t0\n')).toEqual([refusal])
    // Other text that is not JSON is still said to be that.
    expect(problemsOf('request_id\r\nabc\r\n')[0]).toMatch(/^it is not JSON \(/)
  })

  it('refuses a file of another format, naming it', () => {
    expect(problemsOf(JSON.stringify({ format: 'something-else', entries: [] }))).toEqual([
      'it is not a Verify Desk history export: its format is "something-else", not "verify-desk-history"',
    ])
  })

  it('refuses a history from a newer version, naming both versions', () => {
    expect(problemsOf(file({ schemaVersion: 9 }))).toEqual([
      'it was exported by a newer version of Verify Desk (history schemaVersion 9; this version reads up to 2): update Verify Desk to import it',
    ])
    expect(problemsOf(file({ schemaVersion: 'two' }))).toEqual([
      'its schemaVersion must be a whole number from 1 (it is "two")',
    ])
  })

  it('refuses an entry of a newer version inside a bare list', () => {
    expect(problemsOf(JSON.stringify([entry(1), { ...entry(2), schemaVersion: 9 }]))).toEqual([
      `entry 2 (${requestId(2)}): schemaVersion 9 is from a newer version of Verify Desk (this one reads up to 2)`,
    ])
  })

  it('reads this version and older ones, and leaves out fields history does not know', () => {
    const withExtra = {
      ...entry(1, {
        lastSearch: {
          events: [],
          checks: [],
          price: '0.1',
          currency: 'EUR',
          estimatedPrice: '',
          accountId: 'a',
          senderId: 's',
          dateSubmitted: '',
          dateFinalized: '',
          firstEventDate: '',
          lastEventDate: '',
          fetchedAt: 1_700_000_000_000,
        },
      }),
      smsLog: ['hello'],
    }
    ;(withExtra.lastSearch as unknown as Record<string, unknown>).secret = 'x'
    const { entries } = parseHistoryFile(file({ schemaVersion: 1, entries: [withExtra] }))
    expect(entries).toHaveLength(1)
    expect(entries[0]).not.toHaveProperty('smsLog')
    expect(entries[0]!.lastSearch).not.toHaveProperty('secret')
    expect(entries[0]).toEqual({ ...entry(1, { lastSearch: entries[0]!.lastSearch }) })
    expect(entries[0]!.lastSearch?.price).toBe('0.1')
    expect(
      parseHistoryFile(file({ format: undefined, schemaVersion: undefined })).entries,
    ).toHaveLength(1)
  })
})

describe('planImport: the rules of an import, on the page and in the worker alike', () => {
  const NOW = Date.UTC(2026, 10, 20)
  const DAY = 86_400_000

  it('decides each entry against its stored copy and counts the outcomes', () => {
    const old = NOW - 40 * DAY
    const expired = entry(3, { status: 'EXPIRED', updatedAt: old, lastActivityAt: old })
    const plan = planImport(
      { entries: [entry(1), entry(2, { brand: 'New' }), expired, entry(4)], calls: [] },
      { retentionDays: 30, now: NOW },
    )
    const stored = new Map([
      [requestId(1), entry(1)],
      [requestId(2), entry(2, { updatedAt: entry(2).updatedAt - 1 })],
    ])
    const outcomes = new Map<string, ImportOutcome>()
    const written = plan
      .updates(outcomes)
      .map((u) => u.next(stored.get(u.id)))
      .filter((e) => e !== null)
    expect(written.map((e) => [e.request_id, e.brand])).toEqual([
      [requestId(2), 'New'],
      [requestId(4), 'Brand 4'],
    ])
    expect(Object.fromEntries(outcomes)).toEqual({
      [requestId(1)]: 'unchanged',
      [requestId(2)]: 'updated',
      [requestId(3)]: 'tooOld',
      [requestId(4)]: 'added',
    })
    expect(plan.counts(outcomes, 2)).toEqual({
      added: 1,
      updated: 1,
      unchanged: 1,
      tooOld: 1,
      calls: 2,
      retentionDays: 30,
    })
    // Retention 0 keeps everything, however old.
    const forever = planImport({ entries: [expired], calls: [] }, { retentionDays: 0, now: NOW })
    expect(forever.decide(undefined, expired)).toEqual({ outcome: 'added', write: expired })
  })

  it('brings a future last activity back to now', () => {
    const ahead = entry(1, { lastActivityAt: NOW + DAY })
    const plan = planImport({ entries: [ahead], calls: [] }, { retentionDays: 0, now: NOW })
    expect(plan.entries).toEqual([{ ...ahead, lastActivityAt: NOW }])
  })
})

describe('export and import: a status search answered that this dashboard does not know', () => {
  const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

  /** 1: found with BLOCKED; 2: never found (UNKNOWN); 3: found in progress. */
  const entries: HistoryEntry[] = [
    foundWith(1, 'BLOCKED', NOW),
    entry(2, { status: 'UNKNOWN' }),
    foundWith(3, 'IN PROGRESS', NOW),
  ]

  /** The status column of the CSV export, by request_id. */
  function csvStatuses(csv: string): Record<string, string | undefined> {
    const [header, ...rows] = parseCsv(csv)
    const column = header!.indexOf('status')
    return Object.fromEntries(rows.map((row) => [row[0], row[column]]))
  }

  it('CSV writes it as search wrote it (as history shows it), and an import of the export keeps it', () => {
    const csv = historyToCsv(entries)
    expect(csvStatuses(csv)).toEqual({
      [requestId(1)]: 'BLOCKED',
      [requestId(2)]: 'UNKNOWN',
      [requestId(3)]: 'IN PROGRESS',
    })
    // Import reads the JSON export (CSV is for reading elsewhere): nothing of the status is lost.
    const plan = planImport(parseHistoryFile(historyToJson(entries)), {
      retentionDays: 0,
      now: NOW + 1000,
    })
    const imported = plan
      .updates(new Map<string, ImportOutcome>())
      .map((update) => update.next(undefined))
      .filter((e) => e !== null)
    expect(imported).toEqual(entries)
    expect(reportedStatus(imported[0]!)).toBe('BLOCKED')
    expect(historyToCsv(imported)).toBe(csv)
  })
})
