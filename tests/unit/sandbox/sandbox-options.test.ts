import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox, SandboxOptions } from '../../../server/sandbox/index'

// The limits given to createSandbox in code are held to the rule the command line and the
// variables hold theirs to (a whole number, at least the smallest value that makes sense): any
// other value is refused with an Error naming the option and what it allows, before the sandbox
// starts.

const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

function start(options: SandboxOptions): Sandbox {
  const sandbox = createSandbox({ stateFile: false, ...options })
  opened.push(sandbox)
  return sandbox
}

const NOT_WHOLE = [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e10]

type Limit = 'throttlePerSecond' | 'searchPerSecond'
type Count = 'maxFinishedRequests' | 'maxMessages' | 'eventBacklogBytes' | 'bodyLimit'

describe.each<[Limit, string]>([
  ['throttlePerSecond', 'calls per second'],
  ['searchPerSecond', 'searches per second'],
])('the %s option', (name, what) => {
  const allowed = `a whole number of ${what} (0 or more, or null for no limit)`

  it.each(NOT_WHOLE)('refuses %d, naming the option and what it allows', (value) => {
    expect(() => start({ [name]: value })).toThrow(
      `The sandbox option ${name} must be ${allowed}, not ${String(value)}.`,
    )
  })

  it('refuses a value that is not a number', () => {
    expect(() => start({ [name]: '5' as unknown as number })).toThrow(
      `The sandbox option ${name} must be a number or null for no limit, not "5".`,
    )
  })

  it('refuses the same in an account of the accounts option', () => {
    const accounts = [
      { apiKey: 'k', apiSecret: 's' },
      { apiKey: 'k2', apiSecret: 's2', [name]: -1 },
    ]
    expect(() => start({ accounts })).toThrow(
      `The sandbox option accounts[1].${name} must be ${allowed}, not -1.`,
    )
  })

  it.each([0, 1, 30, null])('takes %s', (value) => {
    const sandbox = start({
      [name]: value,
      accounts: [{ apiKey: 'k', apiSecret: 's', [name]: value }],
    })
    expect(sandbox.defaultAccount).toEqual({ apiKey: 'k', apiSecret: 's' })
  })
})

describe.each<[Count, string]>([
  ['maxFinishedRequests', 'finished requests to keep'],
  ['maxMessages', 'handset messages to keep'],
  ['eventBacklogBytes', 'bytes'],
  ['bodyLimit', 'bytes'],
])('the %s option', (name, what) => {
  const allowed = `a whole number of ${what} (1 or more)`

  it.each([...NOT_WHOLE, 0])('refuses %d, naming the option and what it allows', (value) => {
    expect(() => start({ [name]: value })).toThrow(
      `The sandbox option ${name} must be ${allowed}, not ${String(value)}.`,
    )
  })

  it('refuses null and values that are not numbers', () => {
    expect(() => start({ [name]: null as unknown as number })).toThrow(
      `The sandbox option ${name} must be a number, not null.`,
    )
    expect(() => start({ [name]: '100' as unknown as number })).toThrow(
      `The sandbox option ${name} must be a number, not "100".`,
    )
  })

  it.each([1, 65_536])('takes %d', (value) => {
    expect(start({ [name]: value }).eventStreams()).toBe(0)
  })
})

// The two timing options are held to the same rule, in milliseconds: a keep-alive of 0 ms would
// spin; one past 2^31 - 1 ms would fire at once, on every tick.
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

describe('a refused limit', () => {
  it('stops the sandbox before it takes its state file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-options-'))
    try {
      const stateFile = path.join(dir, 'state.json')
      expect(() => createSandbox({ stateFile, maxFinishedRequests: 0.5 })).toThrow(
        /^The sandbox option maxFinishedRequests must be a whole number/,
      )
      expect(await readdir(dir)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
