/**
 * Parameter rules of Verify v1, shared by the sandbox (which answers with them) and the dashboard form
 * (which shows the same messages next to each field). Framework-free: the number rule is a simple
 * E.164-style digits rule; the UI may add a richer phone-number check on top.
 */
import { ERROR_TEXTS } from './status.ts'

export type RequestKind = 'request' | 'psd2'

/**
 * A parameter sent as a JSON array or object where the API takes one value (every parameter but
 * search's `request_ids`): it was sent, so it is not missing, and it is no value the parameter can
 * take (status 3 `Invalid value for param: <name>`, in the order the values are judged). A form
 * can only repeat a key, which is another thing: a repeated parameter counts with its first value,
 * as the API takes a repeated `request_id`.
 */
export const NOT_SCALAR: unique symbol = Symbol('not-scalar')
export type NotScalar = typeof NOT_SCALAR

/** A parameter's value as the sandbox reads it: text, a structured JSON value, or nothing. */
export type ParamValue = string | NotScalar | undefined

/** A parameter error in the API's own terms. */
export interface ParamError {
  status: '2' | '3'
  param: string
  error_text: string
}

/** Languages accepted by `/verify/{format}` (`lg`), default `en-us`. */
export const REQUEST_LANGUAGES = [
  'ar-xa',
  'cs-cz',
  'cy-cy',
  'cy-gb',
  'da-dk',
  'de-de',
  'el-gr',
  'en-au',
  'en-gb',
  'en-in',
  'en-us',
  'es-es',
  'es-mx',
  'es-us',
  'fi-fi',
  'fil-ph',
  'fr-ca',
  'fr-fr',
  'hi-in',
  'hu-hu',
  'id-id',
  'is-is',
  'it-it',
  'ja-jp',
  'ko-kr',
  'nb-no',
  'nl-nl',
  'pl-pl',
  'pt-br',
  'pt-pt',
  'ro-ro',
  'ru-ru',
  'sv-se',
  'th-th',
  'tr-tr',
  'vi-vn',
  'yue-cn',
  'zh-cn',
  'zh-tw',
] as const

/** Languages accepted by `/verify/psd2/json` (`lg`), default `en-gb`. */
export const PSD2_LANGUAGES = [
  'en-gb',
  'bg-bg',
  'cs-cz',
  'da-dk',
  'de-de',
  'ee-et',
  'el-gr',
  'es-es',
  'fi-fi',
  'fr-fr',
  'ga-ie',
  'hu-hu',
  'it-it',
  'lv-lv',
  'lt-lt',
  'mt-mt',
  'nl-nl',
  'pl-pl',
  'sk-sk',
  'sl-si',
  'sv-se',
] as const

export const DEFAULT_LANGUAGE: Readonly<Record<RequestKind, string>> = {
  request: 'en-us',
  psd2: 'en-gb',
}

/** Limits of the numeric and text parameters. */
export const LIMITS = {
  brandMaxLength: 18,
  senderIdMaxLength: 11,
  payeeMaxLength: 18,
  codeLengths: [4, 6] as const,
  pinExpiry: { min: 60, max: 3600, default: 300 },
  nextEventWait: { min: 60, max: 900 },
  workflowId: { min: 1, max: 7, default: 1 },
  pinCodeLength: { min: 4, max: 10 },
  /**
   * Characters of a check's `code`: no PIN is shorter or longer (generated PINs have 4 or 6
   * digits, a custom `pin_code` or a test number's PIN 4 to 10 characters).
   */
  checkCodeLength: { min: 4, max: 10 },
  requestIdMaxLength: 32,
  searchMaxIds: 10,
  numberDigits: { min: 7, max: 15 },
} as const

export const CONTROL_COMMANDS = ['cancel', 'trigger_next_event'] as const

/** Required parameters per endpoint, in the order the API reports them (credentials aside). */
export const REQUIRED_PARAMS = {
  request: ['number', 'brand'],
  psd2: ['number', 'payee', 'amount'],
  check: ['request_id', 'code'],
  search: ['request_id'],
  control: ['request_id', 'cmd'],
} as const

