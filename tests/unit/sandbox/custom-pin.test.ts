import { describe, expect, it } from 'vitest'
import { inPinAlphabet, isPinCode, validateCheckParams } from '@contract/params'
import { CREDS, PIN_CREDS, fakeEngine } from './support'

// A custom PIN (pin_code) that is not all digits can be checked: a code is judged in the
// alphabet of the request's PIN; numeric PINs keep the API's digits-only rule.
const INVALID_CHARS = 'The code contains invalid characters'
const WRONG = 'The code provided does not match the expected value'

describe('the pin_code rule at the start', () => {
  it('takes 4 to 10 visible characters, letters and separators too', () => {
    for (const pin of [
      'AKFG-3424',
      '1234',
      'abcd',
      'Ab_9',
      '0123456789',
      'ÄÖÜ1',
      '\u{1F600}'.repeat(4),
    ]) {
      expect(isPinCode(pin), pin).toBe(true)
    }
    for (const pin of ['ABC', '12345678901', 'AK FG', 'AKFG\t1', 'AK\u0000G', '']) {
      expect(isPinCode(pin), JSON.stringify(pin)).toBe(false)
    }
  })
})

describe('the alphabet of a PIN', () => {
  it('is digits only for a numeric PIN, as the API judges codes', () => {
    expect(inPinAlphabet('4321', '1234')).toBe(true)
    expect(inPinAlphabet('12345', '1234')).toBe(true)
    for (const code of ['12a4', '????', '1-34', '%s', '12 4', 'ABCD']) {
      expect(inPinAlphabet(code, '1234'), code).toBe(false)
    }
  })

  it("is the kinds of characters of a custom PIN: AKFG-3424 takes capitals, digits and '-'", () => {
    for (const code of ['AKFG-3424', 'AKFG-0000', 'ZZZZ', '1234', 'A-1', 'AKFG_3424']) {
      expect(inPinAlphabet(code, 'AKFG-3424'), code).toBe(true)
    }
    // Case counts: lower-case letters are not in the alphabet of an all-capitals PIN.
    for (const code of ['akfg-3424', 'AKFG 3424', 'AKFG-3424\u0001', 'ÄKFG-3424'.toLowerCase()]) {
      expect(inPinAlphabet(code, 'AKFG-3424'), JSON.stringify(code)).toBe(false)
    }
    expect(inPinAlphabet('abcd', 'AbCd')).toBe(true)
  })

  it('judges a check in the alphabet of the PIN, digits only when it is unknown', () => {
    expect(validateCheckParams({ request_id: 'x', code: 'AKFG-3424' })).toEqual({
      status: '3',
      param: 'code',
      error_text: INVALID_CHARS,
    })
    expect(validateCheckParams({ request_id: 'x', code: 'AKFG-3424' }, 'AKFG-3424')).toBeNull()
    expect(validateCheckParams({ request_id: 'x', code: 'akfg' }, 'AKFG-3424')?.status).toBe('3')
    expect(validateCheckParams({ request_id: 'x', code: '1234' }, '5678')).toBeNull()
  })
})

describe('checks of a request with a custom PIN', () => {
  it('answers 0 to the PIN exactly as shown on the handset', () => {
    const s = fakeEngine()
    const id = s.start({ pin_code: 'AKFG-3424' }, PIN_CREDS)
    expect(s.messages(id)[0]?.text).toContain('PIN is: AKFG-3424.')
    expect(s.call('check', { request_id: id, code: 'AKFG-3424' }, PIN_CREDS)).toMatchObject({
      request_id: id,
      status: '0',
    })
  })

  it('answers 16, 16 then 17 to wrong codes in its alphabet, and the request is FAILED', () => {
    const s = fakeEngine()
    const id = s.start({ pin_code: 'AKFG-3424' }, PIN_CREDS)
    const check = (code: string) => s.call('check', { request_id: id, code }, PIN_CREDS)
    expect(check('AKFG-0000')).toEqual({ request_id: id, status: '16', error_text: WRONG })
    expect(check('AKFG')).toEqual({ request_id: id, status: '16', error_text: WRONG })
    expect(check('AKFG-3425').status).toBe('17')
    expect(s.engine.getRequest(id)?.status).toBe('FAILED')
    expect(check('AKFG-3424').status).toBe('6')
  })

  it('answers 3 to a code outside its alphabet and uses no attempt', () => {
    const s = fakeEngine()
    const id = s.start({ pin_code: 'AKFG-3424' }, PIN_CREDS)
    const check = (code: string) => s.call('check', { request_id: id, code }, PIN_CREDS)
    for (const code of ['akfg-3424', 'AKFG 3424', 'AKFG-3424?\u0000']) {
      expect(check(code)).toEqual({ status: '3', error_text: INVALID_CHARS })
    }
    expect(s.engine.getRequest(id)?.wrong).toBe(0)
    expect(s.engine.getRequest(id)?.checks).toEqual([])
    expect(check('AKFG-3424').status).toBe('0')
  })

  it('keeps the digits-only rule and its text for numeric PINs, custom or generated', () => {
    const s = fakeEngine()
    const custom = s.start({ number: '447700900001', pin_code: '12345678' }, PIN_CREDS)
    expect(s.call('check', { request_id: custom, code: 'ABCD' }, PIN_CREDS)).toEqual({
      status: '3',
      error_text: INVALID_CHARS,
    })
    expect(s.call('check', { request_id: custom, code: '12345678' }, PIN_CREDS).status).toBe('0')
    const generated = s.start({ number: '447700900002' })
    expect(s.call('check', { request_id: generated, code: '12a4' }, CREDS)).toEqual({
      status: '3',
      error_text: INVALID_CHARS,
    })
    // Another account's request is not known to this one: its PIN is not looked at.
    const other = s.start({ number: '447700900003', pin_code: 'WXYZ' }, PIN_CREDS)
    expect(s.call('check', { request_id: other, code: 'WXYZ' }, CREDS).status).toBe('3')
  })

  it('refuses a pin_code with a space or a control character at the start', () => {
    const s = fakeEngine()
    for (const pin_code of ['AK FG', 'AKFG\u0001', 'ABC', '12345678901']) {
      expect(
        s.call('request', { number: '447700900000', brand: 'Acme', pin_code }, PIN_CREDS),
      ).toEqual({ status: '3', error_text: 'Invalid value for param: pin_code' })
    }
  })
})
