import { describe, expect, it } from 'vitest'
import { VALUE_ORDER } from '@contract/params'
import {
  amountWarning,
  explainTiming,
  fieldMessage,
  fieldsOf,
  paramMessage,
  toParams,
  type VerifyForm,
} from '@/utils/verify-form'
import { knownCountry, parseNumber } from '@/utils/phone'

const form = (patch: Partial<VerifyForm> = {}): VerifyForm => ({
  kind: 'request',
  number: '',
  numberCountry: 'GB',
  country: '',
  brand: 'Acme',
  sender_id: '',
  code_length: '4',
  lg: 'en-us',
  workflow_id: '1',
  pin_expiry: '',
  next_event_wait: '',
  pin_code: '',
  payee: '',
  amount: '',
  ...patch,
})

describe('fieldsOf', () => {
  it('has a field for every parameter the API judges, in the API order', () => {
    expect(fieldsOf(form())).toEqual(VALUE_ORDER.request)
    expect(fieldsOf(form({ kind: 'psd2' }))).toEqual(VALUE_ORDER.psd2)
  })
  it('judges the fields of the kind only, never the form-only keys', () => {
    expect(fieldsOf(form())).not.toContain('payee')
    expect(fieldsOf(form({ kind: 'psd2' }))).toEqual(
      expect.not.arrayContaining(['brand', 'sender_id', 'pin_code', 'kind', 'numberCountry']),
    )
  })
})

describe('explainTiming', () => {
  it('states the multiple rule with a suggestion', () => {
    const e = explainTiming(form({ pin_expiry: '200', next_event_wait: '90' }))
    expect(e.tone).toBe('warn')
    expect(e.text).toContain(
      '200 s is not a multiple of 90 s, so Verify uses 90 s as the PIN expiry',
    )
    expect(e.text).toContain('(180 s or 270 s)')
    expect(e.schedule).toBe('SMS → 90 s → TTS (new PIN) → 90 s → TTS (new PIN) → 90 s → expires')
  })
  it('accepts an exact multiple', () => {
    const e = explainTiming(form({ pin_expiry: '360', next_event_wait: '120' }))
    expect(e.tone).toBe('info')
    expect(e.text).toContain('360 s is 3 × 120 s')
  })
})

describe('fieldMessage and toParams', () => {
  it('uses the contract rules and the API texts', () => {
    expect(fieldMessage(form({ code_length: '5' }), 'code_length')).toEqual({
      message: 'The code has 4 or 6 digits.',
      apiText: 'Invalid value for param: code_length. The allowed values are 4 and 6.',
    })
    expect(fieldMessage(form({ lg: 'en_us' }), 'lg')?.apiText).toBe('Invalid value for param: lg')
    expect(fieldMessage(form(), 'brand')).toBeNull()
  })
  it('refuses a country of two letters that names none, as the sandbox does, and says so', () => {
    const message = (country: string) =>
      fieldMessage(form({ country }), 'country', undefined, undefined, knownCountry)
    expect(message('xx')).toEqual({
      message: 'XX is not a country code: use one such as GB or US, or leave it empty.',
      apiText: 'Invalid value for param: country',
    })
    expect(message('ZZ')?.apiText).toBe('Invalid value for param: country')
    expect(message('gb')).toBeNull()
    expect(message('US')).toBeNull()
    expect(message('G1')?.message).toBe(
      'Use a two-letter country code such as GB or US, or leave it empty.',
    )
  })
  it('sends trimmed non-empty values, the country upper-cased and the number as digits', () => {
    expect(toParams(form({ country: 'gb', sender_id: ' X ' }), '447700900123')).toEqual({
      number: '447700900123',
      country: 'GB',
      brand: 'Acme',
      sender_id: 'X',
      code_length: '4',
      lg: 'en-us',
      workflow_id: '1',
    })
  })
})

describe('parseNumber', () => {
  it('normalises national and international forms to the same E.164 digits', () => {
    for (const typed of [
      '07700 900123',
      '+44 7700 900123',
      '0044 7700-900-123',
      '(07700) 900123',
    ]) {
      const parsed = parseNumber(typed, 'GB')
      expect(parsed.ok && parsed.number.digits).toBe('447700900123')
    }
  })
  it('names the problem', () => {
    expect(parseNumber('', 'GB')).toEqual({ ok: false, problem: 'empty' })
    expect(parseNumber('12ab', 'GB')).toEqual({ ok: false, problem: 'not_a_number' })
    expect(parseNumber('+44 12', 'GB')).toEqual({ ok: false, problem: 'too_short' })
    expect(parseNumber('7700 900123', 'XX')).toEqual({ ok: false, problem: 'no_country' })
  })
})

