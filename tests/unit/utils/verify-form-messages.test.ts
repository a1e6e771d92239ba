import { describe, expect, it } from 'vitest'
import { amountWarning, fieldMessage, paramMessage, type VerifyForm } from '@/utils/verify-form'

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
  it('warns of three decimals, which the API takes', () => {
    expect(fieldMessage(form({ kind: 'psd2', amount: '12.345' }), 'amount')).toBeNull()
    expect(amountWarning('12.345')).toBe(
      'Payments in euros have at most 2 decimals: 12.345 has 3, and many read it as a larger amount. The API takes it as typed: write euros and cents, e.g. 48.00.',
    )
  })
  it('says nothing of an amount in euros and cents, or of one refused anyway', () => {
    for (const amount of ['48', '48.0', '48.00', ' 12.34 ', '', 'abc', '0']) {
      expect(amountWarning(amount), amount).toBeNull()
    }
  })
})
