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
