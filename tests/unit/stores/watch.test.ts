import { describe, expect, it, vi } from 'vitest'
import type { SearchStatus } from '@contract/types'
import type { SearchResult } from '@/api/verify'
import { openSandboxEvents, type SandboxEvent } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import { useSettingsStore } from '@/stores/settings'
import { useWatchStore } from '@/stores/watch'
import { entry, requestId } from './history-support'
import {
  answer,
  answerFrom,
  inProgress,
  MANY_STEPS,
  NOW,
  search,
  seed,
  settle,
  setVisibility,
  watchInOneTab,
} from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

watchInOneTab()

describe('live status: batching', MANY_STEPS, () => {
  it('searches 95 requests in progress with 10 calls of at most ten ids, every interval', async () => {
    await seed(inProgress(95))
    search.mockImplementation(answerFrom(new Map()))
    await useWatchStore().start()
    await settle()
    // Sandbox calls are spaced 100 ms apart (the proxy's ten searches per second).
    for (let i = 1; i < 10; i++) {
      expect(search).toHaveBeenCalledTimes(i)
      await vi.advanceTimersByTimeAsync(100)
      await settle()
    }
    expect(search).toHaveBeenCalledTimes(10)
    const batches = search.mock.calls.map(([, ids]) => ids)
    expect(batches.every((ids) => ids.length <= 10)).toBe(true)
    expect(new Set(batches.flat()).size).toBe(95)
    expect(search.mock.calls.every(([env]) => env === 'sandbox')).toBe(true)

    // The next round starts one interval (2 s) after the last call of this one.
    await vi.advanceTimersByTimeAsync(1999)
    await settle()
    expect(search).toHaveBeenCalledTimes(10)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    for (let i = 0; i < 9; i++) {
      await vi.advanceTimersByTimeAsync(100)
      await settle()
    }
    expect(search).toHaveBeenCalledTimes(20)
  })

  it('marks every poll as a background call (it never takes a fault injected into the sandbox)', async () => {
    await seed([...inProgress(12), ...inProgress(2, 'live', 13)])
    search.mockImplementation(answerFrom(new Map()))
    await useWatchStore().start()
    await settle()
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(search.mock.calls.map(([env]) => env).sort()).toEqual(['live', 'sandbox', 'sandbox'])
    for (const args of search.mock.calls) expect(args[2]).toEqual({ background: true })
  })

  it('makes no call while nothing is in progress', async () => {
    await seed([
      entry(1, { status: 'SUCCESS' }),
      entry(2, { status: 'EXPIRED', environment: 'live' }),
    ])
    await useWatchStore().start()
    await settle()
    await vi.advanceTimersByTimeAsync(30_000)
    await settle()
    expect(search).not.toHaveBeenCalled()
  })

  it('spaces live calls by a second and never polls live faster than its interval', async () => {
    await seed(inProgress(25, 'live'))
    search.mockImplementation(answerFrom(new Map()))
    await useWatchStore().start()
    await settle()
    expect(search).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(search).toHaveBeenCalledTimes(3)
    expect(search.mock.calls.map(([, ids]) => ids.length)).toEqual([10, 10, 5])
    await vi.advanceTimersByTimeAsync(9_000)
    await settle()
    expect(search).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(search).toHaveBeenCalledTimes(4)
  })

  it('stops polling finished requests and announces the change', async () => {
    const history = await seed(inProgress(2))
    const statuses = new Map<string, SearchStatus>([[requestId(1), 'SUCCESS']])
    search.mockImplementation(answerFrom(statuses))
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('SUCCESS')
    expect(watch.announcements.at(-1)?.message).toMatch(
      /Request …000001 to \+4477009\d+ is now verified \(SUCCESS\)/,
    )

    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
    expect(search.mock.calls[1]?.[1]).toEqual([requestId(2)])
  })

  it('shows a browser notification when the user allowed it', async () => {
    const shown: string[] = []
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted'
        constructor(_title: string, options: { body: string }) {
          shown.push(options.body)
        }
      },
    )
    await seed(inProgress(1))
    useSettingsStore().notifications = true
    search.mockImplementation(answerFrom(new Map([[requestId(1), 'CANCELLED']])))
    await useWatchStore().start()
    await settle()
    expect(shown).toEqual([expect.stringMatching(/is now cancelled \(CANCELLED\)/)])
  })
})

