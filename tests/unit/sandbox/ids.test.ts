import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'
import { CREDS, fakeEngine } from './support'

describe('request and event ids', () => {
  it('an id source that repeats itself never gives two requests the same id', () => {
    const ids = ['a'.repeat(32), 'a'.repeat(32), 'b'.repeat(32)]
    const { engine } = fakeEngine({ id: () => ids.shift() ?? 'c'.repeat(32) })
    const first = engine.call('request', { ...CREDS, number: '447700900001', brand: 'A' })
    const second = engine.call('request', { ...CREDS, number: '447700900002', brand: 'A' })
    expect(first.request_id).toBe('a'.repeat(32))
    expect(second.request_id).not.toBe(first.request_id)
    expect(engine.requestCount).toBe(2)
  })

  it('the sandbox answers 32 lower-case hex request ids and 16 upper-case hex event ids, all distinct', async () => {
    const sandbox = createSandbox({ stateFile: false, throttlePerSecond: null })
    try {
      const requestIds = new Set<string>()
      const eventIds = new Set<string>()
      for (let i = 0; i < 300; i++) {
        const res = await sandbox.fetch(
          new Request(
            `http://sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=4477009${String(i).padStart(5, '0')}&brand=A`,
          ),
        )
        const id = ((await res.json()) as { request_id: string }).request_id
        expect(id).toMatch(/^[0-9a-f]{32}$/)
        requestIds.add(id)
        const admin = await sandbox.fetch(new Request(`http://sandbox/__admin/requests/${id}`))
        const events = ((await admin.json()) as { events: { id: string }[] }).events
        for (const e of events) {
          expect(e.id).toMatch(/^[0-9A-F]{16}$/)
          eventIds.add(e.id)
        }
      }
      expect(requestIds.size).toBe(300)
      expect(eventIds.size).toBe(300)
    } finally {
      await sandbox.close()
    }
  })
})
