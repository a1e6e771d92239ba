import { describe, expect, it } from 'vitest'
import { characterCount, fieldError } from '@contract/params'

// Length limits count characters (code points): an emoji is one character, not two UTF-16 units.
const SMILE = '\u{1F600}'
const tooLong = (p: string) => `Invalid value for param: ${p}. Parameter is too long.`

describe('characterCount', () => {
  it('counts code points, a lone surrogate as one', () => {
    expect(characterCount('')).toBe(0)
    expect(characterCount('Acme')).toBe(4)
    expect(characterCount(SMILE.repeat(10))).toBe(10)
    expect(characterCount(`a${SMILE}b`)).toBe(3)
    expect(characterCount('Caf\u00e9')).toBe(4)
    expect(characterCount('\ud83d')).toBe(1)
    expect(characterCount('\ude00\ud83d')).toBe(2)
  })
})

describe('length limits in characters', () => {
  const cases: [string, 'request' | 'psd2', number][] = [
    ['brand', 'request', 18],
    ['sender_id', 'request', 11],
    ['payee', 'psd2', 18],
  ]
  it.each(cases)('%s (%s) takes its limit in emoji and refuses one more', (param, kind, max) => {
    expect(fieldError(kind, param, SMILE.repeat(max))).toBeNull()
    expect(fieldError(kind, param, SMILE.repeat(max + 1))).toEqual({
      status: '3',
      param,
      error_text: tooLong(param),
    })
  })

  it('judges pin_code on 4 to 10 characters', () => {
    expect(fieldError('request', 'pin_code', SMILE.repeat(4))).toBeNull()
    expect(fieldError('request', 'pin_code', SMILE.repeat(10))).toBeNull()
    expect(fieldError('request', 'pin_code', SMILE.repeat(3))?.error_text).toBe(
      'Invalid value for param: pin_code',
    )
    expect(fieldError('request', 'pin_code', SMILE.repeat(11))?.status).toBe('3')
  })
})