/** Country calling codes used to turn a national number plus `country` into an international one. */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  US: '1',
  CA: '1',
  GB: '44',
  IE: '353',
  DE: '49',
  FR: '33',
  ES: '34',
  IT: '39',
  PT: '351',
  NL: '31',
  BE: '32',
  LU: '352',
  CH: '41',
  AT: '43',
  DK: '45',
  SE: '46',
  NO: '47',
  FI: '358',
  IS: '354',
  PL: '48',
  CZ: '420',
  SK: '421',
  HU: '36',
  RO: '40',
  BG: '359',
  GR: '30',
  SI: '386',
  HR: '385',
  EE: '372',
  LV: '371',
  LT: '370',
  MT: '356',
  CY: '357',
  TR: '90',
  RU: '7',
  UA: '380',
  IL: '972',
  AE: '971',
  SA: '966',
  IN: '91',
  CN: '86',
  HK: '852',
  TW: '886',
  JP: '81',
  KR: '82',
  SG: '65',
  MY: '60',
  TH: '66',
  VN: '84',
  ID: '62',
  PH: '63',
  AU: '61',
  NZ: '64',
  BR: '55',
  MX: '52',
  AR: '54',
  CL: '56',
  CO: '57',
  PE: '51',
  ZA: '27',
  NG: '234',
  KE: '254',
  EG: '20',
  MA: '212',
}

const INTEGER = /^[0-9]+$/
/** `(0)` written after a calling code. */
const TRUNK_MARK = /\(\s*0\s*\)/g
/** The separators a written number may hold (global: for `replace`). */
export const FORMATTING = /[\s\-.()/]/g
const SIGNED_INTEGER = /^-?[0-9]+$/
/**
 * A PSD2 `amount` as text: digits, an optional fraction, an optional exponent (`1e3`, `1.0E7`,
 * `1e+21`). The spec declares `amount` a number (`type: number`, `format: float`): in a form or a
 * query a number is written as its text, and the official SDKs write a float the way their
 * language prints one (Java's `Double.toString` gives `1.0E7` for ten million, Python's `str` gives
 * `1e+16`, JavaScript's `String` gives `1e+21`), so an exponent is part of a number's text, as it is
 * in a JSON body.
 */
const NUMBER_TEXT = /^([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/

/** Cents in one euro: a payment in euros is written with two decimals. */
const CENT_DIGITS = 2
/**
 * Under this a sum rounds to no cent. A float just under it whose decimal digits reach half a cent
 * (`0.00499999999999999999`) is read as 0.005 by `Number` and goes on to the exact rounding.
 */
const HALF_CENT = 0.005

/**
 * Text parameters shown in a message, whose value is no value when it is blank after trimming
 * (spaces only, say): such a `brand` or `payee` is missing (status 2, as an empty one), such a
 * `sender_id` is as if not sent (the default sender). No message can show a blank name.
 */
const BLANK_IS_MISSING: ReadonlySet<string> = new Set(['brand', 'sender_id', 'payee'])

/** Whether a value was given: not absent, not empty, and not blank where blank is missing. */
function present(value: ParamValue, param?: string): value is string | NotScalar {
  if (value === undefined || value === '') return false
  return !(typeof value === 'string' && param !== undefined && isBlankText(param, value))
}

function isBlankText(param: string, value: string): boolean {
  return BLANK_IS_MISSING.has(param) && value.trim() === ''
}

/**
 * A text parameter's value as a request keeps it: `''` when it was not sent, or is blank after
 * trimming where blank is missing (a `sender_id` of spaces gives the default sender).
 */
export function givenText(param: string, value: string | undefined): string {
  return value === undefined || isBlankText(param, value) ? '' : value
}

/** Whether `param` is a parameter of a start of that kind (its others are ignored). */
function isStartParam(kind: RequestKind, param: string): boolean {
  return (
    (REQUIRED_PARAMS[kind] as readonly string[]).includes(param) ||
    VALUE_ORDER[kind].includes(param)
  )
}

function inRange(value: string, min: number, max: number): boolean {
  if (!INTEGER.test(value)) return false
  const n = Number(value)
  return n >= min && n <= max
}

function invalid(param: string, text = ERROR_TEXTS.invalidParam(param)): ParamError {
  return { status: '3', param, error_text: text }
}

/**
 * The number of characters of a text as the API counts them for its length limits: code points,
 * so an emoji or another character outside the Basic Multilingual Plane counts once (JavaScript's
 * `length` counts its two UTF-16 halves).
 */
export function characterCount(value: string): number {
  let count = value.length
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--
        i++
      }
    }
  }
  return count
}

