import { describe, expect, it } from 'vitest'
import { FAULT_STATUSES } from '../../../contract/fault-statuses'
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

describe('Faults.add: statuses by endpoint', () => {
  it.each([
    ['check', '10', '1, 2, 3, 4, 5, 6, 16, 17, 999'],
    ['control', '17', '1, 2, 3, 4, 5, 6, 8, 9, 19, 999'],
    ['search', '16', '1, 2, 3, 4, 5, 6, 18, 101, 999'],
    ['request', '12345', '1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 29, 999'],
    ['psd2', '20', '1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 21, 29, 999'],
  ])('refuses on %s status %s, naming the statuses it answers', (endpoint, status, allowed) => {
    const faults = new Faults()
    expect(faults.add({ endpoint, status })).toEqual({
      error: `status ${status} is not one the API answers on ${endpoint}: give one of ${allowed}.`,
    })
    expect(faults.list()).toEqual([])
  })

  it('refuses for any endpoint a status not every endpoint answers', () => {
    const faults = new Faults()
    expect(faults.add({ endpoint: 'any', status: '10' })).toEqual({
      error:
        'status 10 is not one the API answers on every endpoint: give one of 1, 2, 3, 4, 5, 6, 999.',
    })
  })

  it.each([
    ['any', '1.0', '1, 2, 3, 4, 5, 6, 999'],
    ['any', '0', '1, 2, 3, 4, 5, 6, 999'],
    ['check', 'seven', '1, 2, 3, 4, 5, 6, 16, 17, 999'],
    ['request', '-7', '1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 29, 999'],
  ])(
    'refuses on %s the malformed status %j, suggesting only statuses it answers',
    (endpoint, status, allowed) => {
      const faults = new Faults()
      const where = endpoint === 'any' ? 'every endpoint' : endpoint
      expect(faults.add({ endpoint, status })).toEqual({
        error: `status must be a non-zero API status code the API answers on ${where}: give one of ${allowed}.`,
      })
      expect(faults.list()).toEqual([])
    },
  )

  it('suggests, for a malformed status, only statuses the endpoint then takes', () => {
    for (const endpoint of Object.keys(FAULT_STATUSES)) {
      const refused = new Faults().add({ endpoint, status: '1.0' })
      const suggested = /give one of ([0-9, ]+)\.$/.exec('error' in refused ? refused.error : '')
      expect(suggested, endpoint).not.toBeNull()
      for (const status of suggested![1]!.split(', ')) {
        expect(new Faults().add({ endpoint, status }), `${endpoint} ${status}`).toMatchObject({
          status,
        })
      }
    }
  })

  it('takes every status of the shared table on its endpoint', () => {
    const faults = new Faults()
    for (const [endpoint, statuses] of Object.entries(FAULT_STATUSES)) {
      for (const status of statuses) {
        expect(faults.add({ endpoint, status }), `${endpoint} ${status}`).toMatchObject({
          endpoint,
          status,
        })
      }
    }
  })
})
