/**
 * The New verification form: its fields, their messages (the same rules the sandbox enforces, from
 * contract/params, in words a person understands, with the API's own text), the live explanation
 * of pin_expiry and next_event_wait, and the parameters sent. Pure: no DOM, no store.
 */
import {
  characterCount,
  euroAmount,
  fieldError,
  hasUnshowableCharacters,
  LIMITS,
  VALUE_ORDER,
  type CountryRule,
  type NumberReader,
  type RequestKind,
} from '@contract/params'
import {
  WORKFLOWS,
  describeSchedule,
  effectivePinExpiry,
  isWorkflowId,
  workflowSchedule,
} from '@contract/workflows'

export interface VerifyForm {
  kind: RequestKind
  number: string
  /** Country assumed for a number typed without `+` (UI only, not sent). */
  numberCountry: string
  /** The API's optional `country` parameter. */
  country: string
  brand: string
  sender_id: string
  code_length: string
  lg: string
  workflow_id: string
  pin_expiry: string
  next_event_wait: string
  pin_code: string
  payee: string
  amount: string
}

export type FieldName = Exclude<keyof VerifyForm, 'kind' | 'numberCountry'>

/** A message next to a field: what is wrong in words, and the API's answer to it. */
export interface FieldMessage {
  message: string
  /** The `error_text` the API answers for this value (status 2 or 3); `null`: not an API error. */
  apiText: string | null
}

/** The form's keys that are not parameters of the API. */
const NOT_PARAMS: readonly string[] = ['kind', 'numberCountry'] satisfies (keyof VerifyForm)[]

/**
 * The fields of the form's kind, in the order the API judges them (`VALUE_ORDER` of
 * contract/params): the parameters the form has a field for.
 */
export function fieldsOf(form: VerifyForm): FieldName[] {
  return VALUE_ORDER[form.kind].filter(
    (param): param is FieldName => param in form && !NOT_PARAMS.includes(param),
  )
}

function maxLength(param: 'brand' | 'sender_id' | 'payee'): number {
  return param === 'brand'
    ? LIMITS.brandMaxLength
    : param === 'sender_id'
      ? LIMITS.senderIdMaxLength
      : LIMITS.payeeMaxLength
}

function length(value: string): string {
  const count = characterCount(value)
  return `${count} character${count === 1 ? '' : 's'}`
}

/**
 * Why a custom PIN is refused: a space or control character first (a PIN of 4 to 10 characters
 * with a space in it is refused for the space), then its length.
 */
function pinCodeProblem(value: string): string {
  const { min, max } = LIMITS.pinCodeLength
  const count = characterCount(value)
  const lengthText = `A custom PIN has ${min} to ${max} characters (now ${length(value)}).`
  const inRange = count >= min && count <= max
  const spaces = value.match(/\s/gu)?.length ?? 0
  const removal = hasUnshowableCharacters(value)
    ? 'Remove the control character (such as a tab or a line break)'
    : spaces > 0
      ? `Remove the space${spaces === 1 ? '' : 's'}`
      : null
  if (removal === null) return lengthText
  const rule = `${removal}: a custom PIN has no space or control character.`
  return inRange ? rule : `${rule} ${lengthText}`
}

