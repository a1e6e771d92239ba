import { afterEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox, SandboxOptions } from '../../../server/sandbox/index'

// The two timing options given to createSandbox in code are held to the same rule as its limits:
// a whole number of milliseconds, refused with an Error naming the option before the sandbox starts
// (a keep-alive of 0 ms would spin; one past 2^31 - 1 ms would fire at once, on every tick).

const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

function start(options: SandboxOptions): Sandbox {
  const sandbox = createSandbox({ stateFile: false, ...options })
  opened.push(sandbox)
  return sandbox
}

describe.each<['saveDelayMs' | 'keepAliveMs', number]>([
  ['saveDelayMs', 0],
  ['keepAliveMs', 1],
])('the %s option', (name, min) => {
  const allowed = `a whole number of milliseconds (${min} or more)`

  it.each([1.5, -1, min - 1, Number.NaN, Number.POSITIVE_INFINITY, 3e9])(
    'refuses %d, naming the option and what it allows',
    (value) => {
      expect(() => start({ [name]: value })).toThrow(
        `The sandbox option ${name} must be ${allowed}, not ${String(value)}.`,
      )
    },
  )

  it('refuses a text, which only the command line and variables read', () => {
    expect(() => start({ [name]: '250' as unknown as number })).toThrow(
      `The sandbox option ${name} must be a number, not "250".`,
    )
  })

  it.each([min, 250, 999_999_999])('takes %d', (value) => {
    expect(start({ [name]: value }).eventStreams()).toBe(0)
  })
})
