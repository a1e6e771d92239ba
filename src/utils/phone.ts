/**
 * Phone numbers for the New verification form, on libphonenumber-js with its small ("min")
 * metadata. Imported only by the lazily loaded verification view, so it stays out of the first load.
 */
import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/min'

export interface ParsedNumber {
  /** E.164 digits without `+`, as the API takes them: `447700900000`. */
  digits: string
  /** `+44 7700 900000`. */
  international: string
  /** The country the number belongs to, when known. */
  country: string | undefined
  /** Whether the number matches the numbering plan (a possible-but-invalid number only warns). */
  valid: boolean
}

export type NumberProblem = 'empty' | 'not_a_number' | 'no_country' | 'too_short' | 'too_long'

export type NumberResult =
  { ok: true; number: ParsedNumber } | { ok: false; problem: NumberProblem }

function countryOrUndefined(country: string | undefined): CountryCode | undefined {
  const upper = country?.toUpperCase()
  return upper && isSupportedCountry(upper) ? upper : undefined
}

/**
 * Parses what the user typed: `+44 7700 900000`, `0044…`, or a national number of
 * `defaultCountry` (`07700 900000` with GB).
 */
export function parseNumber(input: string, defaultCountry?: string): NumberResult {
  const text = input.trim().replace(/^00/, '+')
  if (text === '') return { ok: false, problem: 'empty' }
  if (!/^\+?[0-9\s\-.()/]+$/.test(text)) return { ok: false, problem: 'not_a_number' }
  const country = countryOrUndefined(defaultCountry)
  const length = validatePhoneNumberLength(text, country)
  if (length === 'INVALID_COUNTRY') return { ok: false, problem: 'no_country' }
  if (length === 'NOT_A_NUMBER') return { ok: false, problem: 'not_a_number' }
  if (length === 'TOO_SHORT') return { ok: false, problem: 'too_short' }
  if (length === 'TOO_LONG') return { ok: false, problem: 'too_long' }
  const parsed = parsePhoneNumberFromString(text, country)
  if (!parsed) return { ok: false, problem: 'not_a_number' }
  if (!parsed.isPossible()) return { ok: false, problem: 'too_short' }
  return {
    ok: true,
    number: {
      digits: parsed.number.replace(/^\+/, ''),
      international: parsed.formatInternational(),
      country: parsed.country,
      valid: parsed.isValid(),
    },
  }
}

export interface CountryOption {
  code: string
  name: string
  callingCode: string
}

let cached: CountryOption[] | null = null

/** Every country with its name in the user's language and its calling code, sorted by name. */
export function countryOptions(): CountryOption[] {
  if (cached) return cached
  let names: Intl.DisplayNames | null = null
  try {
    names = new Intl.DisplayNames(undefined, { type: 'region' })
  } catch {
    names = null
  }
  cached = getCountries()
    .map((code) => ({
      code,
      name: names?.of(code) ?? code,
      callingCode: getCountryCallingCode(code),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return cached
}

/** The display name of a country code. */
export function countryName(code: string | undefined): string {
  if (!code) return 'the chosen country'
  return countryOptions().find((c) => c.code === code.toUpperCase())?.name ?? code
}
