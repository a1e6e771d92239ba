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
  type PhoneNumber,
} from 'libphonenumber-js/min'
import { FORMATTING, LIMITS, type NumberReader } from '@contract/params'
import { WRITTEN, numberReader } from '@contract/numbers'

export interface ParsedNumber {
  /** E.164 digits without `+`, as the API takes them: `447700900000`. */
  digits: string
  /** `+44 7700 900000`. */
  international: string
  /** The country the number belongs to, when known. */
  country: string | undefined
  /** Its calling code as the numbering plans read it (`44`), when known. */
  callingCode: string | undefined
  /** Whether the number matches the numbering plan (a possible-but-invalid number only warns). */
  valid: boolean
  /**
   * Why the live API may refuse a number the sandbox takes (`null`: no doubt): a calling code the
   * numbering plans do not know, a length unusual for its country, a number set aside for drama and
   * examples (`fictional`: nobody receives it), or a number the plan does not know (`not_valid`).
   */
  doubt: NumberDoubt | null
}

export type NumberDoubt = 'unknown_country' | 'unusual_length' | 'not_valid' | 'fictional'

/**
 * Numbers set aside for drama and examples, which no phone has (E.164 digits): the UK's mobile
 * range 07700 900000-900999 (Ofcom) and North America's 555-0100 to 555-0199 in any area code.
 * The numbering plans call the UK ones invalid; the Verify examples use them.
 */
const FICTIONAL: readonly RegExp[] = [/^447700900\d{3}$/, /^1[2-9]\d{2}55501\d{2}$/]

/**
 * Why the sandbox refuses a number (only these block the form): not digits, a calling code
 * starting with 0, fewer than 7 or more than 15 digits (international forms), a national number
 * that is too short, too long or not possible in the chosen country, or no country to read a
 * national number in.
 */
export type NumberProblem =
  | 'empty'
  | 'not_a_number'
  | 'no_country'
  | 'leading_zero'
  | 'too_short'
  | 'too_long'
  | 'not_possible'

export type NumberResult =
  { ok: true; number: ParsedNumber } | { ok: false; problem: NumberProblem }

function countryOrUndefined(country: string | undefined): CountryCode | undefined {
  const upper = country?.toUpperCase()
  return upper && isSupportedCountry(upper) ? upper : undefined
}

function parse(text: string, country?: CountryCode): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country)
  } catch {
    return undefined
  }
}

/** Whether `code` (upper-case, two letters) is a country the numbering plans know: GB yes, XX no. */
export function knownCountry(code: string): boolean {
  return isSupportedCountry(code)
}

/**
 * The number as the sandbox reads it (`number`, with the `country` sent): international digits
 * (no `+`), or `null` when the sandbox answers status 3. The sandbox's own rule (contract
 * `numberReader`) on the same numbering plans.
 */
export const sandboxNumber: NumberReader = numberReader({
  isSupportedCountry,
  callingCode: (country) => getCountryCallingCode(country as CountryCode),
  parse: (text, country) => parse(text, country as CountryCode | undefined),
})

/** Why an international form the sandbox refuses is refused. */
function internationalProblem(text: string): NumberProblem {
  const digits = text
    .replace(/\(\s*0\s*\)/g, '')
    .replace(FORMATTING, '')
    .replace(/^(\+|00)/, '')
  if (!/^[0-9]+$/.test(digits)) return 'not_a_number'
  if (digits.startsWith('0')) return 'leading_zero'
  if (digits.length < LIMITS.numberDigits.min) return 'too_short'
  if (digits.length > LIMITS.numberDigits.max) return 'too_long'
  return 'not_a_number'
}

/** Why a national number the sandbox refuses in `country` is refused. */
function nationalProblem(text: string, country: CountryCode): NumberProblem {
  const length = validatePhoneNumberLength(text, country)
  if (length === 'TOO_SHORT') return 'too_short'
  if (length === 'TOO_LONG') return 'too_long'
  return 'not_possible'
}

/** What the numbering plans doubt about E.164 digits the sandbox takes. */
function doubtOf(digits: string, parsed: PhoneNumber | undefined): NumberDoubt | null {
  const length = validatePhoneNumberLength(`+${digits}`)
  if (length === 'INVALID_COUNTRY' || !parsed) return 'unknown_country'
  if (length !== undefined) return 'unusual_length'
  if (FICTIONAL.some((range) => range.test(digits))) return 'fictional'
  return parsed.isValid() ? null : 'not_valid'
}

/**
 * Parses what the user typed: `+44 7700 900000`, `0044…`, or a national number of
 * `defaultCountry` (`07700 900000` with GB). Refused (`ok: false`) exactly when the sandbox would
 * refuse it (`sandboxNumber`; a national number without a known country cannot be read at all);
 * what only the numbering plans doubt is `doubt`, a warning.
 */
export function parseNumber(input: string, defaultCountry?: string): NumberResult {
  const text = input.trim()
  if (text === '') return { ok: false, problem: 'empty' }
  let digits: string | null
  if (text.startsWith('+') || text.startsWith('00')) {
    digits = sandboxNumber(text)
    if (digits === null) return { ok: false, problem: internationalProblem(text) }
  } else {
    if (!WRITTEN.test(text)) return { ok: false, problem: 'not_a_number' }
    const country = countryOrUndefined(defaultCountry)
    if (!country) return { ok: false, problem: 'no_country' }
    digits = sandboxNumber(text, country)
    if (digits === null) return { ok: false, problem: nationalProblem(text, country) }
  }
  return { ok: true, number: numberOfDigits(digits) }
}

/** E.164 digits (no `+`) described: their international form, country and doubts. */
function numberOfDigits(digits: string): ParsedNumber {
  const parsed = parse(`+${digits}`)
  return {
    digits,
    international: parsed?.formatInternational() ?? `+${digits}`,
    country: parsed?.country,
    callingCode: parsed?.countryCallingCode,
    valid: parsed?.isValid() ?? false,
    doubt: doubtOf(digits, parsed),
  }
}

/** How the API reads the digits the form sends when a `country` parameter goes with them. */
export interface CountryReading {
  /** The `country` parameter sent (upper case). */
  country: string
  /** The number the sandbox reads (status 3 instead when `null`, judged by the number field). */
  read: ParsedNumber
  /** Whether that is another number than the one typed. */
  changed: boolean
}

/**
 * What the API reads when `digits` (the form's E.164 digits) go with `country`: with a country,
 * a valid national reading wins (`numberReader`), so `4791234568` with IN is +91 4791234568, not
 * the +47 number. `null` without a country parameter or when the sandbox refuses the number.
 */
export function readWithCountry(digits: string, country: string): CountryReading | null {
  const upper = country.trim().toUpperCase()
  if (upper === '') return null
  const read = sandboxNumber(digits, upper)
  if (read === null) return null
  return { country: upper, read: numberOfDigits(read), changed: read !== digits }
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
