/**
 * The request page's reads and its sandbox event stream race: the page reads the request as it
 * opens, and the stream subscribes alongside. What changes in between (another client moves the
 * clock or checks a code) is not pushed, so it is read again once the stream opens; and a read
 * answered after the stream told of something newer never takes the page back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminClock, AdminRequest } from '@contract/admin'
import { openSandboxEvents } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer, type DeskAnswer } from '../support/desk-server'
import {
  adminLookup,
  clockAt,
  mountOnAnyPath,
  NOT_FOUND,
  serveRequest,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'
import { deferred } from '../../support/deferred'

eachTestInNewTab()

const server = useDeskServer()
const ADMIN = 'sandbox/__admin/requests'
const CLOCK = 'sandbox/__admin/clock'

const ID = 'e'.repeat(32)
let wrapper: VueWrapper | null = null
let served: ServedRequest

/** A sandbox request (workflow 6, 60 s PIN) submitted at `submittedAt`; `patch` changes it. */
function request(submittedAt: number, patch: Partial<AdminRequest> = {}): AdminRequest {
  return adminRequest(ID, submittedAt, {
    workflow_id: 6,
    pin_expiry: 60,
    next_event_at: null,
    expires_at: new Date(submittedAt + 60_000).toISOString(),
    ...patch,
  })
}

/** The sandbox clock, `offset_ms` ahead of this browser's. */
function movedClock(offset_ms: number): AdminClock {
  return { ...clockAt(Date.now()), offset_ms }
}

/**
 * The next read of `path` is held until the test answers it (`resolve` with what the sandbox then
 * held); the reads after it get what the sandbox holds when they arrive.
 */
function holdNextRead<T>(path: typeof ADMIN | typeof CLOCK) {
  const held = deferred<T>()
  const now: DeskAnswer =
    path === ADMIN ? (call) => adminLookup(call, served.admin) : () => json(served.clock)
  const answer: DeskAnswer = (call) =>
    held.promise.then((value) =>
      path === ADMIN ? adminLookup(call, value as AdminRequest | null) : json(value),
    )
  server.on('GET', path, answer, now)
  return held
}

/**
 * Opens the request page of a sandbox request history holds; its first reads are left on their
 * way (the test answers them).
 */
async function openPage(): Promise<void> {
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(startedEntry(ID, Date.now()))
  wrapper = await mountOnAnyPath(pinia, ID)
}

/** Opens the page with its first read of the request held: the returned read answers it. */
async function openWithFirstReadHeld() {
  const firstRead = holdNextRead<AdminRequest | null>(ADMIN)
  await openPage()
  await flushPromises()
  return firstRead
}

const status = () => wrapper!.get('.summary .status').attributes('data-status')
const cancelButton = () => wrapper!.get('#cancel').element as HTMLButtonElement
const attemptsLeft = () => wrapper!.get('[data-test="attempts-left"]').text()
const adminReads = () => server.callsTo('GET', ADMIN)

