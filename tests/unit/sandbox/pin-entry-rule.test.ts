import { describe, expect, it } from 'vitest'
import { fromAdmin } from '@/utils/request-model'
import { pinInputError, pinLengthHint } from '@/utils/request-state'
import { CREDS, PIN_CREDS, fakeEngine } from './support'

// The dashboard's PIN box lets through a custom PIN where the request was started with one (the
// sandbox then judges it), and keeps its digits rule for every other request.
describe('the PIN box and custom PINs', () => {
  it('takes AKFG-3424 for a request started with a custom PIN, and what a custom PIN may be', () => {
    expect(pinInputError('AKFG-3424', true)).toBeNull()
    expect(pinInputError('12345678', true)).toBeNull()
    expect(pinInputError('akfg', true)).toBeNull()
    expect(pinInputError('AK FG', true)).toBe(
      'The custom PIN has 4 to 10 characters, without spaces.',
    )
    expect(pinInputError('ABC', true)).toBe(
      'The custom PIN has 4 to 10 characters, without spaces.',
    )
    expect(pinInputError('', true)).toBe('Enter the code from the message or call.')
  })

  it('keeps digits only for other requests, of any length the API takes', () => {
    expect(pinInputError('AKFG-3424')).toBe('The code has digits only.')
    expect(pinInputError('12345678')).toBeNull()
    expect(pinInputError('1234')).toBeNull()
  })

  it("knows a sandbox request's custom PIN from the sandbox's own view", () => {
    const s = fakeEngine()
    const view = (id: string) => {
      const record = s.engine.getRequest(id)
      if (!record) throw new Error(`no request ${id}`)
      return fromAdmin(s.engine.adminView(record))
    }
    const custom = s.start({ number: '447700900001', pin_code: 'AKFG-3424' }, PIN_CREDS)
    expect(view(custom)).toMatchObject({ codeLength: 9, customPin: true })
    // A custom PIN of digits is a code of its own length: the box takes digits and hints that length.
    const numeric = s.start({ number: '447700900002', pin_code: '12345678' }, PIN_CREDS)
    expect(view(numeric)).toMatchObject({ codeLength: 8, customPin: false })
    expect(pinLengthHint('1234', view(numeric).codeLength ?? undefined)).toMatch(
      /^This request's PIN has 8 digits/,
    )
    const generated = s.start({ number: '447700900003', code_length: '6' }, CREDS)
    expect(view(generated)).toMatchObject({ codeLength: 6, customPin: false })
  })
})
