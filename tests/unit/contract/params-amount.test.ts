import { describe, expect, it } from 'vitest'
import { euroAmount, fieldError, validateRequestParams } from '@contract/params'

const psd2 = (amount: string) =>
  validateRequestParams({ number: '447700900000', payee: 'Shop', amount }, 'psd2')
const refused = { status: '3', param: 'amount', error_text: 'Invalid value for param: amount' }

describe('a PSD2 amount is a number of euros, written as euros and cents', () => {
  it('has two decimals whatever was sent: a float keeps no digits of its own', () => {
    expect(euroAmount('48')).toBe('48.00')
    expect(euroAmount('48.0')).toBe('48.00')
    expect(euroAmount('48.00')).toBe('48.00')
    expect(euroAmount('12.5')).toBe('12.50')
    expect(euroAmount('007.50')).toBe('7.50')
  })

  it('is rounded to the cent, half a cent up, on the digits sent (not the binary float)', () => {
    expect(euroAmount('12.345')).toBe('12.35')
    expect(euroAmount('12.344')).toBe('12.34')
    expect(euroAmount('1234.567')).toBe('1234.57')
    expect(euroAmount('99.995')).toBe('100.00')
    expect(euroAmount('0.005')).toBe('0.01')
    // 0.1 + 0.2 as Python, Java and JSON write the double.
    expect(euroAmount('0.30000000000000004')).toBe('0.30')
  })

  it('takes a number written with an exponent, as JSON and the SDKs write floats', () => {
    expect(euroAmount('1e3')).toBe('1000.00')
    expect(euroAmount('1E3')).toBe('1000.00')
    expect(euroAmount('1.0E7')).toBe('10000000.00')
    expect(euroAmount('1e+21')).toBe('1000000000000000000000.00')
    expect(euroAmount('1.25e-1')).toBe('0.13')
    expect(psd2('1e3')).toBeNull()
    expect(psd2('1.0E7')).toBeNull()
  })

  it('refuses a short text with a huge exponent at once, without building its exact sum', () => {
    // Ten characters that once made a number of billions of digits (a RangeError: status 5).
    expect(() => euroAmount('0e99999999999')).not.toThrow()
    expect(euroAmount('0e99999999999')).toBeNull()
    expect(euroAmount('1e-20000000')).toBeNull()
    expect(fieldError('psd2', 'amount', '1e-99999999999')).toEqual(refused)
    expect(psd2('0e99999999999')).toEqual(refused)
    // Just under half a cent, though the float of it is half a cent: still no cent.
    expect(euroAmount('0.00499999999999999999')).toBeNull()
    expect(euroAmount('0.005')).toBe('0.01')
  })

  it('refuses what is no payment: no number, a sign, zero, under half a cent, past a float', () => {
    for (const amount of [
      'ten',
      '-5',
      '+5',
      '.5',
      '5.',
      '1e',
      '1,5',
      '0',
      '0.00',
      '0.004',
      '1e-400',
      '1e400',
    ]) {
      expect(euroAmount(amount), amount).toBeNull()
      expect(psd2(amount), amount).toEqual(refused)
      expect(fieldError('psd2', 'amount', amount), amount).toEqual(refused)
    }
  })
})
