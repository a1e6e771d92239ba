import { describe, expect, it } from 'vitest'
import { ERROR_TEXTS, statusInfo } from '@contract/status'

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

describe('status 5 advice for the call that got it', () => {
  it('never tells a check, control or search to "search first if a verification may have started"', () => {
    for (const endpoint of ['check', 'control', 'search', undefined] as const) {
      expect(statusInfo('5', endpoint).nextStep).not.toMatch(
        /verification may already have started/,
      )
    }
    expect(statusInfo('5').nextStep).toBe('Try again in a moment.')
  })

  it('on a start: send it again with the same number, status 10 names a start that went through', () => {
    for (const endpoint of ['request', 'psd2'] as const) {
      const { nextStep, title } = statusInfo('5', endpoint)
      expect(title).toBe('Internal error')
      expect(nextStep).toMatch(/^Send it again in a moment with the same number/)
      expect(nextStep).toContain('status 10')
    }
  })

  it('on a check: refresh the request before entering the code again', () => {
    expect(statusInfo('5', 'check').nextStep).toMatch(
      /^Refresh the request before entering the code again/,
    )
  })

  it('on a search: search again', () => {
    expect(statusInfo('5', 'search').nextStep).toBe('Search again in a moment.')
  })

  it('on a cancel or a next event: refresh first, then that command again', () => {
    expect(statusInfo('5', 'control', { cmd: 'cancel' }).nextStep).toMatch(
      /^Refresh the request first: the cancel may have gone through\. .*cancel again/,
    )
    expect(statusInfo('5', 'control', { cmd: 'trigger_next_event' }).nextStep).toMatch(
      /^Refresh the request first: the next message or call may be on its way\. .*trigger the next event again/,
    )
  })
})

describe('status 6 on a search never says to search the request', () => {
  it('its next step is about the ids sent', () => {
    expect(statusInfo('6', 'search').nextStep).not.toMatch(/^Search the request/)
  })
})

describe('status 19 advice: only the case that applies', () => {
  const id = 'c5037cb8b47449158ed6611afde58990'

  it('trigger_next_event: no events left, nothing about cancelling', () => {
    const info = statusInfo('19', 'control', {
      cmd: 'trigger_next_event',
      errorText: ERROR_TEXTS.noMoreEvents(id),
    })
    expect(info.title).toBe('No events left')
    expect(info.nextStep).toBe('Enter the code already sent, or let the request expire.')
    expect(`${info.meaning} ${info.nextStep}`).not.toMatch(/cancel/i)
  })

  it('a cancel too early (its error text): cancel again after 30 s, nothing about events', () => {
    const info = statusInfo('19', 'control', {
      cmd: 'cancel',
      errorText: ERROR_TEXTS.cancelTooEarly(id),
    })
    expect(info.title).toBe('Too early to cancel')
    expect(info.nextStep).toBe('Cancel again once 30 s have passed since the start.')
    expect(info.nextStep).not.toMatch(/too late|events|expire/i)
  })

  it('a cancel too late (its error text): no longer possible, without telling to wait', () => {
    const info = statusInfo('19', 'control', {
      cmd: 'cancel',
      errorText: ERROR_TEXTS.cancelTooLate(id),
    })
    expect(info.title).toBe('Too late to cancel')
    expect(info.nextStep).toBe('The request can no longer be cancelled: let it finish or expire.')
    expect(info.nextStep).not.toMatch(/\bwait\b|cancel again|30 s/i)
  })

  it('a cancel with another error text: both cancel cases, none about events', () => {
    const info = statusInfo('19', 'control', { cmd: 'cancel', errorText: 'Injected fault' })
    expect(info.nextStep).toContain('cancel again once 30 s have passed')
    expect(info.nextStep).toContain('can no longer be cancelled')
    expect(info.nextStep).not.toMatch(/events|code already sent/i)
  })
})
