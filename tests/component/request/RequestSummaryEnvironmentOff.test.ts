/**
 * The summary of a request whose environment the server no longer offers (live taken away): the
 * page's actions are off, so the summary no longer says a code can be checked, and its next step
 * is to wait for the environment, not to enter the code.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestSummary from '@/components/request/RequestSummary.vue'
import type { RequestModel } from '@/utils/request-model'
import { eachTestInNewTab, summaryModel } from './support'

eachTestInNewTab()

const inProgress = (patch: Partial<RequestModel> = {}) =>
  summaryModel({ environment: 'live', status: 'IN PROGRESS', ...patch })

function said(model: RequestModel, offLabel: string | null) {
  const wrapper = mount(RequestSummary, { props: { model, offLabel } })
  return {
    badge: wrapper.get('[data-test="status-badge"]').text(),
    status: wrapper.get('.status > span:last-child').text().replace(/\s+/g, ' '),
    next: wrapper.get('[data-test="status-next-step"]').text().replace(/\s+/g, ' '),
  }
}

describe('RequestSummary: a request whose environment is no longer offered', () => {
  it('says a code cannot be checked from here while live is off, and to wait for it', () => {
    const { badge, status, next } = said(inProgress(), 'Live')
    expect(badge).toBe('IN PROGRESS')
    expect(status).not.toContain('a code can be checked')
    expect(status).toBe(
      'In progress: The verification is still in progress, as last read; a code cannot be checked from here while Live is off.',
    )
    expect(next).toBe(
      'Next: Wait for Live to be back (the notice above says how): the code can then be checked from this page.',
    )
  })

  it('offers neither the code nor a cancel once a second message went out', () => {
    const events: RequestModel['events'] = [
      { type: 'sms', at: null, id: 'e1', newPin: true },
      { type: 'sms', at: null, id: 'e2', newPin: false },
    ]
    expect(said(inProgress({ events }), null).next).toContain('cancel is no longer possible')
    const { next } = said(inProgress({ events }), 'Live')
    expect(next).not.toMatch(/enter the code|cancel/i)
  })

  it('offers no check of a request in a status this dashboard does not know either', () => {
    const blocked = inProgress({ status: 'UNKNOWN', reportedStatus: 'BLOCKED' })
    expect(said(blocked, null).next).toContain('Check a code or cancel')
    const { badge, status, next } = said(blocked, 'Live')
    expect(badge).toBe('BLOCKED')
    expect(status).toContain('Status not known to this dashboard')
    expect(status).toContain('a code cannot be checked from here while Live is off')
    expect(next).not.toMatch(/check a code|cancel/i)
  })

  it('says as before that a code can be checked while live is offered', () => {
    const { status, next } = said(inProgress(), null)
    expect(status).toContain('a code can be checked')
    expect(next).toMatch(/^Next: Enter the code the user received/)
  })

  it('says of a finished request what it said before', () => {
    expect(said(summaryModel({ environment: 'live' }), 'Live')).toEqual(
      said(summaryModel({ environment: 'live' }), null),
    )
  })
})