/**
 * Characters a text parameter shown in a message (`brand`, `sender_id`, `payee`) may not hold:
 * control characters (C0, DEL, C1; a tab or line break too), the line and paragraph separators
 * U+2028 and U+2029, the non-characters U+FFFE and U+FFFF, and unpaired UTF-16 surrogates. None
 * can be shown on a handset's one line, and XML 1.0 cannot carry most of them.
 */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|\p{Cs}/u

/** Whether a text holds a character that no message can show (see `UNSHOWABLE`). */
export function hasUnshowableCharacters(value: string): boolean {
  return UNSHOWABLE.test(value)
}

/** The error of a text parameter shown in a message: too long, or unshowable characters. */
function textError(param: string, value: string, max: number): ParamError | null {
  if (characterCount(value) > max) return invalid(param, ERROR_TEXTS.paramTooLong(param))
  return hasUnshowableCharacters(value) ? invalid(param) : null
}

/**
 * A PSD2 `amount` as the payment in euros and cents the payer confirms (`12.5` is `12.50`, `1e3`
 * is `1000.00`, `48` is `48.00`), or `null` when it is no such payment: not a number (see
 * `NUMBER_TEXT`; no sign, no bare `.5`), not finite, or under half a cent (`0`, `0.004`).
 *
 * The spec says only that `amount` is "the decimal amount of the payment to be confirmed, in
 * Euros", a float, with the example `48.00`; it sets no limit and no number of decimals, and the
 * API's answer to `12.345` is not documented. A float has no digits "as sent": the same number
 * arrives as `48`, `48.0` (Java) or `48.00`, as `1e3` or `1000`, as `12.345` or, computed in
 * binary, `0.30000000000000004` (Python, Java and JSON write 0.1 + 0.2 so), and the API takes
 * them from the official SDKs. So the amount is taken as a number of euros and written as money,
 * in cents: rounded to the nearest cent, half a cent up, on the decimal digits sent (`12.345` is
 * `12.35`, never the binary float's `12.34`). Refusing more than two decimals would refuse
 * ordinary calls of those SDKs; writing them as sent would show a payer a sum no payment has.
 */
export function euroAmount(value: string): string | null {
  const match = NUMBER_TEXT.exec(value)
  if (!match) return null
  // Past the float range (`1e400`) is no number; under half a cent (`0.004`, `1e-400`) no payment.
  // Checked first, as a float: it bounds the exponent by the text's length, so the exact sum in
  // cents below never builds a huge number (`1e-20000000`, `0e99999999999`).
  const float = Number(value)
  if (!Number.isFinite(float) || float < HALF_CENT) return null
  const [, whole = '', fraction = '', exponent = '0'] = match
  const digits = BigInt(whole + fraction)
  // The value is `digits` × 10^(exponent − fraction digits); in cents, shifted by two more.
  const shift = Number(exponent) - fraction.length + CENT_DIGITS
  let cents: bigint
  if (shift >= 0) {
    cents = digits * 10n ** BigInt(shift)
  } else {
    const unit = 10n ** BigInt(-shift)
    cents = digits / unit
    if ((digits % unit) * 2n >= unit) cents += 1n
  }
  if (cents === 0n) return null
  const text = cents.toString().padStart(CENT_DIGITS + 1, '0')
  return `${text.slice(0, -CENT_DIGITS)}.${text.slice(-CENT_DIGITS)}`
}

