import { describe, expect, it } from 'vitest'
import { BACKGROUND_CALL, Faults, isBackgroundCall } from '../../../server/sandbox/faults'

describe('Faults.take and the background mark', () => {
  it('gives a marked call no fault and leaves the fault for the next call', () => {
    const faults = new Faults()
    faults.add({ endpoint: 'search', status: '5', count: 1 })
    const background = { [BACKGROUND_CALL]: true }
    expect(faults.take('search', background)).toBeUndefined()
    expect(faults.take('search', background)).toBeUndefined()
    expect(faults.list()).toMatchObject([{ endpoint: 'search', remaining: 1, status: '5' }])
    // The tester's own call still gets it.
    expect(faults.take('search', {})).toMatchObject({ status: '5', remaining: 0 })
    expect(faults.list()).toEqual([])
  })

  it('skips an any-endpoint fault for a marked call too', () => {
    const faults = new Faults()
    faults.add({ endpoint: 'any', status: '1', count: 2 })
    expect(faults.take('search', { [BACKGROUND_CALL]: true })).toBeUndefined()
    expect(faults.take('check', { [BACKGROUND_CALL]: true })).toBeUndefined()
    expect(faults.list()[0]?.remaining).toBe(2)
    expect(faults.take('check')).toMatchObject({ status: '1', remaining: 1 })
  })

  it('reads only the in-process mark: no header or field a client sends counts as one', () => {
    const faults = new Faults()
    faults.add({ endpoint: 'search', status: '5', count: 3 })
    const lookalikes = [
      { header: (name: string) => (name === 'x-verify-desk-background' ? '1' : undefined) },
      { background: true },
      { 'verify-desk.sandbox.background-call': true },
      { [Symbol('verify-desk.sandbox.background-call')]: true },
    ]
    for (const call of lookalikes) expect(isBackgroundCall(call)).toBe(false)
    expect(faults.take('search', lookalikes[0])).toMatchObject({ remaining: 2 })
    expect(faults.take('search', lookalikes[1])).toMatchObject({ remaining: 1 })
    expect(faults.take('search', lookalikes[3])).toMatchObject({ remaining: 0 })
    expect(isBackgroundCall({ [BACKGROUND_CALL]: 'yes' })).toBe(false)
    expect(isBackgroundCall({ [Symbol.for('verify-desk.sandbox.background-call')]: true })).toBe(
      true,
    )
  })
})
