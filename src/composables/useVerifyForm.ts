/**
 * State and validation of the New verification form: the fields, which messages are visible
 * (after a field is left, or after a submit attempt), the parsed number and the timing explanation.
 */
import { computed, reactive, ref, watch } from 'vue'
import { DEFAULT_LANGUAGE, LIMITS, languagesFor, type RequestKind } from '@contract/params'
import {
  countryName,
  knownCountry,
  parseNumber,
  readWithCountry,
  sandboxNumber,
} from '@/utils/phone'
import {
  explainTiming,
  fieldMessage,
  fieldsOf,
  toParams,
  type FieldMessage,
  type FieldName,
  type VerifyForm,
} from '@/utils/verify-form'
import { ERROR_TEXTS } from '@contract/status'

export interface VerifyFormDefaults {
  brand?: string
  workflow_id?: string
  lg?: string
  code_length?: string
  numberCountry?: string
}

/** Where the form's draft is kept for this tab, so a reload or a visit to another page keeps it. */
const VERIFY_DRAFT_KEY = 'verify-desk:new-verification-draft'
/** Never kept in the draft: a chosen PIN. */
const NOT_IN_DRAFT: ReadonlySet<string> = new Set(['pin_code'])

function readDraft(): Record<string, string> {
  try {
    const parsed = JSON.parse(
      globalThis.sessionStorage?.getItem(VERIFY_DRAFT_KEY) ?? '{}',
    ) as unknown
    if (typeof parsed !== 'object' || parsed === null) return {}
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string' && !NOT_IN_DRAFT.has(key)) out[key] = value
    }
    return out
  } catch {
    return {}
  }
}

function writeDraft(draft: Record<string, string>): void {
  try {
    if (Object.keys(draft).length === 0) globalThis.sessionStorage?.removeItem(VERIFY_DRAFT_KEY)
    else globalThis.sessionStorage?.setItem(VERIFY_DRAFT_KEY, JSON.stringify(draft))
  } catch {
    // Storage full or disabled: the draft then lasts as long as the page.
  }
}

/** Forgets the draft (after the verification was started). */
export function clearVerifyDraft(): void {
  writeDraft({})
}

/** The draft as it is now (to tell later whether it changed). */
export function verifyDraftSnapshot(): string {
  return JSON.stringify(readDraft())
}

/**
 * Forgets the draft unless it changed since `snapshot` (`verifyDraftSnapshot`): what was typed
 * after a start was sent (the page shown again while it was on its way) is kept.
 */
export function clearVerifyDraftIfUnchanged(snapshot: string): void {
  if (verifyDraftSnapshot() === snapshot) writeDraft({})
}

/**
 * Fills the draft with a start's wire parameters (to send it again): the form reads it when it is
 * next mounted. A chosen PIN is never written.
 */
export function prefillVerifyDraft(kind: RequestKind, params: Record<string, string>): void {
  // A start sent without lg (the API's default language) is sent again without it, whatever the
  // default language in Settings.
  const draft: Record<string, string> = { kind, lg: '' }
  for (const [key, value] of Object.entries(params)) {
    if (NOT_IN_DRAFT.has(key)) continue
    draft[key] = key === 'number' && /^\d+$/.test(value) ? `+${value}` : value
  }
  writeDraft(draft)
}

export interface VerifyFormOptions {
  /** Keep what the user typed in this tab's session storage (see VERIFY_DRAFT_KEY). @default false */
  draft?: boolean
}

