/**
 * How the sandbox reads a `number` sent with a `country`, on a numbering-plan library the caller
 * gives (both sides pass libphonenumber-js; this folder imports nothing from outside), so the
 * sandbox and the dashboard's form read every number the same way.
 */
import { FORMATTING, normalizeNumber, type NumberReader } from './params.ts'

/** A number as the numbering plan parsed it. */
export interface PlanNumber {
  /** E.164 with `+`: `+447700900000`. */
  readonly number: string
  isValid(): boolean
  isPossible(): boolean
}

/** What the rule needs of a numbering-plan library. */
export interface NumberingPlan {
  isSupportedCountry(country: string): boolean
  /** The calling code of a supported country (`44` for GB). */
  callingCode(country: string): string
  /** The number read in `country` (or as international when absent); undefined when unreadable. */
  parse(text: string, country?: string): PlanNumber | undefined
}

/** A number written with digits and the usual separators only (spaces, `-`, `.`, `( )`, `/`). */
export const WRITTEN = /^[0-9\s\-.()/]+$/

/**
 * The sandbox's number rule on `plan`: the number as international digits (no `+`), or `null`
 * when the sandbox answers status 3 (`Invalid value for param: number`). International forms
 * (`+…`, `00…`) and numbers without a country the plan knows follow `normalizeNumber`. A number
 * written without `+` or `00` with such a country is read in that country: digits that already
 * start with its calling code and form a valid number stay as they are (E.164 sent with
 * `country`, as the SDKs do), else the national reading when valid (a trunk prefix dropped where
 * the country has one, an international prefix such as the US `011` understood), else the digits
 * as another country's valid number, else whichever reading is a possible number.
 */
export function numberReader(plan: NumberingPlan): NumberReader {
  return (number, country) => {
    const text = number.trim()
    const upper = country?.toUpperCase()
    if (
      !upper ||
      !plan.isSupportedCountry(upper) ||
      text.startsWith('+') ||
      text.startsWith('00')
    ) {
      return normalizeNumber(number)
    }
    if (!WRITTEN.test(text)) return null
    const digits = text.replace(FORMATTING, '')
    const ownCode = digits.startsWith(plan.callingCode(upper))
    const dialled = plan.parse(`+${digits}`)
    const digitsOf = (read: PlanNumber | undefined) => (read ? normalizeNumber(read.number) : null)
    if (ownCode && dialled?.isValid()) return digitsOf(dialled)
    // Read nationally only when the international reading did not settle it (a parse is costly).
    const national = plan.parse(digits, upper)
    if (national?.isValid()) return digitsOf(national)
    if (dialled?.isValid()) return digitsOf(dialled)
    if (ownCode && dialled?.isPossible()) return digitsOf(dialled)
    if (national?.isPossible()) return digitsOf(national)
    if (dialled?.isPossible()) return digitsOf(dialled)
    return null
  }
}