/** Whether a value is a two-letter country code (any case). */
export function isCountryCode(value: string): boolean {
  return /^[A-Za-z]{2}$/.test(value)
}

/**
 * The number as international digits (no `+`), or `null` when it is not a phone number.
 * Spaces, dashes, dots and parentheses are ignored; a leading `+` or `00` marks an international
 * number, in which a `(0)` (the trunk prefix some write after the calling code, `+44 (0)7700 …`)
 * is dropped; with `country`, a national number (leading `0` trunk prefix) gets the calling code.
 * Differently written forms of the same number give the same result.
 *
 * The rule for `country` is an approximation for forms (a fixed table of calling codes, no
 * numbering plans): the sandbox reads a number given with `country` by the country's numbering
 * plan instead (`normalizeNumber` in `fieldError`'s context), as the dashboard's phone field does.
 */
export function normalizeNumber(number: string, country?: string): string | null {
  const text = number.trim()
  let s = text.replace(FORMATTING, '')
  let international = false
  if (s.startsWith('+') || s.startsWith('00')) {
    international = true
    s = text.replace(TRUNK_MARK, '').replace(FORMATTING, '')
    s = s.slice(s.startsWith('+') ? 1 : 2)
  }
  if (!INTEGER.test(s)) return null
  if (!international && country) {
    const code = CALLING_CODES[country.toUpperCase()]
    if (code) {
      if (s.startsWith('0')) s = code + s.replace(/^0+/, '')
      else if (!s.startsWith(code)) s = code + s
    }
  }
  if (s.startsWith('0')) return null
  if (s.length < LIMITS.numberDigits.min || s.length > LIMITS.numberDigits.max) return null
  return s
}

/** The languages of an endpoint. */
export function languagesFor(kind: RequestKind): readonly string[] {
  return kind === 'psd2' ? PSD2_LANGUAGES : REQUEST_LANGUAGES
}

/** Reads a `number` (with the `country` sent, if any) as international digits, or `null`. */
export type NumberReader = (number: string, country?: string) => string | null

/** What judging one field of a start may need besides its value. */
export interface FieldContext {
  /** The `country` sent, to judge a national `number`. */
  country?: string
  /** How to read `number`. @default normalizeNumber */
  normalizeNumber?: NumberReader
  /**
   * Whether a `country` is one the API knows (an upper-case ISO 3166 code a numbering plan
   * has); a code of two letters that names no country (`XX`) answers status 3. The sandbox
   * passes its numbering plan's list. @default isCountryCode (any two letters)
   */
  isCountry?: CountryRule
}

/** Whether a two-letter `country` names a country (given upper-case: `GB`). */
export type CountryRule = (country: string) => boolean

/** Parameters of a verification start (request or PSD2), as strings (or structured JSON values). */
export type StartParams = Partial<Record<string, string | NotScalar>>

/**
 * The error text for one field of a request or PSD2 start, or `null` when the value is valid.
 * An empty value of a required field gives the API's "missing" text. `country` is needed to
 * judge a national `number`.
 */
