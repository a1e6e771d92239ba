import { describe, expect, it } from 'vitest'
import {
  HistoryPoller,
  type GoneCause,
  type PollSearchResult,
  type PollTarget,
} from '@/utils/history-poller'

/** A poller on a hand-moved clock whose searches answer when the test says. */
function poller(targets: PollTarget[]) {
  let now = 1_000_000
  const gone: { ids: string[]; cause: GoneCause }[] = []
  const pending: ((result: PollSearchResult) => void)[] = []
  const loop = new HistoryPoller({
    targets: () => targets,
    search: () => new Promise<PollSearchResult>((resolve) => pending.push(resolve)),
    onFound: () => undefined,
    onGone: (_env, ids, cause) => void gone.push({ ids, cause }),
    intervalMs: () => 60_000,
    callGapMs: () => 0,
    isVisible: () => true,
    now: () => now,
  })
  return {
    loop,
    gone,
    tick: (ms: number) => (now += ms),
    /** Answers the oldest search on its way. */
    answer: async (result: PollSearchResult) => {
      pending.shift()!(result)
      for (let i = 0; i < 10; i++) await Promise.resolve()
    },
  }
}

const inProgress = (id: string) => ({ request_id: id, status: 'IN PROGRESS' })

describe('HistoryPoller: a reset of the environment', () => {
  it('gives up at once on recent requests search no longer knows after a reset, with cause reset', async () => {
    const p = poller([
      { request_id: 'a', environment: 'sandbox', lastActivityAt: 1_000_000 - 5_000 },
      { request_id: 'b', environment: 'sandbox', lastActivityAt: 1_000_000 - 5_000 },
    ])
    p.loop.start()
    p.tick(10)
    const round = p.loop.round('sandbox')
    // Without a reset, a request active 5 s ago that search does not know is "not in search yet".
    await p.answer({ kind: 'not_found', ids: ['a', 'b'], error_text: 'No response found' })
    await round
    expect(p.gone).toEqual([])

    p.tick(1000)
    p.loop.upstreamReset('sandbox')
    await p.answer({ kind: 'not_found', ids: ['a', 'b'], error_text: 'No response found' })
    expect(p.gone).toEqual([{ ids: ['a', 'b'], cause: 'reset' }])
    p.loop.stop()
  })

  it('an answer to a search sent before the reset does not make its requests recent after it', async () => {
    const p = poller([
      { request_id: 'a', environment: 'sandbox', lastActivityAt: 1_000_000 - 5_000 },
    ])
    p.loop.start()
    // The first round's search leaves before the reset and answers after it: still in progress.
    p.tick(500)
    p.loop.upstreamReset('sandbox')
    await p.answer({ kind: 'found', requests: [inProgress('a')], missing: [] })
    expect(p.gone).toEqual([])
    // The round after the reset: search no longer knows it, and it is gone at once.
    p.tick(300)
    const round = p.loop.round('sandbox')
    await p.answer({ kind: 'found', requests: [], missing: ['a'] })
    await round
    expect(p.gone).toEqual([{ ids: ['a'], cause: 'reset' }])
    p.loop.stop()
  })

  it('a reset of the sandbox changes nothing for live', async () => {
    const p = poller([{ request_id: 'l', environment: 'live', lastActivityAt: 1_000_000 - 5_000 }])
    p.loop.upstreamReset('sandbox')
    p.tick(10)
    p.loop.start()
    // start() runs a sandbox round (nothing to search) and a live one.
    await p.answer({ kind: 'not_found', ids: ['l'], error_text: 'No response found' })
    expect(p.gone).toEqual([])
    p.loop.stop()
  })
})
