import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RequestCallItem from '@/components/request/RequestCallItem.vue'
import { OFFLINE_MESSAGE } from '@/api/client'
import { eachTestInNewTab, apiCall } from './support'

eachTestInNewTab()

/** A check the browser did not send: it was offline when the check was to go out. */
const offlineCheck = apiCall({
  method: 'POST',
  path: 'sandbox/verify/check/json',
  query: {},
  body: { request_id: 'abcdef0123456789abcdef0123456789', code: '1234' },
  httpStatus: null,
  response: null,
  error: { kind: 'offline', message: OFFLINE_MESSAGE },
})

function item(call: typeof offlineCheck) {
  return mount(RequestCallItem, { props: { call, origin: 'https://desk.example.com' } })
}

describe('RequestCallItem: a call not sent because the browser was offline', () => {
  it('says "not sent (offline)", never "no answer", and shows no null body', () => {
    const wrapper = item(offlineCheck)
    const summary = wrapper.get('summary').text()
    expect(summary).toContain('→ not sent (offline)')
    expect(summary).not.toContain('no answer')
    const headings = wrapper.findAll('h3').map((h) => h.text())
    expect(headings).toContain('Request (not sent: the browser was offline)')
    expect(headings).not.toContain('Request as sent')
    const blocks = wrapper.findAll('pre').map((pre) => pre.text())
    expect(blocks).toContain(OFFLINE_MESSAGE)
    expect(blocks.some((text) => /^null$/m.test(text))).toBe(false)
  })

  it('shows no null body for a call whose connection was lost either', () => {
    const lost = apiCall({
      ...offlineCheck,
      error: { kind: 'network', message: 'Failed to fetch' },
    })
    const blocks = item(lost)
      .findAll('pre')
      .map((pre) => pre.text())
    expect(blocks).toContain('no answer · network: Failed to fetch')
    expect(blocks.some((text) => /^null$/m.test(text))).toBe(false)
  })
})
