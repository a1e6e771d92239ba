import { describe, expect, it } from 'vitest'
import { neighbourAfterRemoval } from '@/utils/neighbour'

describe('the control the focus goes to after an item is removed', () => {
  it('is the next item’s, now in the removed one’s place', () => {
    // ['a', 'b', 'c'] lost 'b' (index 1): 'c' took its place.
    expect(neighbourAfterRemoval(['a', 'c'], 1)).toBe('c')
    // The first one removed: the new first.
    expect(neighbourAfterRemoval(['b', 'c'], 0)).toBe('b')
  })

  it('is the previous item’s when the last one was removed', () => {
    expect(neighbourAfterRemoval(['a', 'b'], 2)).toBe('b')
    expect(neighbourAfterRemoval(['a'], 5)).toBe('a')
  })

  it('is none when no item is left, or the item was not in the list', () => {
    expect(neighbourAfterRemoval([], 0)).toBeUndefined()
    expect(neighbourAfterRemoval(['a', 'b'], -1)).toBeUndefined()
  })

  it('takes what querySelectorAll answers (any list with a length and indexes)', () => {
    const left: ArrayLike<string> = { length: 2, 0: 'first', 1: 'second' }
    expect(neighbourAfterRemoval(left, 1)).toBe('second')
    expect(neighbourAfterRemoval(left, 3)).toBe('second')
  })
})
