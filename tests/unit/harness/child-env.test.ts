import { describe, expect, test } from 'vitest'
import { childEnv } from '../../e2e/support/server'

describe('the environment of the servers the end-to-end tests start', () => {
  const shell = {
    PATH: '/usr/bin',
    HOME: '/home/someone',
    VONAGE_API_KEY: 'abcd1234',
    VONAGE_API_SECRET: 'real-secret',
    VERIFY_DESK_PORT: '8080',
    VERIFY_DESK_TOKEN: 'a-token-of-the-shell',
    SANDBOX_STATE_FILE: '/home/someone/.verify-desk/state.json',
    SANDBOX_ACCOUNTS: 'key:secret',
    SANDBOX_SEARCH_PER_SECOND: '0',
    VITEST_WORKER_ID: '3',
  }

  test('leaves out live credentials and the server and sandbox settings of the shell', () => {
    const env = childEnv({}, shell)
    for (const key of Object.keys(shell).filter((k) => !['PATH', 'HOME'].includes(k))) {
      expect(env, key).not.toHaveProperty(key)
    }
    expect(env.PATH).toBe('/usr/bin')
    expect(env.HOME).toBe('/home/someone')
  })

  test('keeps what the test itself sets, sandbox settings included', () => {
    const env = childEnv(
      { SANDBOX_STATE_FILE: '/tmp/test-state.json', VERIFY_DESK_TOKEN: 't' },
      shell,
    )
    expect(env.SANDBOX_STATE_FILE).toBe('/tmp/test-state.json')
    expect(env.VERIFY_DESK_TOKEN).toBe('t')
    expect(env.SANDBOX_ACCOUNTS).toBeUndefined()
  })
})
