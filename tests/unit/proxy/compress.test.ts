import { describe, expect, it } from 'vitest'
import { isCompressible, negotiateEncoding } from '../../../server/proxy/compress'

describe('negotiateEncoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['GZIP;Q=0.8', 'gzip'],
    ['x-gzip', 'gzip'],
    ['*', 'gzip'],
  ])('%j → %j', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected)
  })
})

describe('isCompressible', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['text/xml', true],
    ['text/plain; charset=utf-8', true],
    ['text/event-stream', false],
    ['text/event-stream; charset=utf-8', false],
    ['image/png', false],
    ['', false],
  ])('%j → %j', (type, expected) => {
    expect(isCompressible(type)).toBe(expected)
  })
})
