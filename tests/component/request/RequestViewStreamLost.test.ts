/**
 * The request page of a sandbox request while its event stream is lost (the server went away) and
 * tried again: the page says so, as the Handset does, in a region there before it speaks, and
 * stops once the stream is back. A finished request is not polled, so nothing else would say it.
 * A stream refused for want of the access token is no lost connection: the page says it waits for
 * the token.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { searchRequests } from '@/api/verify'
import { getAdminRequest, getClock, openSandboxEvents } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import { adminRequest } from '../verify/support'
import { clockAt, openEntryPage, sandboxStream, searchAnswer, startedEntry } from './support'

vi.mock('@/api/verify', async () => (await import('./support')).verifyApiMock())
vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'd'.repeat(32)
const LOST = 'Connection lost, reconnecting…'
const WAITING = 'Live updates wait for the access token: they resume once it is entered.'
let wrapper: VueWrapper | null = null

/** A sandbox request, verified 20 s after it was submitted at `t0`. */
function verified(t0: number) {
  return adminRequest(ID, t0, {
    status: 'SUCCESS',
    finalized_at: new Date(t0 + 20_000).toISOString(),
    next_event_at: null,
  })
}

/** The page's region that says how the event stream stands. */
const region = () => wrapper!.get('[data-test="stream-status"]')
const stream = () => sandboxStream(openSandboxEvents)

beforeEach(async () => {
  localStorage.clear()
  const t0 = Date.now() - 60_000
  vi.mocked(openSandboxEvents).mockClear()
  vi.mocked(getAdminRequest).mockResolvedValue(verified(t0))
  vi.mocked(getClock).mockImplementation(() => Promise.resolve(clockAt(Date.now())))
  vi.mocked(searchRequests).mockResolvedValue({
    kind: 'found',
    requests: [searchAnswer(ID, { status: 'SUCCESS' })],
    missing: [],
  })
  wrapper = await openEntryPage(createPinia(), startedEntry(ID, t0, { status: 'SUCCESS' }))
  await stream().open()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: a finished sandbox request while its event stream is lost', () => {
  it('has a polite status region, silent while the stream is open', () => {
    expect(wrapper!.get('.summary .status').attributes('data-status')).toBe('SUCCESS')
    expect(region().attributes('role')).toBe('status')
    expect(region().text()).toBe('')
    expect(wrapper!.text()).not.toContain(LOST)
  })

  it('says the connection is lost and being tried again, in that same region', async () => {
    const before = region().element
    await stream().lose()
    expect(region().element).toBe(before)
    expect(region().text()).toBe(LOST)
  })

  it('says it no more once the stream is back', async () => {
    await stream().lose()
    await stream().open()
    expect(region().text()).toBe('')
    expect(wrapper!.text()).not.toContain(LOST)
  })

  it('says it waits for the access token, not that the connection is lost, while the token is refused', async () => {
    const before = region().element
    await stream().refuse()
    expect(region().element).toBe(before)
    expect(region().text()).toBe(WAITING)
    expect(wrapper!.text()).not.toContain(LOST)
  })

  it('says which of the two it is as it changes, and nothing once the stream is back', async () => {
    await stream().lose()
    await stream().refuse()
    expect(region().text()).toBe(WAITING)
    await stream().lose()
    expect(region().text()).toBe(LOST)
    await stream().open()
    expect(region().text()).toBe('')
  })
})