export function fieldError(
  kind: RequestKind,
  param: string,
  value: ParamValue,
  context: FieldContext = {},
): ParamError | null {
  const required: readonly string[] = REQUIRED_PARAMS[kind]
  if (!present(value, param)) {
    return required.includes(param)
      ? { status: '2', param, error_text: ERROR_TEXTS.missingParam(param) }
      : null
  }
  if (value === NOT_SCALAR) return isStartParam(kind, param) ? invalid(param) : null
  switch (param) {
    case 'number': {
      const country =
        context.country && isCountryCode(context.country) ? context.country : undefined
      const normalize = context.normalizeNumber ?? normalizeNumber
      return normalize(value, country) === null ? invalid(param) : null
    }
    case 'country':
      return isCountryCode(value) && (context.isCountry?.(value.toUpperCase()) ?? true)
        ? null
        : invalid(param)
    case 'brand':
      return textError(param, value, LIMITS.brandMaxLength)
    case 'sender_id':
      return textError(param, value, LIMITS.senderIdMaxLength)
    case 'payee':
      return textError(param, value, LIMITS.payeeMaxLength)
    case 'amount':
      return euroAmount(value) === null ? invalid(param) : null
    case 'code_length':
      if (!SIGNED_INTEGER.test(value)) return invalid(param)
      return Number(value) === 4 || Number(value) === 6
        ? null
        : invalid(param, ERROR_TEXTS.codeLengthAllowed)
    case 'lg':
      return languagesFor(kind).includes(value.toLowerCase()) ? null : invalid(param)
    case 'pin_expiry':
      return inRange(value, LIMITS.pinExpiry.min, LIMITS.pinExpiry.max) ? null : invalid(param)
    case 'next_event_wait':
      return inRange(value, LIMITS.nextEventWait.min, LIMITS.nextEventWait.max)
        ? null
        : invalid(param)
    case 'workflow_id':
      return inRange(value, LIMITS.workflowId.min, LIMITS.workflowId.max) ? null : invalid(param)
    case 'pin_code':
      if (kind === 'psd2') return null
      return isPinCode(value) ? null : invalid(param)
    default:
      return null
  }
}

/** The order in which the API validates values of a start (after the required parameters). */
export const VALUE_ORDER: Readonly<Record<RequestKind, readonly string[]>> = {
  request: [
    'number',
    'country',
    'brand',
    'sender_id',
    'code_length',
    'lg',
    'pin_expiry',
    'next_event_wait',
    'workflow_id',
    'pin_code',
  ],
  psd2: [
    'number',
    'country',
    'payee',
    'amount',
    'code_length',
    'lg',
    'pin_expiry',
    'next_event_wait',
    'workflow_id',
  ],
}

/**
 * The first parameter error of a request or PSD2 start, in the API's order (missing parameters
 * first, then invalid values), or `null`. Credentials are not judged here.
 */
export function validateRequestParams(
  params: StartParams,
  kind: RequestKind,
  readNumber?: NumberReader,
  isCountry?: CountryRule,
): ParamError | null {
  for (const param of REQUIRED_PARAMS[kind]) {
    if (!present(params[param], param)) {
      return { status: '2', param, error_text: ERROR_TEXTS.missingParam(param) }
    }
  }
  const country = params.country
  const context: FieldContext = {
    country: typeof country === 'string' ? country : undefined,
    normalizeNumber: readNumber,
    isCountry,
  }
  for (const param of VALUE_ORDER[kind]) {
    const error = fieldError(kind, param, params[param], context)
    if (error) return error
  }
  return null
}

/**
 * Whether a value can be a custom PIN (`pin_code`): 4 to 10 characters, none of them a space or a
 * character no message can show. Letters and separators are fine (the spec's example is
 * `AKFG-3424`).
 */
export function isPinCode(value: string): boolean {
  const count = characterCount(value)
  return (
    count >= LIMITS.pinCodeLength.min &&
    count <= LIMITS.pinCodeLength.max &&
    !/\s/u.test(value) &&
    !hasUnshowableCharacters(value)
  )
}

/** The kind of one character of a PIN or code: what its alphabet is made of. */
type CharacterKind = 'digit' | 'upper' | 'lower' | 'letter' | 'other' | 'none'

function kindOf(ch: string): CharacterKind {
  if (ch >= '0' && ch <= '9') return 'digit'
  if (/\s/u.test(ch) || hasUnshowableCharacters(ch)) return 'none'
  if (/\p{Lu}/u.test(ch)) return 'upper'
  if (/\p{Ll}/u.test(ch)) return 'lower'
  if (/\p{L}/u.test(ch)) return 'letter'
  return 'other'
}

/**
 * Whether `code` is written in the alphabet of `pin`: only kinds of characters the PIN has (ASCII
 * digits, upper-case letters, lower-case letters, other letters, other visible characters such as
 * `-`). A PIN of digits (every generated PIN) allows digits only, the API's rule; a custom PIN
 * such as `AKFG-3424` allows upper-case letters, digits and punctuation, so `AKFG-0000` is judged
 * (status 16) while `akfg-3424` has characters the PIN cannot have (status 3, no attempt used).
 */
