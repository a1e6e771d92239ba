import { describe, expect, it } from 'vitest'
import { validateRequestParams } from '@contract/params'
import { useVerifyForm } from '@/composables/useVerifyForm'
import { parseNumber, sandboxNumber } from '@/utils/phone'
import { sandboxNumber as serverSandboxNumber } from '../../../server/sandbox/numbers'

// New verification blocks a number exactly when the sandbox would refuse it (status 3, "Invalid
// value for param: number"), and only doubts the rest (a warning: the live API may refuse it).

/** Whether the sandbox refuses a start with this number (and `country`, when given). */
function sandboxRefuses(number: string, country?: string): boolean {
  const params = { number, brand: 'Acme', ...(country ? { country } : {}) }
  const error = validateRequestParams(params, 'request', serverSandboxNumber)
  if (error && error.param !== 'number') throw new Error(`unexpected ${error.param} error`)
  return error !== null
}

/**
 * The sandbox's verdict on a number typed in the form: `null` when it refuses it (as typed, a
 * national number with its country; or the digits the form sends, with the `country` parameter),
 * else the digits it would verify.
 */
function sandboxTakes(typed: string, numberCountry: string, country: string): string | null {
  const international = /^(\+|00)/.test(typed.trim())
  const asTyped = international ? undefined : numberCountry
  if (sandboxRefuses(typed, asTyped)) return null
  const digits = serverSandboxNumber(typed, asTyped)
  if (digits === null || sandboxRefuses(digits, country || undefined)) return null
  return digits
}

/** The form filled with this number: the digits it sends (`null`: it blocks) and its message. */
function formSends(typed: string, numberCountry: string, country = '') {
  const { form, validate, messages } = useVerifyForm({ brand: 'Acme', numberCountry })
  form.number = typed
  form.country = country
  return { number: validate()?.number ?? null, message: messages.value.number ?? null }
}

const INVALID = 'Invalid value for param: number'

// [typed, the form's country of the number, the `country` parameter, the digits sent or null]
const TABLE: [string, string, string, string | null][] = [
  // Accepted by the sandbox though the numbering plans doubt them.
  ['+999 1234567', 'GB', '', '9991234567'],
  ['+4477009', 'GB', '', '4477009'],
  ['+1234567', 'GB', '', '1234567'],
  ['+1 202 555 0100 1234', 'GB', '', '120255501001234'],
  ['00999 1234567', 'GB', '', '9991234567'],
  // Ordinary numbers, international and national, with and without `country`.
  ['+44 7700 900123', 'GB', '', '447700900123'],
  ['+44 (0)7700 900123', 'GB', '', '447700900123'],
  ['07700 900123', 'GB', '', '447700900123'],
  ['030 1234567', 'DE', '', '49301234567'],
  ['(212) 867-5309', 'US', '', '12128675309'],
  ['9123456780', 'IN', '', '919123456780'],
  ['+447700900123', 'GB', 'GB', '447700900123'],
  ['+12125550123', 'GB', 'GB', '12125550123'],
  ['07700 900123', 'GB', 'FR', '447700900123'],
  // Refused by the sandbox.
  ['+44 12', 'GB', '', null],
  ['+123456', 'GB', '', null],
  ['+1234567890123456', 'GB', '', null],
  ['+0044 7700 900123', 'GB', '', null],
  ['0770090012345678', 'GB', '', null],
  ['12', 'GB', '', null],
  ['abc', 'GB', '', null],
  ['+44 7700 9001x3', 'GB', '', null],
]

describe('the New verification number and the sandbox agree', () => {
  it.each(TABLE)('%j (typed for %s, country %j): %s', (typed, numberCountry, country, digits) => {
    expect(sandboxTakes(typed, numberCountry, country)).toBe(digits)
    const sent = formSends(typed, numberCountry, country)
    expect(sent.number).toBe(digits)
    // A blocking message exactly when the sandbox refuses, with its answer.
    expect(sent.message?.apiText ?? null).toBe(digits === null ? INVALID : null)
  })

  it("reads a number exactly as the sandbox does (the same rule on each side's numbering plans)", () => {
    const countries = [undefined, 'GB', 'US', 'DE', 'IN', 'IT', 'FR', 'XX']
    for (const [typed] of TABLE) {
      for (const country of countries) {
        expect(sandboxNumber(typed, country), `${typed} with ${country}`).toBe(
          serverSandboxNumber(typed, country),
        )
      }
    }
  })

  it.each([
    ['+999 1234567', 'unknown_country'],
    ['+4477009', 'unusual_length'],
    ['+1234567', 'unusual_length'],
    ['+1 202 555 0100 1234', 'unusual_length'],
    ['030 1234567', null],
    ['+44 7700 900000', 'fictional'],
    ['+44 7700 900999', 'fictional'],
    ['07700 900123', 'fictional'],
    ['+1 202 555 0100', 'fictional'],
    ['+1 202 555 0199', 'fictional'],
    ['+44 7700 901000', 'not_valid'],
    ['+44 7911 123456', null],
  ] as const)('only warns about %j (%s)', (typed, doubt) => {
    const parsed = parseNumber(typed, typed.startsWith('+') || typed.startsWith('07') ? 'GB' : 'DE')
    expect(parsed.ok && parsed.number.doubt).toBe(doubt)
  })

  it('names why a refused number is refused', () => {
    expect(formSends('+44 12', 'GB').message?.message).toBe(
      'The number is too short: with its country code it has at least 7 digits.',
    )
    expect(formSends('+1234567890123456', 'GB').message?.message).toBe(
      'The number is too long: with its country code it has at most 15 digits.',
    )
    expect(formSends('+0044 7700 900123', 'GB').message?.message).toBe(
      'A country code never starts with 0: type + and the country code.',
    )
    expect(formSends('0770090012345678', 'GB').message?.message).toMatch(
      /^The number is too long for /,
    )
  })
})
