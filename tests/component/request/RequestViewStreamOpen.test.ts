/**
 * The request page's reads and its sandbox event stream race: the page reads the request as it
 * opens, and the stream subscribes alongside. What changes in between (another client moves the
 * clock or checks a code) is not pushed, so it is read again once the stream opens; and a read
 * answered after the stream told of something newer never takes the page back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminClock, AdminRequest } from '@contract/admin'
import { searchRequests } from '@/api/verify'
import { getAdminRequest, getClock, openSandboxEvents } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import { adminRequest } from '../verify/support'
import { clockAt, mountOnAnyPath, sandboxStream, startedEntry } from './support'
import { deferred } from '../../support/deferred'

vi.mock('@/api/verify', async () => (await import('./support')).verifyApiMock())
vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'e'.repeat(32)
let wrapper: VueWrapper | null = null

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
 * Opens the request page of a sandbox request history holds; its first reads are left on their
 * way (the test answers them).
 */
async function openPage(): Promise<void> {
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(startedEntry(ID, Date.now()))
  wrapper = await mountOnAnyPath(pinia, ID)
}

/** The page's event stream, driven by the test (`open`, `push`). */
const stream = () => sandboxStream(openSandboxEvents)

/** Opens the page with its first read of the request held: the returned read answers it. */
async function openWithFirstReadHeld() {
  const firstRead = deferred<AdminRequest | null>()
  vi.mocked(getAdminRequest).mockReturnValueOnce(firstRead.promise)
  await openPage()
  await flushPromises()
  return firstRead
}

const status = () => wrapper!.get('.summary .status').attributes('data-status')
const cancelButton = () => wrapper!.get('#cancel').element as HTMLButtonElement
const attemptsLeft = () => wrapper!.get('[data-test="attempts-left"]').text()

beforeEach(() => {
  localStorage.clear()
  vi.mocked(openSandboxEvents).mockClear()
  vi.mocked(getAdminRequest).mockReset()
  vi.mocked(getClock).mockReset().mockResolvedValue(movedClock(0))
  vi.mocked(searchRequests).mockResolvedValue({ kind: 'found', requests: [], missing: [] })
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: what changes between its first read and its event stream opening', () => {
  it('the clock moved 31 s on by another client is shown once the stream opens: Cancel becomes available', async () => {
    const submittedAt = Date.now()
    const firstRead = deferred<AdminRequest | null>()
    const firstClock = deferred<AdminClock>()
    vi.mocked(getAdminRequest).mockReturnValueOnce(firstRead.promise)
    vi.mocked(getClock).mockReturnValueOnce(firstClock.promise)
    vi.mocked(getAdminRequest).mockResolvedValue(request(submittedAt))
    await openPage()
    await flushPromises()
    // The first reads have gone out; the clock is moved on; then the stream opens (no event
    // tells of a move made before it was open), and only then do the first reads answer.
    expect(vi.mocked(getAdminRequest)).toHaveBeenCalledTimes(1)
    vi.mocked(getClock).mockResolvedValue(movedClock(31_000))
    await stream().open()
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

    const checked = request(submittedAt, { attempts_left: 2 })
    vi.mocked(getAdminRequest).mockResolvedValue(checked)
    await stream().open()
    firstRead.resolve(request(submittedAt))
    await flushPromises()

    expect(attemptsLeft()).toBe('2 attempts left for this PIN.')
  })

  it('verified by another client before the stream opens: shows SUCCESS and no Cancel', async () => {
    const submittedAt = Date.now() - 40_000
    const firstRead = await openWithFirstReadHeld()

    vi.mocked(getAdminRequest).mockResolvedValue(
      request(submittedAt, { status: 'SUCCESS', finalized_at: new Date().toISOString() }),
    )
    await stream().open()
    firstRead.resolve(request(submittedAt))
    await flushPromises()

    expect(status()).toBe('SUCCESS')
    expect(cancelButton().disabled).toBe(true)
  })

  it('reads the request once when its event stream is open already', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(request(Date.now() - 40_000))
    // An open stream says so at once (in a microtask) to a new subscriber, before the page's
    // first reads have gone out (they wait for history to be ready).
    vi.mocked(openSandboxEvents).mockImplementationOnce((_onEvent, _onError, onOpen) => {
      queueMicrotask(() => onOpen?.())
      return { close() {} }
    })
    await openPage()
    await flushPromises()

    expect(status()).toBe('IN PROGRESS')
    expect(cancelButton().disabled).toBe(false)
    expect(vi.mocked(getAdminRequest)).toHaveBeenCalledTimes(1)
    expect(vi.mocked(getClock)).toHaveBeenCalledTimes(1)
  })
})

describe('request page: a read answered after the event stream told of something newer', () => {
  /** Opens the page with its first reads answered and its stream open, the next read held. */
  async function openWithHeldRead(submittedAt: number) {
    vi.mocked(getAdminRequest).mockResolvedValue(request(submittedAt))
    await openPage()
    await flushPromises()
    const read = deferred<AdminRequest | null>()
    const clock = deferred<AdminClock>()
    vi.mocked(getAdminRequest).mockReturnValueOnce(read.promise)
    vi.mocked(getClock).mockReturnValueOnce(clock.promise)
    // The stream opens and the page reads again: these reads are held.
    await stream().open()
    return { read, clock }
  }

  it('a slow request read sent before a check was pushed does not bring the attempts back', async () => {
    const submittedAt = Date.now() - 10_000
    const { read, clock } = await openWithHeldRead(submittedAt)
    expect(attemptsLeft()).toBe('3 attempts left for this PIN.')

    await stream().push({ type: 'request', data: request(submittedAt, { attempts_left: 2 }) })
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

    await stream().push({ type: 'clock', data: movedClock(31_000) })
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
    vi.mocked(getAdminRequest).mockResolvedValue(null)
    vi.mocked(searchRequests).mockResolvedValue({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    await stream().push({ type: 'reset', data: { at: new Date().toISOString() } })
    const gone = () => wrapper!.get('[data-test="request-gone"]').text()
    expect(gone()).toContain('The sandbox was reset: this request no longer exists.')

    read.resolve(request(submittedAt))
    clock.resolve(movedClock(0))
    await flushPromises()

    expect(gone()).toContain('The sandbox was reset: this request no longer exists.')
    // The first read, the one held, and one sent after the reset to confirm it.
    expect(vi.mocked(getAdminRequest)).toHaveBeenCalledTimes(3)
  })
})
