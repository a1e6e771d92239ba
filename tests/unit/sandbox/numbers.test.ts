import { describe, expect, it } from 'vitest'
import { normalizeNumber } from '@contract/params'
import { parseNumber } from '@/utils/phone'
import { sandboxNumber } from '../../../server/sandbox/numbers'

// How the sandbox reads `number` (with `country`): by the country's numbering plan.
describe('sandboxNumber', () => {
  it.each([
    ['9123456780', 'IN', '919123456780'],
    ['3931234567', 'IT', '393931234567'],
    ['47123456', 'NO', '4747123456'],
    ['0612345678', 'IT', '390612345678'],
    ['06 1234 5678', 'it', '390612345678'],
    ['011447700900777', 'US', '447700900777'],
    ['011 44 7700 900777', 'US', '447700900777'],
    ['03001234567', 'PK', '923001234567'],
    ['01712345678', 'BD', '8801712345678'],
    ['0501234567', 'GH', '233501234567'],
    ['07700 900000', 'GB', '447700900000'],
    ['(0)7700 900000', 'GB', '447700900000'],
    ['2128675309', 'US', '12128675309'],
  ])('reads the national number %s in %s as %s', (number, country, expected) => {
    expect(sandboxNumber(number, country)).toBe(expected)
  })

  it.each([
    ['447700900000', 'GB'],
    ['447400123456', 'GB'],
    ['12128675309', 'US'],
    ['4915112345678', 'DE'],
    ['393123456789', 'IT'],
    ['919123456780', 'IN'],
    ['447400123456', 'IN'],
    ['12128675309', 'GB'],
    ['447700905555', 'US'],
  ])(
    'keeps E.164 digits %s sent with %s as they are (as the SDKs send them)',
    (number, country) => {
      expect(sandboxNumber(number, country)).toBe(number)
    },
  )

  it.each([
    ['+44 (0)7700 905555', undefined, '447700905555'],
    ['+44 (0)7700 905555', 'GB', '447700905555'],
    ['0044 (0) 7700 905555', 'US', '447700905555'],
    ['+919123456780', 'IN', '919123456780'],
    ['00447700900000', 'US', '447700900000'],
    ['447700900000', undefined, '447700900000'],
    ['447700900000', 'ZZ', '447700900000'],
  ])('reads the international %s (country %s) as %s', (number, country, expected) => {
    expect(sandboxNumber(number, country)).toBe(expected)
  })

  it.each([
    ['12345', 'GB'],
    ['0123', 'IT'],
    ['7700abc', 'GB'],
    ['1234567890123456', 'US'],
    ['', 'GB'],
  ])('refuses %s in %s', (number, country) => {
    expect(sandboxNumber(number, country)).toBeNull()
  })
})

describe('normalizeNumber (the contract rule without a numbering plan)', () => {
  it('drops a (0) trunk marker after the calling code and keeps every other form', () => {
    expect(normalizeNumber('+44 (0)7700 905555')).toBe('447700905555')
    expect(normalizeNumber('0044 ( 0 ) 7700-905555')).toBe('447700905555')
    expect(normalizeNumber('+44 7700 905555')).toBe('447700905555')
    expect(normalizeNumber('0-0-44 7700 905555')).toBe('447700905555')
    expect(normalizeNumber('(0)7700 905555')).toBeNull()
    expect(normalizeNumber('07700 905555', 'GB')).toBe('447700905555')
  })
})

describe('the dashboard and the sandbox read a number alike', () => {
  // The form parses what is typed in the number's country and sends E.164 digits, with the API's
  // `country` when one is chosen: the sandbox must store the number the form showed.
  const typed: [string, string][] = [
    ['9123456780', 'IN'],
    ['3931234567', 'IT'],
    ['47123456', 'NO'],
    ['06 1234 5678', 'IT'],
    ['0300 1234567', 'PK'],
    ['01712-345678', 'BD'],
    ['050 123 4567', 'GH'],
    ['07400 123456', 'GB'],
    ['+44 (0)7700 905555', 'GB'],
    ['(212) 867-5309', 'US'],
    ['0151 12345678', 'DE'],
  ]
  it.each(typed)('%s typed for %s', (number, numberCountry) => {
    const parsed = parseNumber(number, numberCountry)
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true)
    const digits = parsed.ok ? parsed.number.digits : ''
    for (const country of [undefined, numberCountry, numberCountry.toLowerCase()]) {
      expect(sandboxNumber(digits, country), `${digits} with ${country ?? 'no country'}`).toBe(
        digits,
      )
    }
    // The number as typed, sent with its country, is the same number too.
    expect(sandboxNumber(number, numberCountry)).toBe(digits)
  })
})