describe('live status: hidden tab and back-off', () => {
  it('pauses while the tab is hidden and catches up at once when it is shown', async () => {
    await seed(inProgress(3))
    search.mockImplementation(answerFrom(new Map()))
    await useWatchStore().start()
    await settle()
    expect(search).toHaveBeenCalledTimes(1)

    setVisibility('hidden')
    await vi.advanceTimersByTimeAsync(60_000)
    await settle()
    expect(search).toHaveBeenCalledTimes(1)

    setVisibility('visible')
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(search).toHaveBeenCalledTimes(3)
  })

  it('backs off exponentially on network errors and status 1, and recovers', async () => {
    await seed(inProgress(1))
    const outcomes: (() => Promise<SearchResult>)[] = [
      () => Promise.reject(new Error('Failed to fetch')),
      async () => ({ kind: 'error', ids: [requestId(1)], status: '1', error_text: 'Throttled' }),
      () => Promise.reject(new Error('Failed to fetch')),
    ]
    search.mockImplementation((env, ids) =>
      (outcomes.shift() ?? answerFrom(new Map()).bind(null, env, ids))(),
    )
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(search).toHaveBeenCalledTimes(1)
    expect(watch.failures).toEqual([
      expect.objectContaining({
        failures: 1,
        retryInMs: 4000,
        reason: 'Failed to fetch',
        status: null,
      }),
    ])

    await vi.advanceTimersByTimeAsync(3999)
    await settle()
    expect(search).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
    expect(watch.failures).toEqual([
      expect.objectContaining({
        failures: 2,
        retryInMs: 8000,
        reason: 'throttled (status 1)',
        status: '1',
      }),
    ])

    await vi.advanceTimersByTimeAsync(8000)
    await settle()
    expect(search).toHaveBeenCalledTimes(3)
    expect(watch.failures).toEqual([expect.objectContaining({ failures: 3, retryInMs: 16_000 })])

    await vi.advanceTimersByTimeAsync(16_000)
    await settle()
    expect(search).toHaveBeenCalledTimes(4)
    expect(watch.failures).toEqual([])
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(search).toHaveBeenCalledTimes(5)
  })

  it('keeps one failure per environment: a sandbox answer never clears live’s', async () => {
    await seed([...inProgress(1, 'sandbox', 1), ...inProgress(1, 'live', 2)])
    let liveDown = true
    search.mockImplementation((env, ids) =>
      env === 'live' && liveDown
        ? Promise.reject(new Error('Failed to fetch'))
        : answerFrom(new Map())(env, ids),
    )
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(watch.failures).toEqual([
      expect.objectContaining({ environment: 'live', failures: 1, reason: 'Failed to fetch' }),
    ])
    // The sandbox keeps answering every 2 s while live keeps failing: live's failure stays.
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(2000)
      await settle()
      expect(watch.failures.map((f) => f.environment)).toEqual(['live'])
    }
    expect(search.mock.calls.filter(([env]) => env === 'sandbox').length).toBeGreaterThan(3)

    // Both failing: each is kept, sandbox first.
    search.mockImplementation(() => Promise.reject(new Error('Failed to fetch')))
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(watch.failures.map((f) => f.environment)).toEqual(['sandbox', 'live'])

    // Live's own success clears live's failure only.
    liveDown = false
    search.mockImplementation((env, ids) =>
      env === 'sandbox'
        ? Promise.reject(new Error('Failed to fetch'))
        : answerFrom(new Map())(env, ids),
    )
    await vi.advanceTimersByTimeAsync(60_000)
    await settle()
    expect(watch.failures.map((f) => f.environment)).toEqual(['sandbox'])
  })

  it('drops an environment’s failure once nothing of it is left to watch (its request deleted)', async () => {
    const history = await seed(inProgress(1, 'live'))
    search.mockImplementation(() => Promise.reject(new Error('Failed to fetch')))
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(watch.failures.map((f) => f.environment)).toEqual(['live'])

    await history.remove(requestId(1))
    await settle()
    expect(watch.failures).toEqual([])
    await vi.advanceTimersByTimeAsync(120_000)
    await settle()
    expect(watch.failures).toEqual([])
    expect(search).toHaveBeenCalledTimes(1)
  })

  it('drops an environment’s failure when a search succeeds without finding the request yet', async () => {
    await seed(inProgress(1, 'live'))
    const outcomes: (() => Promise<SearchResult>)[] = [
      () => Promise.reject(new Error('Failed to fetch')),
    ]
    // Within its 90 s of grace, a request search does not know yet is neither found nor gone.
    search.mockImplementation(
      (_env, ids) =>
        outcomes.shift()?.() ?? Promise.resolve({ kind: 'found', requests: [], missing: [...ids] }),
    )
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(watch.failures.map((f) => f.environment)).toEqual(['live'])

    await vi.advanceTimersByTimeAsync(61_000)
    await settle()
    expect(search.mock.calls.length).toBeGreaterThan(1)
    expect(watch.failures).toEqual([])
    expect(useRequestsStore().byId(requestId(1))).toMatchObject({
      status: 'IN PROGRESS',
      lastError: null,
    })
  })

  it('doubles the wait after each failure up to a minute', async () => {
    await seed(inProgress(1))
    const at: number[] = []
    search.mockImplementation(() => {
      at.push(Date.now())
      return Promise.reject(new Error('offline'))
    })
    const watch = useWatchStore()
    await watch.start()
    await settle()
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersByTimeAsync(60_000)
      await settle()
    }
    const gaps = at.slice(1).map((t, i) => t - at[i]!)
    expect(gaps.slice(0, 7)).toEqual([4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000])
    expect(watch.failures[0]?.retryInMs).toBe(60_000)
  })
})

