/**
 * The sandbox's crypto-random ids and PINs, drawn from a pool of random bytes refilled 4 KiB at a
 * time (ids and PINs are hot).
 */
import { randomBytes } from 'node:crypto'

let pool = Buffer.alloc(0)
let poolAt = 0
/** Takes `n` bytes from `pool[at]` on (read `pool` after the call: it may refill it). */
function draw(n: number): number {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096)
    poolAt = 0
  }
  poolAt += n
  return poolAt - n
}

/** `length` crypto-random decimal digits. */
export function cryptoPin(length: number): string {
  let s = ''
  while (s.length < length) {
    const at = draw(1)
    const byte = pool[at] as number
    // Rejection sampling keeps the digits uniform.
    if (byte < 250) s += byte % 10
  }
  return s
}

/** `bytes` crypto-random bytes as lower-case hex, one flat string. */
function randomHex(bytes: number): string {
  const at = draw(bytes)
  return pool.toString('hex', at, at + bytes)
}

/** 32 lower-case hex characters: 128 crypto-random bits (never repeats in practice). */
export const cryptoId = () => randomHex(16)

/** 16 upper-case hex characters. */
export const cryptoEventId = () => randomHex(8).toUpperCase()
