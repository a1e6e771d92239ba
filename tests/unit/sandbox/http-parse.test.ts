import { describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { flatJson, parseForm } from '../../../server/sandbox/http'
import { createSandbox } from '../../../server/sandbox/index'

// Property runs of thousands of cases: well past half a minute on a busy machine. The time limit
// here only catches a hang.
vi.setConfig({ testTimeout: 120_000 })

describe('answer rendering', () => {
  // 2000 runs with grapheme and binary strings: seconds on a busy machine (see the limit above).
  it('writes the same JSON text as JSON.stringify for any flat answer', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.constant(undefined),
      fc.array(fc.string(), { maxLength: 3 }),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 8 }), (body) => {
        expect(flatJson(body)).toBe(JSON.stringify(body))
      }),
      { numRuns: 2000, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
    expect(flatJson({ request_id: 'a"b\\c', status: '6' })).toBe(
      '{"request_id":"a\\"b\\\\c","status":"6"}',
    )
    expect(flatJson({ '1': 'x', status: '0' })).toBe(JSON.stringify({ '1': 'x', status: '0' }))
  })
})

describe('form parsing', () => {
  it('reads a query string or form body as URLSearchParams does, repeated keys as lists', () => {
    const text = fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.string(),
            fc.constantFrom('a', 'b', '__proto__', 'constructor'),
            // The API's own names (read without a new string each).
            fc.constantFrom('api_key', 'api_secret', 'request_id', 'request_ids', 'code', 'lg'),
          ),
          fc.option(fc.string()),
        ),
        { maxLength: 6 },
      )
      .map((pairs) =>
        pairs
          .map(([k, v]) =>
            v === null
              ? encodeURIComponent(k)
              : `${encodeURIComponent(k).replace(/%20/g, '+')}=${encodeURIComponent(v)}`,
          )
          .join('&'),
      )
    fc.assert(
      // (The adapter hands over the query string without its `?`.)
      fc.property(
        fc.oneof(text, fc.string()).filter((t) => !t.startsWith('?')),
        (input) => {
          const expected: Record<string, string | string[]> = {}
          for (const [k, v] of new URLSearchParams(input)) {
            const prev = Object.prototype.hasOwnProperty.call(expected, k) ? expected[k] : undefined
            Object.defineProperty(expected, k, {
              value: prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v],
              enumerable: true,
              writable: true,
              configurable: true,
            })
          }
          expect({ ...parseForm(input) }).toEqual(expected)
        },
      ),
      { numRuns: 2000, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
    const parsed = parseForm('__proto__=x&constructor=y&&a&b=1+2%2B')
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor', 'a', 'b'])
    expect(parsed.__proto__).toBe('x')
    expect(parsed.constructor).toBe('y')
    expect(parsed.b).toBe('1 2+')
    expect((parsed as Record<string, unknown>).toString).toBeUndefined()
    // An API name written with escapes, or within a longer or shorter name, reads as written.
    expect({ ...parseForm('api%5Fkey=a&api_keys=b&api_ke=c&code&code=1&api_key=d+e') }).toEqual({
      api_key: ['a', 'd e'],
      api_keys: 'b',
      api_ke: 'c',
      code: ['', '1'],
    })
  })

  it('a JSON body with a byte order mark is still JSON over node HTTP', async () => {
    const sandbox = createSandbox({ stateFile: false })
    try {
      const { createServer } = await import('node:http')
      const server = createServer((req, res) => sandbox.middleware(req, res))
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      const { port } = server.address() as { port: number }
      const body = `\uFEFF${JSON.stringify({
        api_key: 'sandbox',
        api_secret: 'sandbox-secret',
        number: '447700900123',
        brand: 'Acme',
      })}`
      const res = await fetch(`http://127.0.0.1:${port}/verify/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const answer = (await res.json()) as { status: string }
      server.close()
      expect(answer.status).toBe('0')
    } finally {
      await sandbox.close()
    }
  })
})
