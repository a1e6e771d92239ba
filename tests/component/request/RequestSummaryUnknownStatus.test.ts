import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestSummary from '@/components/request/RequestSummary.vue'
import { applyPatch, patchFromSearch, type SearchedRequest } from '@/utils/history-entry'
import { fromHistory, fromSearch } from '@/utils/request-model'
import { searchedRequest } from '../../unit/stores/history-support'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

const ID = 'c5037cb8b47449158ed6611afde58990'
const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

function searched(status: string): SearchedRequest {
  return searchedRequest('2026-11-26 08:59:00', {
    request_id: ID,
    status,
    events: [{ type: 'sms', id: 'event-1' }],
  })
}

/** The request page's model of a request history holds, after search answered `status`. */
function fromHistoryAfterSearch(status: string) {
  const started = applyPatch(
    undefined,
    { request_id: ID, environment: 'live', brand: 'Live Shop', status: 'IN PROGRESS' },
    NOW - 60_000,
  )
  return fromHistory(applyPatch(started, patchFromSearch('live', searched(status), NOW), NOW))
}

describe('RequestSummary: a status search answered that this dashboard does not know', () => {
  it.each([
    ['history', () => fromHistoryAfterSearch('BLOCKED')],
    ['a search of a request not in history', () => fromSearch('live', searched('BLOCKED'))],
  ])('from %s: shown as written, with a note, never as "not found"', (_, build) => {
    const wrapper = mount(RequestSummary, { props: { model: build() } })
    expect(wrapper.get('[data-test="status-badge"]').text()).toBe('BLOCKED')
    const status = wrapper.get('.status').text()
    expect(status).toContain('Status not known to this dashboard')
    expect(status).toContain('Search found the request')
    expect(status).not.toMatch(/No request found|not found|101/i)
    expect(wrapper.get('[data-test="status-next-step"]').text()).toContain(
      'Check a code or cancel as for a request in progress',
    )
    // What else search said is shown as for any request.
    expect(wrapper.text()).toContain('447700900001')
  })

  it('a status in other letter case is the known one: "in progress" shows as IN PROGRESS', () => {
    const wrapper = mount(RequestSummary, {
      props: { model: fromHistoryAfterSearch('in progress') },
    })
    expect(wrapper.get('[data-test="status-badge"]').text()).toBe('IN PROGRESS')
    expect(wrapper.get('.status').text()).toContain('In progress')
  })

  it('a request search has not found is still explained by status 101', () => {
    const model = fromHistory(applyPatch(undefined, { request_id: ID, environment: 'live' }, NOW))
    const wrapper = mount(RequestSummary, { props: { model } })
    expect(wrapper.get('[data-test="status-badge"]').text()).toBe('UNKNOWN')
    expect(wrapper.get('.status').text()).toContain('No request found')
  })
})
