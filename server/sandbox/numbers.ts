/**
 * Phone numbers as the sandbox reads them: a number written with `country` is read by that
 * country's numbering plan (libphonenumber-js, the library the dashboard uses too), so a national
 * number gets its calling code whatever its form (`9123456780` in IN, a landline's `0` in IT kept,
 * `011` dialled from the US, `0300…` in PK). International forms (`+…`, `00…`) and numbers
 * without a country keep the contract's E.164 rule (`normalizeNumber`).
 */
import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/min'
import { normalizeNumber } from '../../contract/index.ts'

const WRITTEN = /^[0-9\s\-.()/]+$/
const FORMATTING = /[\s\-.()/]/g

function parse(text: string, country?: CountryCode): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country)
  } catch {
    return undefined
  }
}

/** E.164 digits without `+` within the API's length rule, else null. */
function digitsOf(number: PhoneNumber | undefined): string | null {
  return number ? normalizeNumber(number.number) : null
}

/**
 * The number as international digits (no `+`), or `null` when it is not a phone number. With a
 * `country` the numbering plan knows, a number written without `+` or `00` is read in that
 * country: digits that already start with its calling code and form a valid number there stay as
 * they are (E.164 sent with `country`, as the SDKs do), else the national reading when it is a
 * valid number (trunk prefix dropped where the country has one, an international prefix such as
 * the US `011` understood), else the digits as E.164 of another country when that is a valid
 * number, else whichever reading is a possible number.
 */
export function sandboxNumber(number: string, country?: string): string | null {
  const text = number.trim()
  const upper = country?.toUpperCase()
  if (!upper || !isSupportedCountry(upper) || text.startsWith('+') || text.startsWith('00')) {
    return normalizeNumber(number)
  }
  if (!WRITTEN.test(text)) return null
  const digits = text.replace(FORMATTING, '')
  const ownCode = digits.startsWith(getCountryCallingCode(upper))
  const dialled = parse(`+${digits}`)
  const national = parse(digits, upper)
  if (ownCode && dialled?.isValid()) return digitsOf(dialled)
  if (national?.isValid()) return digitsOf(national)
  // E.164 digits of another country sent with `country` (what a form that always sends E.164 does).
  if (dialled?.isValid()) return digitsOf(dialled)
  if (ownCode && dialled?.isPossible()) return digitsOf(dialled)
  if (national?.isPossible()) return digitsOf(national)
  if (dialled?.isPossible()) return digitsOf(dialled)
  return null
}
