/**
 * What the live-status loop reports of a round: why a search failed (as the notice says it), and
 * which requests search no longer knows, judged when its answer came (a slow search counts).
 */
import { describe, expect, it } from 'vitest'
import {
  HistoryPoller,
  type GoneCause,
  type PollFailure,
  type PollSearchResult,
  type PollTarget,
} from '@/utils/history-poller'

/** A poller on a hand-moved clock whose one search answers (or throws) what the test says. */
function poller(targets: PollTarget[], search: () => Promise<PollSearchResult>) {
  let now = 1_000_000
  const gone: { ids: string[]; cause: GoneCause }[] = []
  const found: string[] = []
  const failures: PollFailure[] = []
  const loop = new HistoryPoller({
    targets: () => targets,
    search,
    onFound: (_env, requests) => void found.push(...requests.map((r) => r.request_id)),
    onGone: (_env, ids, cause) => void gone.push({ ids, cause }),
    onFailure: (_env, failure) => void failures.push(failure),
    intervalMs: () => 60_000,
    callGapMs: () => 0,
    isVisible: () => true,
    now: () => now,
  })
  /** Starts the loop and lets its first round (a search already answered) run to its end. */
  async function firstRound(): Promise<void> {
    loop.start()
    for (let i = 0; i < 20; i++) await Promise.resolve()
    loop.stop()
  }
  return { loop, gone, found, failures, firstRound, tick: (ms: number) => (now += ms) }
}

const target = (id: string, lastActivityAt: number): PollTarget => ({
  request_id: id,
  environment: 'live',
  lastActivityAt,
})

async function failureOf(search: () => Promise<PollSearchResult>): Promise<PollFailure[]> {
  const p = poller([target('a', 1_000_000)], search)
  await p.firstRound()
  return p.failures
}

describe('HistoryPoller: why a round failed', () => {
  it('a network error: its message, and no API status', async () => {
    expect(await failureOf(() => Promise.reject(new Error('Failed to fetch')))).toEqual([
      { reason: 'Failed to fetch', status: null },
    ])
  })

  it('something thrown that is no Error: said as text', async () => {
    expect(await failureOf(() => Promise.reject('offline'))).toEqual([
      { reason: 'offline', status: null },
    ])
  })

  it('status 1: throttled; any other status: its code and text', async () => {
    const throttled = await failureOf(() =>
      Promise.resolve({ kind: 'error', ids: ['a'], status: '1', error_text: 'Throttled' }),
    )
    expect(throttled).toEqual([
      { reason: 'throttled (status 1)', status: '1', errorText: 'Throttled' },
    ])
    const credentials = await failureOf(() =>
      Promise.resolve({ kind: 'error', ids: ['a'], status: '4', error_text: 'Bad Credentials' }),
    )
    expect(credentials).toEqual([
      { reason: 'status 4: Bad Credentials', status: '4', errorText: 'Bad Credentials' },
    ])
  })
})

describe('HistoryPoller: requests search no longer knows', () => {
  it('an id missing from an answer that found others is given up once its activity is old', async () => {
    let answer: PollSearchResult = { kind: 'found', requests: [], missing: [] }
    const p = poller([target('a', 1_000_000 - 100_000), target('b', 1_000_000 - 100_000)], () =>
      Promise.resolve(answer),
    )
    answer = {
      kind: 'found',
      requests: [{ request_id: 'a', status: 'IN PROGRESS' }],
      missing: ['b'],
    }
    await p.firstRound()
    expect(p.found).toEqual(['a'])
    expect(p.gone).toEqual([{ ids: ['b'], cause: 'not_found' }])
  })

  it('judged when the answer came: a search that took 2 s makes 89 s of quiet 91 s', async () => {
    const p = poller([target('a', 1_000_000 - 89_000)], async () => {
      p.tick(2_000)
      return { kind: 'not_found', ids: ['a'], error_text: 'No response found' }
    })
    await p.firstRound()
    expect(p.gone).toEqual([{ ids: ['a'], cause: 'not_found' }])
  })
})
