import { describe, expect, it } from 'vitest'
import { isoAt, quotedLogValue } from '../../../server/proxy/log-line'

describe('isoAt (the access log time)', () => {
  it('formats exactly as Date#toISOString, within a second, across seconds and at odd years', () => {
    const base = Date.UTC(2026, 10, 26, 2, 30, 59, 990)
    const times = [
      base,
      base + 1,
      base + 9, // 999 ms
      base + 10, // next second, 000 ms
      base + 10,
      base + 125,
      base - 60_000,
      0,
      -1,
      -1001,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, // +010000-…
      Date.UTC(10000, 0, 1, 0, 0, 0, 5),
      Date.UTC(-1, 0, 1, 0, 0, 0, 7),
    ]
    for (const time of times) expect(isoAt(time)).toBe(new Date(time).toISOString())
  })
})

describe('quotedLogValue (an answer field in the access log)', () => {
  it('escapes every control and line separator, so an answer cannot forge or colour a line', () => {
    expect(quotedLogValue('0')).toBe('"0"')
    expect(quotedLogValue('1\n[verify-desk] time=forged')).toBe('"1\\n[verify-desk] time=forged"')
    expect(quotedLogValue('\u001b[31mred')).toBe('"\\u001b[31mred"')
    expect(quotedLogValue('a\u009bb\u2028c\u2029d\u007f')).toBe(
      '"a\\u009bb\\u2028c\\u2029d\\u007f"',
    )
  })

  it('quotes every single character, and plain values, exactly as the escaping rules say', () => {
    const reference = (value: string) =>
      JSON.stringify(value).replace(
        /[\u007f-\u009f\u2028\u2029]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
    const values = ['', '0', '10', 'throttled', 'a"b', 'a\\b', 'ok ~!#[]{}']
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code)
      values.push(char, `1${char}0`)
    }
    const wrong = values.filter((value) => quotedLogValue(value) !== reference(value))
    expect(wrong).toEqual([])
  })
})