export function useVerifyForm(defaults: VerifyFormDefaults = {}, options: VerifyFormOptions = {}) {
  const form = reactive<VerifyForm>({
    kind: 'request',
    number: '',
    numberCountry: defaults.numberCountry ?? 'GB',
    country: '',
    brand: defaults.brand ?? '',
    sender_id: '',
    code_length: defaults.code_length ?? '4',
    // Empty: no lg is sent, and the API picks the number's language.
    lg: defaults.lg ?? '',
    workflow_id: defaults.workflow_id ?? '1',
    pin_expiry: '',
    next_event_wait: '',
    pin_code: '',
    payee: '',
    amount: '',
  })
  if (options.draft) {
    // Only what differs from the defaults is kept, so new Settings defaults still apply elsewhere.
    const initial: Readonly<VerifyForm> = { ...form }
    const draft = readDraft()
    for (const key of Object.keys(initial) as (keyof VerifyForm)[]) {
      const value = draft[key]
      if (value === undefined) continue
      if (key === 'kind') form.kind = value === 'psd2' ? 'psd2' : 'request'
      else form[key] = value
    }
    watch(
      form,
      () => {
        const changed: Record<string, string> = {}
        for (const key of Object.keys(initial) as (keyof VerifyForm)[]) {
          if (form[key] !== initial[key] && !NOT_IN_DRAFT.has(key)) changed[key] = form[key]
        }
        writeDraft(changed)
      },
      { deep: true },
    )
  }
  const touched = reactive(new Set<FieldName>())
  const submitted = ref(false)

  // PSD2 has its own language list (default en-gb): keep a chosen lg valid when the mode changes
  // (the API default, no lg, is valid in both).
  watch(
    () => form.kind,
    (kind: RequestKind) => {
      if (form.lg !== '' && !languagesFor(kind).includes(form.lg)) form.lg = DEFAULT_LANGUAGE[kind]
    },
  )

  const parsedNumber = computed(() => parseNumber(form.number, form.numberCountry))

  /**
   * How the API reads the number with the `country` parameter sent beside it (`null` without one):
   * with a country, a valid national reading wins, so `+47 912 34 568` sent as `4791234568` with
   * IN goes to +91 4791234568. The number field previews this reading.
   */
  const countryReading = computed(() => {
    const parsed = parsedNumber.value
    return parsed.ok ? readWithCountry(parsed.number.digits, form.country) : null
  })

  /** The country parameter's error when it makes the API read another number than the one typed. */
  function countryMessage(): FieldMessage | null {
    const own = fieldMessage(form, 'country', undefined, undefined, knownCountry)
    const reading = countryReading.value
    if (own || !reading?.changed || !parsedNumber.value.ok) return own
    const typed = parsedNumber.value.number
    const { read, country } = reading
    const where = read.country ? `a number of ${countryName(read.country)}` : 'another number'
    const fix = typed.country
      ? `Remove the country parameter, or set it to ${typed.country} (the number's own country).`
      : 'Remove the country parameter.'
    return {
      message: `With country ${country}, the API reads ${typed.digits} as ${where} (${read.international}), not the number you typed (${typed.international}). ${fix}`,
      apiText: null,
    }
  }

  /**
   * The number's error: only what the sandbox refuses (`parseNumber` reads it by the sandbox's
   * rule); what only the numbering plans doubt is a warning in the field's hint.
   */
  function numberMessage(): FieldMessage | null {
    const parsed = parsedNumber.value
    const invalid = ERROR_TEXTS.invalidParam('number')
    if (parsed.ok) return fieldMessage(form, 'number', parsed.number.digits, sandboxNumber)
    const international = /^(\+|00)/.test(form.number.trim())
    const { min, max } = LIMITS.numberDigits
    switch (parsed.problem) {
      case 'empty':
        return fieldMessage(form, 'number', '')
      case 'not_a_number':
        return {
          message: 'Use digits only (spaces, dashes and a leading + are fine).',
          apiText: invalid,
        }
      case 'no_country':
        // The form's own reading needs a country: not something the API says.
        return {
          message: "Add the country code (e.g. +44) or choose the number's country.",
          apiText: null,
        }
      case 'leading_zero':
        return {
          message: 'A country code never starts with 0: type + and the country code.',
          apiText: invalid,
        }
      case 'too_short':
        return {
          message: international
            ? `The number is too short: with its country code it has at least ${min} digits.`
            : `The number is too short for ${countryName(form.numberCountry)}.`,
          apiText: invalid,
        }
      case 'too_long':
        return {
          message: international
            ? `The number is too long: with its country code it has at most ${max} digits.`
            : `The number is too long for ${countryName(form.numberCountry)}.`,
          apiText: invalid,
        }
      case 'not_possible':
        return {
          message: `This is not a possible number in ${countryName(form.numberCountry)}: type it with + and its country code.`,
          apiText: invalid,
        }
    }
  }

  /** Every field's message (whether shown or not). */
  const messages = computed(() => {
    const out: Partial<Record<FieldName, FieldMessage>> = {}
    for (const field of fieldsOf(form)) {
      const message =
        field === 'number'
          ? numberMessage()
          : field === 'country'
            ? countryMessage()
            : fieldMessage(form, field)
      if (message) out[field] = message
    }
    return out
  })

  /** The message to show next to a field now (after it was left or a submit was tried). */
  function shown(field: FieldName): FieldMessage | null {
    return submitted.value || touched.has(field) ? (messages.value[field] ?? null) : null
  }

  function touch(field: FieldName): void {
    touched.add(field)
  }

  const explanation = computed(() => explainTiming(form))
  const firstInvalid = computed(() => fieldsOf(form).find((f) => messages.value[f]) ?? null)

  /** Marks the form submitted; returns the parameters to send, or `null` when a field is wrong. */
  function validate(): Record<string, string> | null {
    submitted.value = true
    if (firstInvalid.value || !parsedNumber.value.ok) return null
    return toParams(form, parsedNumber.value.number.digits)
  }

  return {
    form,
    parsedNumber,
    countryReading,
    messages,
    shown,
    touch,
    submitted,
    explanation,
    firstInvalid,
    validate,
  }
}