describe('explainTiming: how long a PIN lasts', () => {
  it('says a PIN lasting one wait is new with every message or call, as the schedule shows', () => {
    const e = explainTiming(form({ workflow_id: '1', pin_expiry: '60', next_event_wait: '60' }))
    expect(e.schedule).toBe('SMS → 60 s → TTS (new PIN) → 60 s → TTS (new PIN) → 60 s → expires')
    expect(e.text).toContain('each one brings a new PIN')
    expect(e.text).not.toContain('the same PIN is sent')
  })
  it('says a PIN lasting two waits goes out twice, then a new one', () => {
    const e = explainTiming(form({ workflow_id: '1', pin_expiry: '240', next_event_wait: '120' }))
    expect(e.schedule).toBe('SMS → 120 s → TTS → 120 s → TTS (new PIN) → 120 s → expires')
    expect(e.text).toContain('the same PIN is sent with up to 2 messages or calls in a row')
  })
  it('sends nothing again in workflows with one message or call', () => {
    const e = explainTiming(form({ workflow_id: '6', pin_expiry: '240', next_event_wait: '120' }))
    expect(e.schedule).toBe('SMS → 240 s → expires')
    expect(e.text).toContain('one message or call, after which the request expires')
    expect(e.text).not.toContain('the same PIN is sent')
  })
})

describe('a custom PIN refused', () => {
  it('names the space of a PIN whose length is in range, not its length', () => {
    expect(fieldMessage(form({ pin_code: '12 34' }), 'pin_code')).toEqual({
      message: 'Remove the space: a custom PIN has no space or control character.',
      apiText: 'Invalid value for param: pin_code',
    })
    expect(fieldMessage(form({ pin_code: '1 2 34' }), 'pin_code')?.message).toBe(
      'Remove the spaces: a custom PIN has no space or control character.',
    )
  })
  it('names a control character first', () => {
    expect(fieldMessage(form({ pin_code: '12\t34' }), 'pin_code')?.message).toBe(
      'Remove the control character (such as a tab or a line break): a custom PIN has no space or control character.',
    )
  })
  it('names the space, then the length, when both are wrong', () => {
    expect(fieldMessage(form({ pin_code: '1 2' }), 'pin_code')?.message).toBe(
      'Remove the space: a custom PIN has no space or control character. A custom PIN has 4 to 10 characters (now 3 characters).',
    )
  })
  it('says only the length of a PIN with nothing else wrong', () => {
    expect(fieldMessage(form({ pin_code: '123' }), 'pin_code')?.message).toBe(
      'A custom PIN has 4 to 10 characters (now 3 characters).',
    )
  })
})

describe('paramMessage: one value on its own, in the words of New verification', () => {
  it('explains a brand too long or holding a tab, with the API text as the detail', () => {
    expect(paramMessage('request', 'brand', 'A'.repeat(21))).toEqual({
      message: 'Brand is at most 18 characters (now 21 characters).',
      apiText: 'Invalid value for param: brand. Parameter is too long.',
    })
    expect(paramMessage('request', 'brand', 'Acme\tShop')).toEqual({
      message:
        'Remove the control characters (such as a tab or a line break): no message can show them.',
      apiText: 'Invalid value for param: brand',
    })
    expect(paramMessage('request', 'brand', 'Acme Shop')).toBeNull()
  })
})

describe('amountWarning: a PSD2 amount past the cents', () => {
  it('warns of three decimals, which the API takes and the sandbox rounds to the cent', () => {
    expect(fieldMessage(form({ kind: 'psd2', amount: '12.345' }), 'amount')).toBeNull()
    expect(amountWarning('12.345')).toBe(
      'Payments in euros have at most 2 decimals: 12.345 has 3, and many read it as a larger amount. The sandbox rounds it to the cent (12.35); what Vonage does with it is not documented: write euros and cents, e.g. 12.35.',
    )
  })
  it('counts the decimals of an amount written with an exponent', () => {
    expect(amountWarning('1.2345e1')).toBe(
      'Payments in euros have at most 2 decimals: 1.2345e1 has 3, and many read it as a larger amount. The sandbox rounds it to the cent (12.35); what Vonage does with it is not documented: write euros and cents, e.g. 12.35.',
    )
    expect(amountWarning('1.5e-2')).toContain('1.5e-2 has 3,')
  })
  it('says nothing of an amount in euros and cents, or of one refused anyway', () => {
    for (const amount of [
      '48',
      '48.0',
      '48.00',
      ' 12.34 ',
      '',
      'abc',
      '0',
      '1e3',
      '1.5e-1',
      '12.345e2',
    ]) {
      expect(amountWarning(amount), amount).toBeNull()
    }
  })
})
