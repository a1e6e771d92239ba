import { describe, expect, it } from 'vitest'
import { requestIdError, validateCheckParams, validateControlParams } from '@contract/params'

const invalidId = {
  status: '3',
  param: 'request_id',
  error_text: 'Invalid value for param: request_id',
}

describe('the request_id rule shared by check and control', () => {
  it('takes up to 32 characters and refuses more with status 3', () => {
    expect(requestIdError('a'.repeat(32))).toBeNull()
    expect(requestIdError('a'.repeat(33))).toEqual(invalidId)
    expect(validateCheckParams({ request_id: 'a'.repeat(33), code: '1234' })).toEqual(invalidId)
    expect(
      validateControlParams({ request_id: 'a'.repeat(35), cmd: 'trigger_next_event' }),
    ).toEqual(invalidId)
    expect(validateControlParams({ request_id: 'a'.repeat(32), cmd: 'cancel' })).toBeNull()
  })

  it('keeps control in its order: missing request_id, missing cmd, the id, then cmd', () => {
    expect(validateControlParams({ cmd: 'delete' })?.error_text).toBe(
      'Your request is incomplete and missing the mandatory parameter: request_id',
    )
    expect(validateControlParams({ request_id: 'a'.repeat(35) })?.param).toBe('cmd')
    expect(validateControlParams({ request_id: 'a'.repeat(35), cmd: 'delete' })).toEqual(invalidId)
    expect(validateControlParams({ request_id: 'a', cmd: 'delete' })).toEqual({
      status: '3',
      param: 'cmd',
      error_text: 'Invalid parameter found: cmd',
    })
  })
})
