import { describe, expect, it } from 'vitest'
import { inTimeOrder } from '@/utils/request-model'

interface Item {
  text: string
  at: number | null
  event?: true
}

const order = (items: Item[]) =>
  inTimeOrder(items, (item) => item.event === true).map((i) => i.text)

describe('inTimeOrder: the order of a timeline', () => {
  it('puts a call whose time is not known just before the next call, after the checks before it', () => {
    // A live request: the SMS at 0 s, two wrong codes, then two calls triggered; search gives no
    // time for the first call.
    const items: Item[] = [
      { text: 'Submitted', at: 0 },
      { text: 'SMS', at: 0, event: true },
      { text: 'first call', at: null, event: true },
      { text: 'second call', at: 14_000, event: true },
      { text: 'wrong code', at: 2_000 },
      { text: 'wrong code again', at: 4_000 },
    ]
    expect(order(items)).toEqual([
      'Submitted',
      'SMS',
      'wrong code',
      'wrong code again',
      'first call',
      'second call',
    ])
  })

  it('keeps anything else without a time after what precedes it', () => {
    const items: Item[] = [
      { text: 'Submitted', at: 0 },
      { text: 'SMS', at: 0, event: true },
      { text: 'call', at: 125_000, event: true },
      { text: 'check', at: 10_000 },
      { text: 'check without a date', at: null },
      { text: 'end', at: 400_000 },
    ]
    expect(order(items)).toEqual([
      'Submitted',
      'SMS',
      'check',
      'check without a date',
      'call',
      'end',
    ])
  })

  it('keeps the last call whose time is not known after the calls before it', () => {
    const items: Item[] = [
      { text: 'Submitted', at: 0 },
      { text: 'SMS', at: 0, event: true },
      { text: 'call', at: null, event: true },
      { text: 'check', at: 10_000 },
    ]
    expect(order(items)).toEqual(['Submitted', 'SMS', 'call', 'check'])
  })
})
