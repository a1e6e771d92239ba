/**
 * The language of a number's country, for a start that sends no `lg`: the API then writes "in the
 * locale matching the number" (a `33…` number in French), within the endpoint's own `lg` list; the
 * schema default (`en-us`, PSD2 `en-gb`) is what is left when that list has no language of the
 * country.
 */
import { DEFAULT_LANGUAGE, languagesFor, type RequestKind } from './params.ts'

const ARABIC = ['ar-xa'] as const
const FRENCH = ['fr-fr'] as const
const GERMAN = ['de-de'] as const
const DUTCH = ['nl-nl'] as const
const ITALIAN = ['it-it'] as const
const PORTUGUESE = ['pt-pt'] as const
const RUSSIAN = ['ru-ru'] as const
const BRITISH = ['en-gb'] as const
const AUSTRALIAN = ['en-au'] as const
/** Latin American Spanish; a PSD2 start (no `es-mx` there) gets Spain's. */
const LATIN_SPANISH = ['es-mx', 'es-es'] as const

/**
 * The languages of a country (ISO 3166-1 alpha-2), most likely first. A country whose people are
 * split between languages of the list (Belgium, Canada, Switzerland, Luxembourg) has none: its
 * numbers get the schema default.
 */
export const COUNTRY_LANGUAGES: Readonly<Record<string, readonly string[]>> = {
  AE: ARABIC,
  AO: PORTUGUESE,
  AR: LATIN_SPANISH,
  AS: ['en-us'],
  AT: GERMAN,
  AU: AUSTRALIAN,
  AW: DUTCH,
  AX: ['sv-se'],
  BG: ['bg-bg'],
  BH: ARABIC,
  BL: FRENCH,
  BO: LATIN_SPANISH,
  BQ: DUTCH,
  BR: ['pt-br'],
  BY: RUSSIAN,
  CC: AUSTRALIAN,
  CL: LATIN_SPANISH,
  CN: ['zh-cn'],
  CO: LATIN_SPANISH,
  CR: LATIN_SPANISH,
  CU: LATIN_SPANISH,
  CV: PORTUGUESE,
  CW: DUTCH,
  CX: AUSTRALIAN,
  CY: ['el-gr'],
  CZ: ['cs-cz'],
  DE: GERMAN,
  DK: ['da-dk'],
  DO: LATIN_SPANISH,
  DZ: ARABIC,
  EC: LATIN_SPANISH,
  EE: ['ee-et'],
  EG: ARABIC,
  EH: ARABIC,
  ES: ['es-es'],
  FI: ['fi-fi'],
  FR: FRENCH,
  GB: BRITISH,
  GF: FRENCH,
  GG: BRITISH,
  GP: FRENCH,
  GR: ['el-gr'],
  GT: LATIN_SPANISH,
  GU: ['en-us'],
  GW: PORTUGUESE,
  HK: ['yue-cn'],
  HN: LATIN_SPANISH,
  HU: ['hu-hu'],
  ID: ['id-id'],
  IE: BRITISH,
  IM: BRITISH,
  IN: ['en-in', 'hi-in'],
  IQ: ARABIC,
  IS: ['is-is'],
  IT: ITALIAN,
  JE: BRITISH,
  JO: ARABIC,
  JP: ['ja-jp'],
  KR: ['ko-kr'],
  KW: ARABIC,
  KZ: RUSSIAN,
  LB: ARABIC,
  LI: GERMAN,
  LT: ['lt-lt'],
  LV: ['lv-lv'],
  LY: ARABIC,
  MA: ARABIC,
  MC: FRENCH,
  MD: ['ro-ro'],
  MF: FRENCH,
  MP: ['en-us'],
  MQ: FRENCH,
  MT: ['mt-mt', 'en-gb'],
  MX: LATIN_SPANISH,
  MZ: PORTUGUESE,
  NC: FRENCH,
  NF: AUSTRALIAN,
  NI: LATIN_SPANISH,
  NL: DUTCH,
  NO: ['nb-no'],
  NZ: AUSTRALIAN,
  OM: ARABIC,
  PA: LATIN_SPANISH,
  PE: LATIN_SPANISH,
  PF: FRENCH,
  PH: ['fil-ph'],
  PL: ['pl-pl'],
  PM: FRENCH,
  PR: ['es-us', 'es-mx', 'es-es'],
  PS: ARABIC,
  PT: PORTUGUESE,
  PY: LATIN_SPANISH,
  QA: ARABIC,
  RE: FRENCH,
  RO: ['ro-ro'],
  RU: RUSSIAN,
  SA: ARABIC,
  SD: ARABIC,
  SE: ['sv-se'],
  SI: ['sl-si'],
  SJ: ['nb-no'],
  SK: ['sk-sk'],
  SM: ITALIAN,
  SR: DUTCH,
  ST: PORTUGUESE,
  SV: LATIN_SPANISH,
  SX: DUTCH,
  SY: ARABIC,
  TH: ['th-th'],
  TL: PORTUGUESE,
  TN: ARABIC,
  TR: ['tr-tr'],
  TW: ['zh-tw'],
  US: ['en-us'],
  UY: LATIN_SPANISH,
  VA: ITALIAN,
  VE: LATIN_SPANISH,
  VI: ['en-us'],
  VN: ['vi-vn'],
  WF: FRENCH,
  YE: ARABIC,
  YT: FRENCH,
}

/**
 * The `lg` a start without one is written in for a number of `country`: the first of the
 * country's languages that `kind` accepts, else the kind's schema default (also for an unknown or
 * absent country).
 */
export function numberLanguage(country: string | undefined, kind: RequestKind): string {
  const accepted = languagesFor(kind)
  const own = country ? COUNTRY_LANGUAGES[country.toUpperCase()] : undefined
  return own?.find((lg) => accepted.includes(lg)) ?? DEFAULT_LANGUAGE[kind]
}
