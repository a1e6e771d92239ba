import { describe, expect, it } from 'vitest'
import {
  NOT_SCALAR,
  fieldError,
  validateCheckParams,
  validateControlParams,
  validateRequestParams,
} from '@contract/params'

const invalid = (param: string) => ({
  status: '3',
  param,
  error_text: `Invalid value for param: ${param}`,
})

describe('a structured JSON value (array or object) for a parameter', () => {
  it('is present, and an invalid value, in the order the values of a start are judged', () => {
    expect(validateRequestParams({ number: NOT_SCALAR }, 'request')?.param).toBe('brand')
    expect(
      validateRequestParams({ number: NOT_SCALAR, country: 'GBR', brand: 'A' }, 'request'),
    ).toEqual(invalid('number'))
    expect(
      validateRequestParams({ number: '447700900000', brand: 'A', lg: NOT_SCALAR }, 'request'),
    ).toEqual(invalid('lg'))
    expect(
      validateRequestParams({ number: '447700900000', payee: 'S', amount: NOT_SCALAR }, 'psd2'),
    ).toEqual(invalid('amount'))
  })

  it('is ignored where the parameter is not one of the endpoint', () => {
    expect(fieldError('psd2', 'brand', NOT_SCALAR)).toBeNull()
    expect(fieldError('psd2', 'pin_code', NOT_SCALAR)).toBeNull()
    expect(fieldError('request', 'ip_address', NOT_SCALAR)).toBeNull()
  })

  it('answers a check and a control for the parameter, cmd with its own text', () => {
    expect(validateCheckParams({ request_id: NOT_SCALAR, code: '1234' })).toEqual(
      invalid('request_id'),
    )
    expect(validateCheckParams({ request_id: 'a', code: NOT_SCALAR })).toEqual(invalid('code'))
    expect(validateCheckParams({ request_id: NOT_SCALAR })?.param).toBe('code')
    expect(validateControlParams({ request_id: 'a', cmd: NOT_SCALAR })).toEqual({
      status: '3',
      param: 'cmd',
      error_text: 'Invalid parameter found: cmd',
    })
  })
})

describe('the length of a checked code', () => {
  it('is 4 to 10 characters, judged after its characters', () => {
    for (const code of ['1234', '12345', '123456', '1'.repeat(10)]) {
      expect(validateCheckParams({ request_id: 'a', code }), code).toBeNull()
    }
    for (const code of ['1', '123', '1'.repeat(11), '1'.repeat(20)]) {
      expect(validateCheckParams({ request_id: 'a', code }), code).toEqual(invalid('code'))
    }
    expect(validateCheckParams({ request_id: 'a', code: '1a' })?.error_text).toBe(
      'The code contains invalid characters',
    )
    expect(validateCheckParams({ request_id: 'a', code: 'AKF' }, 'AKFG-3424')).toEqual(
      invalid('code'),
    )
  })
})
