import { describe, expect, test } from 'vitest'
import { lintErrors } from './support'

const FILE = 'tests/unit/example.test.ts'

/**
 * What lint reports for a test file made of `body` below the vitest import it uses: rule ids, and
 * for `no-restricted-syntax` (one rule, several selectors) the id with its message.
 */
async function rulesBroken(body: string): Promise<(string | null)[]> {
  const used = ['describe', 'expect', 'it'].filter((name) => new RegExp(`\\b${name}\\b`).test(body))
  const header = `import { ${used.join(', ')} } from 'vitest'\n`
  return (await lintErrors(FILE, header + body)).map((m) =>
    m.ruleId === 'no-restricted-syntax' ? `${m.ruleId}: ${m.message}` : m.ruleId,
  )
}

// The first lint loads ESLint and its TypeScript rules: many seconds on a busy machine (well past
// half a minute beside a full test run). The limit only catches a hang.
describe('lint rejects weak tests', { timeout: 120_000 }, () => {
  test.each([
    [
      'a focused test',
      "it.only('adds', () => { expect(1 + 1).toBe(2) })\n",
      'vitest/no-focused-tests',
    ],
    [
      'a skipped test',
      "it.skip('adds', () => { expect(1 + 1).toBe(2) })\n",
      'vitest/no-disabled-tests',
    ],
    [
      'an x-prefixed test',
      "describe('x', () => { xit('adds', () => {}) })\n",
      'vitest/no-disabled-tests',
    ],
    [
      'a conditionally skipped test',
      "it.skipIf(process.env.CI)('adds', () => { expect(1 + 1).toBe(2) })\n",
      'no-restricted-syntax: No conditional tests: a missing prerequisite fails with a clear message.',
    ],
    ['a todo', "it.todo('adds')\n", 'vitest/warn-todo'],
    ['a test without an assertion', "it('adds', () => { void (1 + 1) })\n", 'vitest/expect-expect'],
    [
      'expect on a literal',
      "it('holds', () => { expect(true).toBe(true) })\n",
      'no-restricted-syntax: expect(<literal>) cannot fail: assert on a value the code produced.',
    ],
    [
      'an assertion behind a branch',
      "it('adds', () => { const n = Math.random(); if (n > 0.5) expect(n).toBe(1) })\n",
      'vitest/no-conditional-in-test',
    ],
    [
      'toBeTruthy',
      "it('finds', () => { expect([1].find(Boolean)).toBeTruthy() })\n",
      'vitest/no-restricted-matchers',
    ],
    [
      'a fixed port in options',
      "it('serves', () => { const o = { port: 5173 }; expect(o).toEqual({ port: 5173 }) })\n",
      'no-restricted-syntax: Fixed ports collide: listen on port 0 and read the port back.',
    ],
    [
      'a fixed port passed to listen',
      "import http from 'node:http'\nit('serves', () => { const s = http.createServer().listen(4010, '127.0.0.1'); expect(s.listening).toBe(false) })\n",
      'no-restricted-syntax: Fixed ports collide: listen on port 0 and read the port back.',
    ],
  ])('%s fails', async (_what, body, rule) => {
    expect(await rulesBroken(body)).toContain(rule)
  })

  test('an assertion helper named expect* counts as an assertion', async () => {
    const body =
      "function expectStatus(s: string) { expect(s).toBe('0') }\nit('starts', () => { expectStatus('0') })\n"
    expect(await rulesBroken(body)).toEqual([])
  })

  test('expect takes a failure message as its second argument', async () => {
    expect(await rulesBroken("it('adds', () => { expect(1 + 1, 'sum').toBe(2) })\n")).toEqual([])
  })

  test('port 0 passes', async () => {
    const body =
      "import http from 'node:http'\nit('serves', () => { const s = http.createServer().listen(0, '127.0.0.1'); expect({ port: 0 }).toEqual({ port: 0 }); s.close() })\n"
    expect(await rulesBroken(body)).toEqual([])
  })
})
