import { beforeEach, describe, expect, it, vi } from 'vitest'

// The random bytes are replaced by known ones, so which bytes become digits is exact: each
// refill of the sandbox's 4 KiB pool takes the next queued pool.
const queued = vi.hoisted(() => ({ pools: [] as Buffer[] }))
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return {
    ...actual,
    randomBytes: (size: number) => {
      const pool = queued.pools.shift()
      if (!pool) throw new Error('no random bytes queued')
      expect(pool).toHaveLength(size)
      return pool
    },
  }
})

/** A 4 KiB pool starting with `bytes`, then 255s (never a digit). */
const poolOf = (bytes: number[]) => {
  const pool = Buffer.alloc(4096, 255)
  pool.set(bytes)
  return pool
}

/** `cryptoPin` of a fresh module: its pool is empty, so the first draw takes a queued pool. */
async function freshPin() {
  vi.resetModules()
  return (await import('../../../server/sandbox/ids')).cryptoPin
}

beforeEach(() => {
  queued.pools.length = 0
})

describe('the digits of a sandbox PIN', () => {
  it('skip the bytes 250 to 255, which would make the digits 0 to 5 more likely', async () => {
    const cryptoPin = await freshPin()
    // Each cycle of the 256 byte values, 250..255 left out, gives every digit 25 times.
    queued.pools.push(poolOf(Array.from({ length: 4096 }, (_, i) => i % 256)))
    const digits = cryptoPin(16 * 250)
    expect(digits).toBe(
      Array.from({ length: 250 }, (_, i) => i % 10)
        .join('')
        .repeat(16),
    )
    const counts = Array.from({ length: 10 }, (_, d) => digits.split(String(d)).length - 1)
    expect(counts).toEqual(Array.from({ length: 10 }, () => 400))
  })

  it('skip such bytes at the end of one pool and the start of the next', async () => {
    const cryptoPin = await freshPin()
    queued.pools.push(poolOf([4, 250, 251]), poolOf([252, 253, 254, 255, 3, 7, 1, 9]))
    expect(cryptoPin(5)).toBe('43719')
    expect(queued.pools).toHaveLength(0)
  })
})