describe('live status: 101 answers', () => {
  it('keeps polling a recently active request that search does not know yet, and gives up on an old one', async () => {
    const history = await seed([
      entry(1, { createdAt: NOW - 5_000, updatedAt: NOW - 5_000, lastActivityAt: NOW - 5_000 }),
      entry(2, {
        createdAt: NOW - 600_000,
        updatedAt: NOW - 600_000,
        lastActivityAt: NOW - 600_000,
      }),
    ])
    search.mockImplementation(async (_env, ids) => ({
      kind: 'not_found',
      ids: [...ids],
      error_text: 'No response found',
    }))
    await useWatchStore().start()
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('IN PROGRESS')
    expect(history.byId(requestId(2))).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: '101' },
    })

    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(search.mock.calls[1]?.[1]).toEqual([requestId(1)])
    expect(history.byId(requestId(1))?.status).toBe('IN PROGRESS')

    // 90 s after its last activity, a request search still does not find is no longer watched.
    await vi.advanceTimersByTimeAsync(86_000)
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('UNKNOWN')
    const calls = search.mock.calls.length
    await vi.advanceTimersByTimeAsync(10_000)
    await settle()
    expect(search).toHaveBeenCalledTimes(calls)
  })

  it('treats a request seen in progress moments ago as recent (a just-finished request)', async () => {
    const history = await seed([
      entry(1, {
        createdAt: NOW - 600_000,
        updatedAt: NOW - 600_000,
        lastActivityAt: NOW - 600_000,
      }),
    ])
    const answers: SearchResult[] = [
      { kind: 'found', requests: [answer(requestId(1))], missing: [] },
      { kind: 'not_found', ids: [requestId(1)], error_text: 'No response found' },
      { kind: 'found', requests: [answer(requestId(1), 'EXPIRED')], missing: [] },
    ]
    search.mockImplementation(async () => answers.shift()!)
    await useWatchStore().start()
    await settle()
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('IN PROGRESS')
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('EXPIRED')
  })
})

describe('live status: sandbox events', () => {
  it('refreshes at once when the sandbox stream reports a request change', async () => {
    await seed(inProgress(1))
    search.mockImplementation(answerFrom(new Map()))
    let emit: ((event: SandboxEvent) => void) | undefined
    vi.mocked(openSandboxEvents).mockImplementation((onEvent) => {
      emit = onEvent
      return { close: vi.fn() }
    })
    await useWatchStore().start()
    await settle()
    expect(search).toHaveBeenCalledTimes(1)
    // A burst of events gives one refresh a quarter of a second later, long before the interval.
    for (let i = 0; i < 5; i++) {
      emit!({ type: 'request', data: { request_id: requestId(1) } } as unknown as SandboxEvent)
    }
    await settle()
    expect(search).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(250)
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(search).toHaveBeenCalledTimes(2)
  })
})

describe('live status: the sandbox stream only while a sandbox request is watched', () => {
  it('holds no stream with nothing watched, or only live requests; one while a sandbox one is', async () => {
    const close = vi.fn()
    vi.mocked(openSandboxEvents).mockClear()
    vi.mocked(openSandboxEvents).mockImplementation(() => ({ close }))
    const statuses = new Map<string, SearchStatus>()
    search.mockImplementation(answerFrom(statuses))
    const history = await seed(inProgress(1, 'live', 5))
    await useWatchStore().start()
    await settle()
    expect(openSandboxEvents).not.toHaveBeenCalled()

    await history.importJson(JSON.stringify(inProgress(1, 'sandbox', 1)))
    await settle()
    expect(openSandboxEvents).toHaveBeenCalledTimes(1)

    // The sandbox request ends: nothing left to listen for, the stream is closed.
    statuses.set(requestId(1), 'SUCCESS')
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('SUCCESS')
    expect(close).toHaveBeenCalledTimes(1)
    expect(openSandboxEvents).toHaveBeenCalledTimes(1)
  })
})

