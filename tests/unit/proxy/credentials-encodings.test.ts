import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRedactor } from '../../../server/proxy/credentials'

/**
 * Echoes copied from what other encoders write (not computed here): PHP's htmlspecialchars with
 * ENT_QUOTES (`&#039;`), Python's html.escape (`&#x27;`), PHP's json_encode with JSON_HEX_AMP
 * (`\u0026`, `\/`), and entity spellings other HTML writers use.
 */
describe('redact: echoes the audit found passing', () => {
  it.each([
    ["PHP's htmlspecialchars (ENT_QUOTES)", `pa'ss"word&1`, 'pa&#039;ss&quot;word&amp;1'],
    ["Python's html.escape", `pa'ss"word&1`, 'pa&#x27;ss&quot;word&amp;1'],
    ["PHP's json_encode (JSON_HEX_AMP)", 'ab&cd/ef', 'ab\\u0026cd\\/ef'],
    ['decimal entity &#38;', 's3cr&t/é<x>', 's3cr&#38;t/é&lt;x&gt;'],
    ['hex entity &#x26;', 's3cr&t/é<x>', 's3cr&#x26;t/é&lt;x&gt;'],
    ['zero-padded entity &#038;', 's3cr&t/é<x>', 's3cr&#038;t/é&lt;x&gt;'],
    [
      'all-numeric entities',
      's3cr&t/é<x>',
      '&#115;&#51;&#99;&#114;&#38;&#116;&#47;&#233;&#60;&#120;&#62;',
    ],
    [
      'all-numeric hex entities, mixed case',
      's3cr&t/é<x>',
      '&#x73;&#X33;&#x63;&#x72;&#x26;&#x74;&#x2F;&#xE9;&#x3c;&#x78;&#x3E;',
    ],
  ])('redacts the secret as %s writes it', (_, secret, echo) => {
    const text = `<p>error: bad secret ${echo} (end)</p>`
    expect(createRedactor([secret])(text)).toBe('<p>error: bad secret [redacted] (end)</p>')
    expect(createRedactor([secret])(text)).toBe('<p>error: bad secret [redacted] (end)</p>')
  })

  it('redacts percent-encoded UTF-8 in either case, and + for a space', () => {
    const secret = 'pé ss/€😀'
    for (const echo of [
      'p%C3%A9+ss%2F%E2%82%AC%F0%9F%98%80',
      'p%c3%a9%20ss%2f%e2%82%ac%f0%9f%98%80',
      'p\\u00E9 ss\\/\\u20ac\\ud83d\\uDE00',
      'p&#xe9;&#32;ss/&#8364;&#128512;',
    ]) {
      expect(createRedactor([secret])(`q=${echo}&x=1`), echo).toBe('q=[redacted]&x=1')
    }
  })

  it('redacts each of several secrets, the longer where one holds the other', () => {
    const redactSecrets = createRedactor(['key-1234', 'key-1234-long', 'other&one'])
    const text = 'a=key-1234-long b=key-1234 c=other&#38;one d=key-123'
    expect(redactSecrets(text)).toBe('a=[redacted] b=[redacted] c=[redacted] d=key-123')
  })

  it('reads regular expression characters in a secret as themselves', () => {
    const secret = '.*+?^${}()|[]\\'
    expect(createRedactor([secret])('x .*+?^${}()|[]\\\\ y')).toBe('x [redacted] y')
    expect(createRedactor([secret])('x ................ y')).toBe('x ................ y')
  })
})

/** One character written in one of its encodings, picked by `pick` (its bits choose case, padding…). */
function encodeChar(char: string, pick: number): string {
  const code = char.codePointAt(0)!
  const upper = (pick >> 3) % 2 === 1
  const hex = (n: number, width = 0) => {
    const digits = n.toString(16).padStart(width, '0')
    return upper ? digits.toUpperCase() : digits
  }
  const zeros = '0'.repeat((pick >> 4) % 3)
  const named: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&apos;',
  }
  const short: Record<string, string> = { '/': '\\/', '"': '\\"', '\\': '\\\\' }
  const units = [...Array(char.length).keys()].map((i) => char.charCodeAt(i))
  const forms = [
    char,
    `&#${zeros}${code};`,
    `&#${upper ? 'X' : 'x'}${zeros}${hex(code)};`,
    units.map((unit) => `\\u${hex(unit, 4)}`).join(''),
    [...new TextEncoder().encode(char)].map((byte) => `%${hex(byte, 2)}`).join(''),
    ...(named[char] ? [named[char]] : []),
    ...(short[char] ? [short[char]] : []),
    ...(char === ' ' ? ['+'] : []),
  ]
  return forms[pick % forms.length]!
}

const SPECIAL = [...'aZ9 /+&<>"\'%é€😀\\;#xu.*?()[]{}|^$']
/** Characters that are no part of any encoding of a character of the secrets below. */
const AROUND = fc.string({ unit: fc.constantFrom(...'kwyzKWYZ,_:!=-\n'), maxLength: 20 })

describe('redact: property over encodings', () => {
  const secretArb = fc
    .string({
      unit: fc.oneof(
        fc.constantFrom(...SPECIAL),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      minLength: 2,
      maxLength: 16,
    })
    .filter((s) => s.length >= 4 && !/[kwyzKWYZ,_:!=\n-]/.test(s))
  const encodedArb = secretArb.chain((secret) =>
    fc.tuple(
      fc.constant(secret),
      fc.array(fc.nat(), { minLength: [...secret].length, maxLength: [...secret].length }),
    ),
  )

  it('redacts a secret written with any encoding for each character, within any text', () => {
    fc.assert(
      fc.property(encodedArb, AROUND, AROUND, ([secret, picks], before, after) => {
        const encoded = [...secret].map((char, i) => encodeChar(char, picks[i]!)).join('')
        const text = `${before}${encoded}${after}`
        expect(createRedactor([secret])(text)).toBe(`${before}[redacted]${after}`)
        expect(createRedactor(['other-secret', secret])(text)).toBe(`${before}[redacted]${after}`)
      }),
      { numRuns: 300, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
    // 600 redactors built: seconds of CPU, half a minute on a machine busy with other files. The
    // limit only catches a hang.
  }, 90_000)

  it('never changes a text that holds no form of the secret', () => {
    // Every form of '§' (U+00A7) holds it or a 7 (&#167; &#xa7; \u00a7 %C2%A7): a text with
    // neither cannot hold the secret.
    const secretArb7 = fc
      .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
      .map(([a, b]) => `${a}§${b}xyz`)
    const textArb = fc
      .string({
        unit: fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', maxLength: 1 })),
        maxLength: 200,
      })
      .map((text) => text.replace(/[§7]/g, ''))
    fc.assert(
      fc.property(secretArb7, textArb, (secret, text) => {
        expect(createRedactor([secret])(text)).toBe(text)
      }),
      { numRuns: 300, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('gives back a large text without any form of a secret unchanged, in one pass', () => {
    const secret = 's3cr&t/é<x>'
    // Near misses at every turn: the secret's start, cut short, in each encoding.
    const chunk = 's3cr&t/é<y> &#115;&#51;&#99;&#114;&#38;&#116;&#47;&#233;&#60;&#120; s3cr%26t%2F '
    const text = chunk.repeat(Math.ceil((1 << 20) / chunk.length))
    expect(text.length).toBeGreaterThanOrEqual(1 << 20)
    expect(createRedactor([secret])(text)).toBe(text)
    expect(createRedactor([secret])(`${text}s3cr&amp;t/é&lt;x&gt;`)).toBe(`${text}[redacted]`)
  })
})
