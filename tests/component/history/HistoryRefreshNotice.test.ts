import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import HistoryRefreshNotice from '@/components/history/HistoryRefreshNotice.vue'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import { freshHistoryEnvironment } from '../../unit/stores/history-support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

let wrapper: VueWrapper | null = null

beforeEach(() => {
  freshHistoryEnvironment()
  // Only the clock and the ticking interval are faked (IndexedDB keeps its own timers).
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
  vi.setSystemTime(new Date('2026-06-15T12:00:00Z'))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  await useRequestsStore().dispose()
})

describe('history refresh notice', () => {
  it("a status 2 about the credentials says the server's credentials were not received", async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(HistoryRefreshNotice, { global: { plugins: [pinia] } })
    useWatchStore().failures = [
      {
        environment: 'live',
        reason: 'status 2: Missing api_key',
        status: '2',
        errorText: 'Missing api_key',
        failures: 1,
        retryInMs: 20_000,
        at: Date.now(),
      },
    ]
    await nextTick()
    const shown = wrapper.get('[data-test="refresh-failure"]').text()
    expect(shown).toContain('VONAGE_API_KEY and VONAGE_API_SECRET')
    expect(shown).not.toMatch(/fill in/i)
  })

  it('says the failure once, and counts down to the retry outside the live region', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(HistoryRefreshNotice, { global: { plugins: [pinia] } })
    // The live region is in the page before anything fails.
    const region = wrapper.get('[role="status"]')
    expect(region.text()).toBe('')
    const watch = useWatchStore()
    watch.failures = [
      {
        environment: 'sandbox',
        reason: 'no answer',
        status: null,
        failures: 1,
        retryInMs: 20_000,
        at: Date.now(),
      },
    ]
    await nextTick()
    const said =
      'Live status could not refresh the requests in progress in the sandbox (no answer). ' +
      'It tries again by itself; nothing is lost meanwhile.'
    expect(region.text()).toBe(said)
    const shown = () => wrapper!.get('[data-test="refresh-failure"]')
    expect(shown().text()).toBe(
      'Live status could not refresh the requests in progress in the sandbox (no answer). ' +
        'It tries again by itself in 20 s; nothing is lost meanwhile.',
    )
    // What counts down is not read out (the region above says it).
    expect(
      shown()
        .findAll('p')
        .every((p) => p.attributes('aria-hidden') === 'true'),
    ).toBe(true)
    vi.advanceTimersByTime(5_000)
    await nextTick()
    expect(shown().text()).toContain('It tries again by itself in 15 s;')
    expect(region.text()).toBe(said)
    vi.advanceTimersByTime(14_000)
    await nextTick()
    expect(shown().text()).toContain('It tries again by itself in 1 s;')
    vi.advanceTimersByTime(1_000)
    await nextTick()
    expect(shown().text()).toContain('It is trying again by itself; nothing is lost meanwhile.')
    expect(region.text()).toBe(said)
  })

  it('names each failing environment, and keeps the one still failing when the other recovers', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(HistoryRefreshNotice, { global: { plugins: [pinia] } })
    const watch = useWatchStore()
    const failure = (environment: 'sandbox' | 'live', reason: string) => ({
      environment,
      reason,
      status: null,
      failures: 1,
      retryInMs: 20_000,
      at: Date.now(),
    })
    watch.failures = [failure('sandbox', 'no answer'), failure('live', 'Failed to fetch')]
    await nextTick()
    const sandboxSaid =
      'Live status could not refresh the requests in progress in the sandbox (no answer). ' +
      'It tries again by itself; nothing is lost meanwhile.'
    const liveSaid =
      'Live status could not refresh the requests in progress in Live (Failed to fetch). ' +
      'It tries again by itself; nothing is lost meanwhile.'
    expect(wrapper.get('[role="status"]').text()).toBe(`${sandboxSaid} ${liveSaid}`)
    const shown = () =>
      wrapper!
        .get('[data-test="refresh-failure"]')
        .findAll('p')
        .map((p) => p.text())
    expect(shown()).toEqual([
      'Live status could not refresh the requests in progress in the sandbox (no answer). ' +
        'It tries again by itself in 20 s; nothing is lost meanwhile.',
      'Live status could not refresh the requests in progress in Live (Failed to fetch). ' +
        'It tries again by itself in 20 s; nothing is lost meanwhile.',
    ])
    // The sandbox answers again; live still fails and is still named.
    watch.failures = [failure('live', 'Failed to fetch')]
    await nextTick()
    expect(wrapper.get('[role="status"]').text()).toBe(liveSaid)
    expect(shown()).toHaveLength(1)
    expect(shown()[0]).toContain('in Live (Failed to fetch)')
  })
})
