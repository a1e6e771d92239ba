import { describe, expect, test } from 'vitest'
import { checkFigure } from '../../../bench/lib/figures'

describe('a benchmark figure as results.json holds it', () => {
  test('carries every field, null where it does not apply', () => {
    expect(checkFigure({ name: 'a.b', value: 12.5, unit: 'ms' }, 'topic')).toEqual({
      bench: 'topic',
      name: 'a.b',
      value: 12.5,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: null,
      pass: null,
    })
  })

  test('gets its ratio from the baseline measured in the same run', () => {
    const figure = checkFigure(
      { name: 'x', value: 50, unit: 'req/s', baseline: 150, target: 'ratio >= 0.5', pass: false },
      'topic',
    )
    expect(figure).toMatchObject({
      baseline: 150,
      ratio: 0.333,
      target: 'ratio >= 0.5',
      pass: false,
    })
  })

  test('keeps a ratio the benchmark computed itself, and reads back what it wrote', () => {
    const written = checkFigure({ name: 'x', value: 2, unit: 'ms', baseline: 1, ratio: 1.5 }, 't')
    expect(written.ratio).toBe(1.5)
    expect(checkFigure(JSON.parse(JSON.stringify(written)) as unknown, 't')).toEqual(written)
  })

  test.each([
    ['no name', { value: 1, unit: 'ms' }, /needs a name/],
    ['no unit', { name: 'x', value: 1 }, /needs a unit/],
    ['a value that is not a number', { name: 'x', value: '1', unit: 'ms' }, /finite value/],
    ['an infinite value', { name: 'x', value: Infinity, unit: 'ms' }, /finite value/],
    ['a NaN baseline', { name: 'x', value: 1, unit: 'ms', baseline: NaN }, /baseline/],
    [
      'a target without a verdict',
      { name: 'x', value: 1, unit: 'ms', target: '< 2 ms' },
      /go together/,
    ],
    ['a verdict without a target', { name: 'x', value: 1, unit: 'ms', pass: true }, /go together/],
    [
      'a verdict that is not a boolean',
      { name: 'x', value: 1, unit: 'ms', target: 't', pass: 'yes' },
      /pass/,
    ],
    ['nothing', null, /not a figure/],
  ])('refuses %s, naming the topic', (_what, figure, message) => {
    expect(() => checkFigure(figure, 'sandbox')).toThrow(message)
    expect(() => checkFigure(figure, 'sandbox')).toThrow(/^sandbox: /)
  })
})
