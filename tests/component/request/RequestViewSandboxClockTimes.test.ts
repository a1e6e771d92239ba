/**
 * A sandbox request's times are on the sandbox clock, which may run ahead of this computer's (or
 * ran ahead when the request was submitted, before it was moved or reset): the page says so, so
 * that its times are not read as this computer's (History lists when it was started by those).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
import RequestCalls from '@/components/request/RequestCalls.vue'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import { eachTestInNewTab, apiCall, clockAt, openEntryPage, startedEntry } from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '5'.repeat(32)
const MINUTES_18 = 18 * 60_000
let wrapper: VueWrapper | null = null
let sandboxView: AdminRequest | null = null
/** How far the sandbox clock runs ahead now (ms). */
let offsetNow = 0

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  sandboxView = null
  offsetNow = 0
  server.on('GET', 'sandbox/__admin/requests', () => {
    const requests = sandboxView ? [sandboxView] : []
    return json({ requests, total: requests.length })
  })
  server.on('GET', 'sandbox/__admin/clock', () =>
    json({ ...clockAt(Date.now() + offsetNow), offset_ms: offsetNow }),
  )
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Opens the page of a request started here 20 s ago while the sandbox clock ran `aheadThen` ahead. */
async function openStartedWhileAhead(aheadThen: number): Promise<void> {
  const startedAt = Date.now() - 20_000
  // The API writes whole seconds.
  const submitted = Math.floor((startedAt + aheadThen) / 1000) * 1000
  sandboxView = adminRequest(ID, submitted)
  const pinia = createPinia()
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
}

const zoneNote = () => wrapper!.get('[data-test="time-zone"]').text().replace(/\s+/g, ' ')

describe('request page: times on the sandbox clock', () => {
  it('says they are the sandbox clock’s while it runs ahead', async () => {
    offsetNow = MINUTES_18
    await openStartedWhileAhead(MINUTES_18)
    expect(zoneNote()).toContain('on the sandbox clock, which runs 18 min')
    expect(zoneNote()).toContain("ahead of this computer's")
  })

  it('keeps saying so once the clock was reset, with when History says it started', async () => {
    offsetNow = 0
    await openStartedWhileAhead(MINUTES_18)
    expect(zoneNote()).toContain('on the sandbox clock, which ran 18 min')
    expect(zoneNote()).toContain('when this request was submitted (started at')
    expect(zoneNote()).toContain("by this computer's clock, as History lists it")
  })

  it('says nothing of the sandbox clock when it did not run ahead', async () => {
    await openStartedWhileAhead(0)
    expect(zoneNote()).not.toContain('sandbox clock')
  })
})

describe('calls made: the clock note once the sandbox clock was reset', () => {
  it('says the timeline carries the offset the clock had as the request was submitted', () => {
    const calls = mount(RequestCalls, {
      props: {
        calls: [apiCall()],
        origin: 'http://127.0.0.1',
        clockOffsetMs: 0,
        submittedAheadMs: MINUTES_18,
      },
    })
    expect(calls.get('[data-test="calls-clock-note"]').text()).toBe(
      "Call times are this computer's; the timeline above is on the sandbox clock, which ran 18 min 00 s ahead when this request was submitted.",
    )
  })
})
