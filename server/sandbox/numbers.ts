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
import { numberReader, type NumberReader } from '../../contract/index.ts'

function parse(text: string, country?: string): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country as CountryCode | undefined)
  } catch {
    return undefined
  }
}

/**
 * The number as international digits (no `+`), or `null` when it is not a phone number: the
 * contract's `numberReader` on libphonenumber-js's numbering plans (the dashboard's form reads
 * numbers with the same rule on the same plans).
 */
export const sandboxNumber: NumberReader = numberReader({
  isSupportedCountry,
  callingCode: (country) => getCountryCallingCode(country as CountryCode),
  parse,
})