describe('live status: answers older than an action', () => {
  it('never lets a poll sent before a wrong-code check undo the check when it answers after it', async () => {
    const history = await seed(inProgress(1))
    const id = requestId(1)
    // The round's search leaves now and answers only when the test says (no check listed yet).
    let answerPoll: (result: SearchResult) => void = () => undefined
    search.mockImplementationOnce(
      () => new Promise<SearchResult>((resolve) => (answerPoll = resolve)),
    )
    const watch = useWatchStore()
    await watch.start()
    await settle()
    expect(search).toHaveBeenCalledTimes(1)

    // While it is on its way, the user enters a wrong code (status 16): the check is recorded.
    vi.setSystemTime(NOW + 400)
    await history.recordAction({
      request_id: id,
      at: Date.now(),
      check: { code: '0000', status: 'INVALID' },
    })
    expect(history.byId(id)?.lastSearch?.checks).toHaveLength(1)

    // The poll answers after the check, with what Vonage knew before it.
    vi.setSystemTime(NOW + 600)
    answerPoll({ kind: 'found', requests: [answer(id)], missing: [] })
    await settle()
    expect(history.byId(id)).toMatchObject({ status: 'IN PROGRESS', lastActivityAt: NOW + 400 })
    expect(history.byId(id)?.lastSearch?.checks).toEqual([
      expect.objectContaining({ code: '0000', status: 'INVALID' }),
    ])
  })
})

describe('live status: a sandbox reset', () => {
  it('settles at once the sandbox requests the reset removed, stops searching them, and leaves live ones alone', async () => {
    // Both sandbox requests and the live one were active seconds ago: well within the 90 s grace.
    const history = await seed([...inProgress(2, 'sandbox', 1), ...inProgress(1, 'live', 3)])
    const removed = new Set<string>()
    search.mockImplementation(async (env, ids) => {
      const missing = env === 'sandbox' ? ids.filter((id) => removed.has(id)) : []
      return {
        kind: 'found',
        requests: ids.filter((id) => !missing.includes(id)).map((id) => answer(id)),
        missing,
      }
    })
    let emit: ((event: SandboxEvent) => void) | undefined
    vi.mocked(openSandboxEvents).mockImplementation((onEvent) => {
      emit = onEvent
      return { close: vi.fn() }
    })
    await useWatchStore().start()
    await settle()

    // The sandbox is reset (Sandbox controls, or a tester's script): its requests are gone.
    vi.setSystemTime(NOW + 500)
    removed.add(requestId(1)).add(requestId(2))
    emit!({ type: 'reset', data: { at: '2026-11-25T12:00:00Z' } } as SandboxEvent)
    await vi.advanceTimersByTimeAsync(250)
    await settle()
    for (const id of [requestId(1), requestId(2)]) {
      expect(history.byId(id)).toMatchObject({
        status: 'UNKNOWN',
        lastError: {
          code: '101',
          message: 'The sandbox was reset: this request no longer exists.',
        },
      })
    }
    expect(history.byId(requestId(3))?.status).toBe('IN PROGRESS')

    // No longer searched: the next sandbox rounds have nothing to ask; live goes on.
    const sandboxCalls = () => search.mock.calls.filter(([env]) => env === 'sandbox').length
    const before = sandboxCalls()
    await vi.advanceTimersByTimeAsync(10_000)
    await settle()
    expect(sandboxCalls()).toBe(before)
    expect(search.mock.calls.some(([env]) => env === 'live')).toBe(true)
    expect(history.byId(requestId(3))?.status).toBe('IN PROGRESS')
  })

  it('keeps the grace for a request started after the reset that search does not know yet', async () => {
    const history = await seed(inProgress(1, 'sandbox', 1))
    search.mockImplementation(async (_env, ids) => ({
      kind: 'not_found',
      ids: [...ids],
      error_text: 'No response found',
    }))
    let emit: ((event: SandboxEvent) => void) | undefined
    vi.mocked(openSandboxEvents).mockImplementation((onEvent) => {
      emit = onEvent
      return { close: vi.fn() }
    })
    await useWatchStore().start()
    await settle()
    emit!({ type: 'reset', data: { at: '2026-11-25T12:00:00Z' } } as SandboxEvent)
    await settle()
    // A start answered after the reset, not found by search yet.
    vi.setSystemTime(NOW + 1000)
    await history.importJson(
      JSON.stringify([
        entry(2, { createdAt: NOW + 1000, updatedAt: NOW + 1000, lastActivityAt: NOW + 1000 }),
      ]),
    )
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(history.byId(requestId(1))?.status).toBe('UNKNOWN')
    expect(history.byId(requestId(2))?.status).toBe('IN PROGRESS')
  })
})
