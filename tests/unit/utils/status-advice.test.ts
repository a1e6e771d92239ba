import { describe, expect, it } from 'vitest'
import { statusInfo } from '@contract/status'

describe('status 19 advice (control refused: too early, too late, no events left)', () => {
  const { nextStep } = statusInfo('19')
  const sentences = nextStep.split(/(?<=\.) /)
  const about = (words: string) => sentences.filter((s) => s.includes(words)).join(' ')

  it('says to cancel again after 30 s only for a cancel in the first 30 s', () => {
    expect(about('too early')).toMatch(/^Cancel too early \(first 30 s\): cancel again once 30 s/)
  })

  it('says a late cancel is no longer possible, without telling to wait', () => {
    const late = about('too late')
    expect(late).toContain('can no longer be cancelled')
    expect(late).toContain('let it finish or expire')
    expect(late).not.toMatch(/\bwait\b|cancel again/i)
  })

  it('covers a trigger_next_event with no event left', () => {
    expect(about('No events left')).toContain('enter the code already sent')
  })
})

describe('status 6 read by the endpoint that answered it', () => {
  it('on a start: not routed, nothing to search, since no request exists', () => {
    for (const endpoint of ['request', 'psd2'] as const) {
      const info = statusInfo('6', endpoint)
      expect(info).toMatchObject({ code: '6', title: 'Could not be routed' })
      expect(info.meaning).toContain('no request was created')
      expect(info.nextStep).not.toMatch(/search/i)
    }
  })

  it('on a search: the parameters, not an ended request', () => {
    const info = statusInfo('6', 'search')
    expect(info.title).toBe('Could not be processed')
    expect(info.nextStep).toContain('request_id')
  })

  it('on a check or control, and without an endpoint: an unknown or ended request', () => {
    for (const endpoint of ['check', 'control', undefined] as const) {
      expect(statusInfo('6', endpoint).title).toBe('Unknown or inactive request')
      expect(statusInfo('6', endpoint).nextStep).toMatch(/^Search the request/)
    }
  })
})
