import { describe, expect, it } from 'vitest'
import { fieldError, givenText, validateRequestParams } from '@contract/params'

const missing = (param: string) => ({
  status: '2',
  param,
  error_text: `Your request is incomplete and missing the mandatory parameter: ${param}`,
})
const invalid = (param: string) => ({
  status: '3',
  param,
  error_text: `Invalid value for param: ${param}`,
})

describe('a text shown in a message that is blank after trimming', () => {
  it('is a missing brand or payee', () => {
    expect(validateRequestParams({ number: '447700900000', brand: '   ' }, 'request')).toEqual(
      missing('brand'),
    )
    expect(fieldError('request', 'brand', '\u00a0\u3000')).toEqual(missing('brand'))
    expect(
      validateRequestParams({ number: '447700900000', payee: ' ', amount: '1' }, 'psd2'),
    ).toEqual(missing('payee'))
  })

  it('is a sender_id not sent: no error, and the request keeps none', () => {
    expect(
      validateRequestParams({ number: '447700900000', brand: 'Acme', sender_id: '  ' }, 'request'),
    ).toBeNull()
    expect(givenText('sender_id', '  ')).toBe('')
    expect(givenText('sender_id', undefined)).toBe('')
    expect(givenText('sender_id', ' Acme ')).toBe(' Acme ')
  })

  it('is no rule for other parameters: a number of spaces is judged as a number', () => {
    expect(fieldError('request', 'number', '   ')).toEqual(invalid('number'))
    expect(fieldError('request', 'brand', ' A ')).toBeNull()
  })
})

describe('country', () => {
  const known = (country: string) => ['GB', 'US', 'DE'].includes(country)

  it('is refused when the country rule given knows no such country (asked upper-case)', () => {
    expect(fieldError('request', 'country', 'xx', { isCountry: known })).toEqual(invalid('country'))
    expect(fieldError('request', 'country', 'gb', { isCountry: known })).toBeNull()
    expect(
      validateRequestParams(
        { number: '7700900104', country: 'XX', brand: 'Acme' },
        'request',
        undefined,
        known,
      ),
    ).toEqual(invalid('country'))
  })

  it('without a rule, takes any two letters (a form that knows no list) and refuses the rest', () => {
    expect(fieldError('request', 'country', 'XX')).toBeNull()
    expect(fieldError('request', 'country', 'GBR', { isCountry: known })).toEqual(
      invalid('country'),
    )
  })
})