export function inPinAlphabet(code: string, pin: string): boolean {
  if (INTEGER.test(pin) || pin === '') return INTEGER.test(code)
  const kinds = new Set<CharacterKind>()
  for (const ch of pin) kinds.add(kindOf(ch))
  for (const ch of code) {
    const kind = kindOf(ch)
    if (kind === 'none' || !kinds.has(kind)) return false
  }
  return true
}

/**
 * The error of a `request_id` given to check or control: longer than an id can be (32 characters)
 * answers status 3 `Invalid value for param: request_id`, the spec's example on both endpoints.
 * Search has no such rule: an id of any length that is not found answers 101.
 */
export function requestIdError(requestId: string): ParamError | null {
  return requestId.length > LIMITS.requestIdMaxLength
    ? { status: '3', param: 'request_id', error_text: ERROR_TEXTS.invalidParam('request_id') }
    : null
}

/**
 * The first error of a check, or `null`. `pin` is the PIN of the request checked, when it is
 * known: a code must be written in its alphabet (`inPinAlphabet`); without it, digits only.
 *
 * A code of a length no PIN has (under 4 or over 10 characters, `LIMITS.checkCodeLength`) answers
 * status 3 `Invalid value for param: code` and uses no attempt. The reference gives a 5-digit code
 * checked against a 4-digit PIN status 16 (a length some PIN has, so it is judged and uses an
 * attempt) and says nothing of `12` or a 20-character code; the spec declares `code` with
 * `minLength: 4`, and a code no PIN can be long enough to match is a typing slip, not a guess, so
 * it does not count against the three attempts. The upper bound is 10, not the spec's 6, since a
 * custom `pin_code` has up to 10 characters. Characters are judged before the length, as the API
 * judges them (`The code contains invalid characters`).
 */
export function validateCheckParams(
  params: {
    request_id?: ParamValue
    code?: ParamValue
  },
  pin?: string,
): ParamError | null {
  const { request_id: requestId, code } = params
  if (!present(requestId)) {
    return { status: '2', param: 'request_id', error_text: ERROR_TEXTS.missingParam('request_id') }
  }
  if (!present(code)) {
    return { status: '2', param: 'code', error_text: ERROR_TEXTS.missingParam('code') }
  }
  if (requestId === NOT_SCALAR) return invalid('request_id')
  const badId = requestIdError(requestId)
  if (badId) return badId
  if (code === NOT_SCALAR) return invalid('code')
  const written = pin === undefined ? INTEGER.test(code) : inPinAlphabet(code, pin)
  if (!written) {
    return { status: '3', param: 'code', error_text: ERROR_TEXTS.codeInvalidCharacters }
  }
  const length = characterCount(code)
  if (length < LIMITS.checkCodeLength.min || length > LIMITS.checkCodeLength.max) {
    return invalid('code')
  }
  return null
}

/**
 * The first error of a control call, or `null`: as a check, the missing parameters first, then a
 * `request_id` too long to be one, then the value of the other parameter (`cmd`).
 */
export function validateControlParams(params: {
  request_id?: ParamValue
  cmd?: ParamValue
}): ParamError | null {
  const { request_id: requestId, cmd } = params
  if (!present(requestId)) {
    return { status: '2', param: 'request_id', error_text: ERROR_TEXTS.missingParam('request_id') }
  }
  if (!present(cmd)) {
    return { status: '2', param: 'cmd', error_text: ERROR_TEXTS.missingParam('cmd') }
  }
  if (requestId === NOT_SCALAR) return invalid('request_id')
  const badId = requestIdError(requestId)
  if (badId) return badId
  // The API's one text for a `cmd` it cannot take, a structured one too.
  if (cmd === NOT_SCALAR || !(CONTROL_COMMANDS as readonly string[]).includes(cmd)) {
    return { status: '3', param: 'cmd', error_text: ERROR_TEXTS.invalidCmd }
  }
  return null
}
