import { describe, expect, it } from 'vitest'
import { median } from '../../../bench/lib/stats'

describe('bench median', () => {
  it('takes the middle sample, or the mean of the middle two, without reordering the input', () => {
    const samples = [9, 1, 5]
    expect(median(samples)).toBe(5)
    expect(samples).toEqual([9, 1, 5])
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })
})