/** The words for a contract rule that failed. */
function explain(param: FieldName, value: string, status: '2' | '3'): string {
  if (status === '2') {
    switch (param) {
      case 'number':
        return 'Enter the phone number to verify.'
      case 'brand':
        return 'Enter a brand: it is the name in the message ("Your Acme PIN is …").'
      case 'payee':
        return 'Enter the payee: who the payment goes to.'
      case 'amount':
        return 'Enter the amount of the payment, in euros.'
      default:
        return `Enter a value for ${param}.`
    }
  }
  const shown = param === 'brand' || param === 'sender_id' || param === 'payee'
  if (shown && hasUnshowableCharacters(value) && characterCount(value) <= maxLength(param)) {
    return 'Remove the control characters (such as a tab or a line break): no message can show them.'
  }
  switch (param) {
    case 'number':
      return 'The number needs 7 to 15 digits in international form.'
    case 'country':
      return /^[a-z]{2}$/i.test(value)
        ? `${value.toUpperCase()} is not a country code: use one such as GB or US, or leave it empty.`
        : 'Use a two-letter country code such as GB or US, or leave it empty.'
    case 'brand':
      return `Brand is at most ${LIMITS.brandMaxLength} characters (now ${length(value)}).`
    case 'sender_id':
      return `Sender ID is at most ${LIMITS.senderIdMaxLength} characters (now ${length(value)}).`
    case 'payee':
      return `Payee is at most ${LIMITS.payeeMaxLength} characters (now ${length(value)}).`
    case 'amount':
      return 'Use a positive amount in euros with a dot for decimals, e.g. 48.00.'
    case 'code_length':
      return 'The code has 4 or 6 digits.'
    case 'lg':
      return 'Choose one of the listed languages.'
    case 'pin_expiry':
      return `Use whole seconds from ${LIMITS.pinExpiry.min} to ${LIMITS.pinExpiry.max}, or leave it empty for ${LIMITS.pinExpiry.default} s.`
    case 'next_event_wait':
      return `Use whole seconds from ${LIMITS.nextEventWait.min} to ${LIMITS.nextEventWait.max}, or leave it empty for the workflow's waits.`
    case 'workflow_id':
      return 'Choose workflow 1 to 7.'
    case 'pin_code':
      return pinCodeProblem(value)
    default:
      return `Check the value of ${param}.`
  }
}

/**
 * The message for one field, or `null` when it is fine. `number` is judged on its normalised
 * digits (`numberDigits`); the phone-number library's finer messages are added by the caller,
 * which also gives `isCountry`, the numbering plans' list of countries (the sandbox answers status
 * 3 for a `country` of two letters that names none, such as XX).
 */
export function fieldMessage(
  form: VerifyForm,
  param: FieldName,
  numberDigits?: string | null,
  readNumber?: NumberReader,
  isCountry?: CountryRule,
): FieldMessage | null {
  const raw = param === 'number' ? (numberDigits ?? form.number.trim()) : form[param].trim()
  const country = form.country.trim() || undefined
  const error = fieldError(form.kind, param, raw, {
    country,
    normalizeNumber: readNumber,
    isCountry,
  })
  if (!error) return null
  return { message: explain(param, raw, error.status), apiText: error.error_text }
}

/**
 * The message for one parameter's value on its own (no other field of a start to judge it with),
 * as New verification words it: how Settings explains a default brand.
 */
export function paramMessage(
  kind: RequestKind,
  param: Exclude<FieldName, 'number' | 'country'>,
  value: string,
): FieldMessage | null {
  const error = fieldError(kind, param, value)
  return error ? { message: explain(param, value, error.status), apiText: error.error_text } : null
}

/** The decimals a payment in euros has at most. */
const EURO_DECIMALS = 2

/**
 * A warning (not a refusal) for a PSD2 amount the API takes but no payment in euros has: more
 * than two decimals (`12.345` reads as twelve thousand to many; `1.5e-3` has four). The sandbox
 * writes the payment rounded to the cent (`euroAmount`); what Vonage does with the extra digits is
 * not documented. `null` otherwise, or when the amount is refused anyway.
 */
export function amountWarning(value: string): string | null {
  const text = value.trim()
  if (fieldError('psd2', 'amount', text)) return null
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e')
  const fraction = mantissa.split('.')[1] ?? ''
  const decimals = fraction.length - Number(exponent)
  if (decimals <= EURO_DECIMALS) return null
  const cents = euroAmount(text)
  return `Payments in euros have at most ${EURO_DECIMALS} decimals: ${text} has ${decimals}, and many read it as a larger amount. The sandbox rounds it to the cent (${cents}); what Vonage does with it is not documented: write euros and cents, e.g. ${cents}.`
}

