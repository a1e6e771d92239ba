import { describe, expect, it } from 'vitest'
import type { EngineChange, RequestRecord } from '../../../server/sandbox/engine'
import { withSandboxLimitsFromEnv } from '../../../server/sandbox/index'
import { replayJournal } from '../../../server/sandbox/persistence'
import { fakeEngine } from './support'

// Finished requests past `maxFinishedRequests` are forgotten, the one that finished first first;
// requests in progress never are.
describe('finished requests kept', () => {
  it('keeps the newest finished ones and every request in progress, with their messages', () => {
    const e = fakeEngine({ maxFinishedRequests: 10 })
    const forgotten: string[] = []
    e.engine.subscribe((change: EngineChange) => {
      if (change.type === 'forget') forgotten.push(...change.ids)
    })
    const open = [e.start({ number: '447700900001' }), e.start({ number: '447700900002' })]
    const done: string[] = []
    for (let i = 0; i < 1000; i++) {
      const id = e.start({ number: `4477009${String(1000 + i).padStart(5, '0')}` })
      expect(e.call('check', { request_id: id, code: e.pin(id) }).status).toBe('0')
      done.push(id)
    }
    expect(forgotten).toEqual(done.slice(0, 990))
    expect(e.engine.requestCount).toBe(12)
    const kept = e.engine.listRequests({ limit: 100 }).records.map((r) => r.id)
    expect(kept.sort()).toEqual([...open, ...done.slice(990)].sort())
    const listed = e.engine.handset.list()
    expect(listed.total).toBe(12)
    expect(e.engine.handset.size).toBe(12)
    expect(listed.messages.map((m) => m.requestId).sort()).toEqual(kept)
    // A forgotten request is unknown: search 101, check 6.
    const gone = done[0] as string
    expect(e.call('search', { request_id: gone }).status).toBe('101')
    expect(e.call('check', { request_id: gone, code: '1111' }).status).toBe('6')
    // The requests in progress still run to their end, and their number stays busy until then.
    expect(e.engine.getRequest(open[0] as string)?.status).toBe('IN PROGRESS')
    expect(e.call('request', { number: '447700900001', brand: 'Acme' }).status).toBe('10')
    // Expired, they are the newest finished ones: the two that finished first go instead.
    e.advance(3600)
    expect(e.engine.getRequest(open[0] as string)?.status).toBe('EXPIRED')
    expect(forgotten.slice(990)).toEqual(done.slice(990, 992))
    expect(e.engine.requestCount).toBe(10)
  })

  it('a journal line `d` forgets requests on replay', () => {
    const record = (id: string, status: string) => ({ id, status }) as unknown as RequestRecord
    const replayed = replayJournal(undefined, [
      { s: 1, r: record('a', 'SUCCESS') },
      { s: 2, r: record('b', 'IN PROGRESS') },
      { s: 3, r: record('c', 'FAILED') },
      { s: 4, d: ['a', 'c'] },
    ])
    expect(replayed?.engine.requests.map((r) => r.id)).toEqual(['b'])
  })

  it('reads SANDBOX_MAX_FINISHED_REQUESTS when the options name no limit', () => {
    const env = { SANDBOX_MAX_FINISHED_REQUESTS: '500' }
    expect(withSandboxLimitsFromEnv({}, env)).toEqual({ maxFinishedRequests: 500 })
    expect(withSandboxLimitsFromEnv({ maxFinishedRequests: 7 }, env)).toEqual({
      maxFinishedRequests: 7,
    })
    expect(() => withSandboxLimitsFromEnv({}, { SANDBOX_MAX_FINISHED_REQUESTS: '1.5' })).toThrow(
      'SANDBOX_MAX_FINISHED_REQUESTS must be a whole number of finished requests to keep (1 or more), not "1.5".',
    )
  })
})
