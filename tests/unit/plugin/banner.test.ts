import { describe, expect, it } from 'vitest'
import { liveBannerLine } from '../../../server/plugin.ts'
import { maskKey } from '../../../server/proxy/credentials.ts'

const live = (apiKey: string) => ({
  credentials: { apiKey, apiSecret: 'not-printed-secret' },
  host: 'https://api.nexmo.com',
  auth: 'basic' as const,
})

describe('the start-up banner’s live line', () => {
  it('shows the key as the dashboard’s key hint does', () => {
    expect(liveBannerLine(live('live12'))).toBe(
      '  ➜  Live:    on, key liv… via https://api.nexmo.com (Basic auth)',
    )
    for (const key of ['a1b2c3d4e5', 'live12', 'abcd', 'ab1', 'x']) {
      expect(liveBannerLine(live(key))).toContain(`key ${maskKey(key)} via`)
    }
  })

  it('never prints a short key whole', () => {
    for (const key of ['abcd', 'ab1', 'k9']) {
      expect(liveBannerLine(live(key))).not.toContain(`key ${key}`)
    }
  })

  it('says live is off and how to switch it on without live settings', () => {
    expect(liveBannerLine(undefined)).toBe(
      '  ➜  Live:    off (set VONAGE_API_KEY and VONAGE_API_SECRET to enable it)',
    )
  })
})