/** The parameters to send (empty fields are not sent; the number as E.164 digits). */
export function toParams(form: VerifyForm, numberDigits: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const param of fieldsOf(form)) {
    const value = param === 'number' ? numberDigits : form[param].trim()
    if (value !== '') out[param] = param === 'country' ? value.toUpperCase() : value
  }
  return out
}

function seconds(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9]+$/.test(text.trim())) return undefined
  const n = Number(text)
  return n >= min && n <= max ? n : undefined
}

export interface TimingExplanation {
  text: string
  /** `warn` when the values given will not be used as typed. */
  tone: 'info' | 'warn'
  /** The sequence with the values applied, e.g. "SMS → 120 s → TTS → 120 s → expires". */
  schedule: string
}

/** Explains, as the user types, what pin_expiry and next_event_wait will do (the "multiple" rule). */
export function explainTiming(
  form: Pick<VerifyForm, 'pin_expiry' | 'next_event_wait' | 'workflow_id'>,
): TimingExplanation {
  const pin = seconds(form.pin_expiry, LIMITS.pinExpiry.min, LIMITS.pinExpiry.max)
  const wait = seconds(form.next_event_wait, LIMITS.nextEventWait.min, LIMITS.nextEventWait.max)
  const id = Number(form.workflow_id || '1')
  const schedule = isWorkflowId(id)
    ? describeSchedule(workflowSchedule(id, { pinExpiry: pin, nextEventWait: wait }))
    : ''
  const def = LIMITS.pinExpiry.default
  // Workflows 6 and 7 send one message or call: no PIN is sent again, the request ends with it.
  const single = isWorkflowId(id) && WORKFLOWS[id].expiresWithPin
  if (pin === undefined && wait === undefined) {
    return {
      text: `The PIN expires after ${def} s (the default) and the workflow's own waits apply.`,
      tone: 'info',
      schedule,
    }
  }
  if (wait === undefined) {
    return {
      text: `The PIN expires after ${pin} s; the workflow's own waits apply.`,
      tone: 'info',
      schedule,
    }
  }
  if (pin === undefined) {
    return {
      text: single
        ? `One message or call, so no wait between them; the PIN and the request expire after ${def} s (the default).`
        : `Every wait between messages or calls is ${wait} s; the PIN expires after ${def} s (the default).`,
      tone: 'info',
      schedule,
    }
  }
  const effective = effectivePinExpiry(pin, wait)
  if (effective === pin) {
    const times = pin / wait
    // A PIN that has expired when the next message or call goes out is replaced: one lasting a
    // single wait is new in each (120/120), one lasting n waits goes out n times (240/120: twice).
    const lasts = single
      ? 'one message or call, after which the request expires'
      : times === 1
        ? 'one wait: it has expired when the next message or call goes out, so each one brings a new PIN'
        : `${times} waits: the same PIN is sent with up to ${times} messages or calls in a row, then a new one`
    return {
      text: `${pin} s is ${times} × ${wait} s, so the PIN lasts ${lasts}.`,
      tone: 'info',
      schedule,
    }
  }
  const lower = Math.floor(pin / wait) * wait
  const upper = Math.ceil(pin / wait) * wait
  const options = [lower, upper].filter(
    (v) => v >= LIMITS.pinExpiry.min && v <= LIMITS.pinExpiry.max,
  )
  const suggestion = options.length
    ? ` Use a multiple of ${wait} s (${[...new Set(options)].join(' s or ')} s) to keep a longer PIN.`
    : ''
  return {
    text: `${pin} s is not a multiple of ${wait} s, so Verify uses ${effective} s as the PIN expiry: ${single ? 'the request expires with it' : 'a new PIN with every message or call'}.${suggestion}`,
    tone: 'warn',
    schedule,
  }
}
