/**
 * Phone numbers as the sandbox reads them: a number written with `country` is read by that
 * country's numbering plan (libphonenumber-js, the library the dashboard uses too), so a national
 * number gets its calling code whatever its form (`9123456780` in IN, a landline's `0` in IT kept,
 * `011` dialled from the US, `0300…` in PK). International forms (`+…`, `00…`) and numbers
 * without a country keep the contract's E.164 rule (`normalizeNumber`).
 */
import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/min'
import {
  DEFAULT_LANGUAGE,
  type CountryRule,
  numberLanguage,
  numberReader,
  type NumberReader,
  type RequestKind,
} from '../../contract/index.ts'

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

/**
 * Whether a `country` (upper-case) is one the numbering plans know: `XX` or `ZZ` is no country,
 * and the sandbox answers it status 3 (`Invalid value for param: country`).
 */
export const knownCountry: CountryRule = (country) => isSupportedCountry(country)

/** The countries of each calling code (`44`: GB, GG, IM, JE), built on first use. */
let callingCodes: Map<string, CountryCode[]> | undefined
function countriesOf(code: string): CountryCode[] | undefined {
  if (!callingCodes) {
    callingCodes = new Map()
    for (const country of getCountries()) {
      const calling = getCountryCallingCode(country)
      const list = callingCodes.get(calling)
      if (list) list.push(country)
      else callingCodes.set(calling, [country])
    }
  }
  return callingCodes.get(code)
}

/** Per kind, by calling code: the language all its countries share, or `null` when they differ. */
const SHARED: Record<RequestKind, Map<string, string | null>> = {
  request: new Map(),
  psd2: new Map(),
}

/** The country of each North American area code (`1787`: PR) a valid number has shown. */
const AREA_COUNTRIES = new Map<string, string>()

/**
 * The `lg` of a start that sends none to `number` (international digits): the language of the
 * number's country (`numberLanguage`). The country comes from the calling code, or, where the
 * countries of a calling code differ in language (`1`: the US, Canada, Puerto Rico…), from the
 * numbering plan (its main country for a number the plan does not know, none when the length is
 * not possible anywhere); a number with no country gets the kind's schema default.
 */
export function languageOfNumber(number: string, kind: RequestKind): string {
  for (let length = 1; length <= 3; length++) {
    const code = number.slice(0, length)
    const countries = countriesOf(code)
    if (!countries) continue
    const shared = SHARED[kind]
    let language = shared.get(code)
    if (language === undefined) {
      const languages = new Set(countries.map((country) => numberLanguage(country, kind)))
      language = languages.size === 1 ? (languages.values().next().value as string) : null
      shared.set(code, language)
    }
    if (language !== null) return language
    // North America: an area code belongs to one country, so a number is parsed once per area
    // code (a parse costs some 30 µs); other shared calling codes are parsed each time.
    const area = code === '1' ? number.slice(0, 4) : undefined
    const known = area && AREA_COUNTRIES.get(area)
    if (known) return numberLanguage(known, kind)
    const read = parse(`+${number}`)
    if (area && read?.country) AREA_COUNTRIES.set(area, read.country)
    return numberLanguage(read?.country ?? read?.getPossibleCountries()[0], kind)
  }
  return DEFAULT_LANGUAGE[kind]
}
