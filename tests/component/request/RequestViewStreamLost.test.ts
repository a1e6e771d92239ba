/**
 * The request page of a sandbox request while its event stream is lost (the server went away) and
 * tried again: the page says live updates are paused (not that it reads the request again: it has
 * ended, so it is not read), in a region there before it speaks, and stops once the stream is back.
 * A stream refused for want of the access token is no lost connection: the page says it waits for
 * the token. The real API layer runs (only `fetch` is replaced): the stream is the stub upstream's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { setAccessToken } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import {
  openEntryPage,
  searchAnswer,
  startedEntry,
  type StubUpstream,
  stubUpstream,
  eachTestInNewTab,
} from './support'
import { EVENTUALLY_MS } from '../support/eventually'

eachTestInNewTab()

const ID = 'd'.repeat(32)
/**
 * A lost stream pauses live updates, said as the Handset says it: a request that has ended is not
 * read again meanwhile, so the page does not say it is.
 */
const LOST = 'Live updates paused, reconnecting…'
const WAITING = 'Live updates wait for the access token: they resume once it is entered.'
/** The stream is tried again 1 s after a loss (up to a fifth more): a state is waited for. */
const RETRIED = { timeout: EVENTUALLY_MS }
let wrapper: VueWrapper | null = null
let upstream: StubUpstream

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
const expectSaid = (text: string) => vi.waitFor(() => expect(region().text()).toBe(text), RETRIED)

beforeEach(async () => {
  localStorage.clear()
  setAccessToken(null)
  const t0 = Date.now() - 60_000
  upstream = await stubUpstream('sandbox', () => [200, searchAnswer(ID, { status: 'SUCCESS' })])
  const view = verified(t0)
  upstream.admin = () => view
  wrapper = await openEntryPage(createPinia(), startedEntry(ID, t0, { status: 'SUCCESS' }))
  await upstream.events.open()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  setAccessToken(null)
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
    await upstream.events.drop()
    await expectSaid(LOST)
    expect(region().element).toBe(before)
  })

  it('says it no more once the stream is back', async () => {
    await upstream.events.drop()
    await expectSaid(LOST)
    await upstream.events.open()
    await expectSaid('')
    expect(wrapper!.text()).not.toContain(LOST)
  })

  it('says it waits for the access token, not that the connection is lost, while the token is refused', async () => {
    const before = region().element
    // The server restarted with an access token: the drop, then the refusal of the next try.
    await upstream.events.refuse()
    await upstream.events.drop()
    await upstream.events.refuse()
    await expectSaid(WAITING)
    expect(region().element).toBe(before)
    expect(wrapper!.text()).not.toContain(LOST)
  })

  it('says which of the two it is as it changes, and nothing once the stream is back', async () => {
    await upstream.events.drop()
    await expectSaid(LOST)
    await upstream.events.refuse()
    await expectSaid(WAITING)
    // A token is entered while the server is away: lost again.
    await upstream.events.fail()
    setAccessToken('token-0123456789abcdef')
    await expectSaid(LOST)
    await upstream.events.open()
    await expectSaid('')
  })
})
