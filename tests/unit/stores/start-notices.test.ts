import { describe, expect, it } from 'vitest'
import { startNoticeOf } from '@/stores/start-notices'
import type { StartOutcome } from '@/utils/start-outcome'

const NUMBER = '447700900001'
const BLOCKER = 'a1b2c3d4e5f60718293a4b5c6d62a2d3'

function status10(earlierInHistory: boolean): StartOutcome {
  return {
    type: 'rejected',
    answer: {
      status: '10',
      request_id: BLOCKER,
      error_text: 'Concurrent verifications to the same number are not allowed',
    },
    earlierUncertain: { id: 'earlier' },
    ...(earlierInHistory ? { earlierInHistory: true } : {}),
  }
}

describe('startNoticeOf: status 10 naming an earlier start', () => {
  it('says the earlier start is in History when History took it', () => {
    const notice = startNoticeOf(status10(true), 'sandbox', NUMBER)
    expect(notice.requestId).toBe(BLOCKER)
    expect(notice.message).toContain('probably your earlier start to this number (…62a2d3)')
    expect(notice.message).toContain('it is in History.')
  })

  it('never says it is in History when History could not take it', () => {
    const notice = startNoticeOf(status10(false), 'sandbox', NUMBER)
    expect(notice.requestId).toBe(BLOCKER)
    expect(notice.message).toContain('probably your earlier start to this number (…62a2d3)')
    expect(notice.message).not.toContain('in History.')
    expect(notice.message).toContain('still listed under Starts without an answer')
  })
})

describe('startNoticeOf: status 2 about the credentials', () => {
  it.each(['Missing api_key', 'Your request is incomplete and missing some mandatory parameters'])(
    "names the server's credentials not received (%s), not a parameter to fill in",
    (text) => {
      const outcome: StartOutcome = { type: 'rejected', answer: { status: '2', error_text: text } }
      const notice = startNoticeOf(outcome, 'live', NUMBER)
      expect(notice.message).toBe(
        `The start to +${NUMBER} on Live was refused with status 2: Credentials not received (${text}). What you typed is still in the form on New verification.`,
      )
    },
  )
})