beforeEach(() => {
  localStorage.clear()
  served = serveRequest(server, ID, Date.now())
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: what changes between its first read and its event stream opening', () => {
  it('the clock moved 31 s on by another client is shown once the stream opens: Cancel becomes available', async () => {
    const submittedAt = Date.now()
    served.admin = request(submittedAt)
    const firstRead = holdNextRead<AdminRequest | null>(ADMIN)
    const firstClock = holdNextRead<AdminClock>(CLOCK)
    await openPage()
    await flushPromises()
    // The first reads have gone out; the clock is moved on; then the stream opens (no event
    // tells of a move made before it was open), and only then do the first reads answer.
    expect(adminReads()).toHaveLength(1)
    served.clock = movedClock(31_000)
    await server.stream.open()
    firstRead.resolve(request(submittedAt))
    firstClock.resolve(movedClock(0))
    await flushPromises()

    expect(status()).toBe('IN PROGRESS')
    expect(cancelButton().disabled).toBe(false)
    expect(wrapper!.text()).toContain('possible now')
  })

  it('a code checked by another client is shown once the stream opens, not the count read before', async () => {
    const submittedAt = Date.now() - 10_000
    const firstRead = await openWithFirstReadHeld()

    served.admin = request(submittedAt, { attempts_left: 2 })
    await server.stream.open()
    firstRead.resolve(request(submittedAt))
    await flushPromises()

    expect(attemptsLeft()).toBe('2 attempts left for this PIN.')
  })

  it('verified by another client before the stream opens: shows SUCCESS and no Cancel', async () => {
    const submittedAt = Date.now() - 40_000
    const firstRead = await openWithFirstReadHeld()

    served.admin = request(submittedAt, {
      status: 'SUCCESS',
      finalized_at: new Date().toISOString(),
    })
    await server.stream.open()
    firstRead.resolve(request(submittedAt))
    await flushPromises()

    expect(status()).toBe('SUCCESS')
    expect(cancelButton().disabled).toBe(true)
  })

  it('reads the request once when its event stream is open already', async () => {
    served.admin = request(Date.now() - 40_000)
    // Another page of this browser holds the stream open: it says so at once (in a microtask) to
    // a new subscriber, before the page's first reads have gone out (they wait for history to be
    // ready).
    const other = openSandboxEvents(() => undefined)
    try {
      await server.stream.open()
      const readsBefore = adminReads().length
      const clockReadsBefore = server.callsTo('GET', CLOCK).length
      await openPage()
      await flushPromises()

      expect(status()).toBe('IN PROGRESS')
      expect(cancelButton().disabled).toBe(false)
      expect(adminReads()).toHaveLength(readsBefore + 1)
      expect(server.callsTo('GET', CLOCK)).toHaveLength(clockReadsBefore + 1)
    } finally {
      other.close()
    }
  })
})

describe('request page: a read answered after the event stream told of something newer', () => {
  /** Opens the page with its first reads answered and its stream open, the next read held. */
  async function openWithHeldRead(submittedAt: number) {
    served.admin = request(submittedAt)
    await openPage()
    await flushPromises()
    const read = holdNextRead<AdminRequest | null>(ADMIN)
    const clock = holdNextRead<AdminClock>(CLOCK)
    // The stream opens and the page reads again: these reads are held.
    await server.stream.open()
    return { read, clock }
  }

  it('a slow request read sent before a check was pushed does not bring the attempts back', async () => {
    const submittedAt = Date.now() - 10_000
    const { read, clock } = await openWithHeldRead(submittedAt)
    expect(attemptsLeft()).toBe('3 attempts left for this PIN.')

    served.admin = request(submittedAt, { attempts_left: 2 })
    await server.stream.push('request', served.admin)
    expect(attemptsLeft()).toBe('2 attempts left for this PIN.')
    // Read before the check, answered after the stream told of it.
    read.resolve(request(submittedAt))
    clock.resolve(movedClock(0))
    await flushPromises()

    expect(attemptsLeft()).toBe('2 attempts left for this PIN.')
  })

  it('a slow clock read sent before the stream said the clock moved does not take the move back', async () => {
    const submittedAt = Date.now()
    const { read, clock } = await openWithHeldRead(submittedAt)
    expect(cancelButton().disabled).toBe(true)

    served.clock = movedClock(31_000)
    await server.stream.push('clock', served.clock)
    expect(cancelButton().disabled).toBe(false)
    read.resolve(request(submittedAt))
    clock.resolve(movedClock(0))
    await flushPromises()

    expect(cancelButton().disabled).toBe(false)
    expect(wrapper!.text()).toContain('possible now')
  })

  it('a slow read sent before the stream said the sandbox was reset does not bring the request back', async () => {
    const submittedAt = Date.now() - 40_000
    const { read, clock } = await openWithHeldRead(submittedAt)
    served.admin = null
    server.on('GET', 'sandbox/verify/search/json', json(NOT_FOUND))
    await server.stream.push('reset', { at: new Date().toISOString() })
    const gone = () => wrapper!.get('[data-test="request-gone"]').text()
    expect(gone()).toContain('The sandbox was reset: this request no longer exists.')

    read.resolve(request(submittedAt))
    clock.resolve(movedClock(0))
    await flushPromises()

    expect(gone()).toContain('The sandbox was reset: this request no longer exists.')
    // The first read, the one held, and one sent after the reset to confirm it.
    expect(adminReads()).toHaveLength(3)
  })
})
