import { describe, expect, it } from 'vitest'
import { HistoryImportError, parseHistoryFile } from '@/utils/history-io'
import { entry, requestId } from '../stores/history-support'

function call(id: string, n: number) {
  return {
    key: `k${n}|${id}`,
    request_id: id,
    kind: 'read',
    call: {
      id: n,
      key: `k${n}`,
      method: 'GET',
      path: 'sandbox/verify/search/json',
      startedAt: 1_700_000_000_000 + n,
      durationMs: 12,
      query: { request_id: id },
      body: null,
      httpStatus: 200,
      response: { request_id: id, status: 'IN PROGRESS' },
      error: null,
    },
  }
}

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
