/**
 * What a start's refusal says, from its answer: a status 7 names the network the anti-fraud rules
 * block and points to network unblock; a status 10 without a request_id does not claim one.
 */
import { describe, expect, it } from 'vitest'
import { statusInfo } from '@contract/status'

describe('statusInfo: status 7 on a start', () => {
  it('names the blocked network and how to lift its block', () => {
    for (const endpoint of ['request', 'psd2'] as const) {
      const info = statusInfo('7', endpoint, { answer: { network: '23410' } })
      expect(info.title).toBe('Number blocked')
      expect(info.meaning).toBe(
        'The number is blacklisted for verification: anti-fraud rules block its network, 23410.',
      )
      expect(info.nextStep).toBe(
        'Use a different number, or lift the block of network 23410 with network unblock (POST /verify/network-unblock with {"network": "23410"}; for up to 24 hours, 1 hour by default). On live, Vonage switches network unblock off by default: ask Vonage support to enable it for the account.',
      )
    }
  })

  it('points to network unblock without naming a network when the answer is not given', () => {
    const info = statusInfo('7', 'request')
    expect(info.meaning).toContain("the answer's network names it")
    expect(info.nextStep).toContain('network unblock (POST /verify/network-unblock)')
    expect(info.nextStep).not.toBe('Use a different number or contact Vonage support.')
  })

  it('says no network is named when the answer has none', () => {
    const info = statusInfo('7', 'request', { answer: {} })
    expect(info.meaning).toContain('the answer names no network')
    expect(info.nextStep).toBe('Use a different number, or contact Vonage support.')
  })
})

describe('statusInfo: status 10 on a start', () => {
  it('does not claim a request_id was returned when the answer has none', () => {
    for (const answer of [undefined, {}, { request_id: '' }]) {
      const info = statusInfo('10', 'request', answer ? { answer } : {})
      expect(info.meaning).not.toContain('request_id is returned')
    }
    const missing = statusInfo('10', 'request', { answer: { request_id: '' } })
    expect(missing.meaning).toBe(
      'A verification to this number is still in progress, but the answer does not say which (it has no request_id).',
    )
    expect(missing.nextStep).toBe(
      'Find the request in progress to this number in History (or wherever it was started), then finish or cancel it, or wait until it expires.',
    )
  })

  it('says the answer names the request in progress when it does', () => {
    const info = statusInfo('10', 'psd2', { answer: { request_id: 'a'.repeat(32) } })
    expect(info.meaning).toBe(
      'A verification to this number is still in progress: the answer names it.',
    )
    expect(info.nextStep).toBe(
      'Finish or cancel the request in progress, or wait until it expires.',
    )
  })
})
