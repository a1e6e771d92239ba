import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openSandboxEvents, type SandboxEvent } from '@/api/sandbox'
import { configureClient, setAccessToken } from '@/api/client'

class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = []
  readyState = 0
  closed = false
  constructor(readonly url: string) {
    super()
    FakeEventSource.instances.push(this)
  }
  close() {
    this.closed = true
  }
  emit(type: string, data: unknown) {
    this.dispatchEvent(
      new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data) }),
    )
  }
}

beforeEach(() => {
  FakeEventSource.instances = []
  vi.stubGlobal('EventSource', FakeEventSource)
  configureClient({ prefixUrl: 'http://127.0.0.1:9/api' })
})
afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

describe('openSandboxEvents', () => {
  it('shares one connection between subscribers and closes it with the last one', () => {
    setAccessToken('tok')
    const a: SandboxEvent[] = []
    const b: SandboxEvent[] = []
    const first = openSandboxEvents((e) => a.push(e))
    const second = openSandboxEvents((e) => b.push(e))
    expect(FakeEventSource.instances).toHaveLength(1)
    const source = FakeEventSource.instances[0]!
    expect(source.url).toBe('http://127.0.0.1:9/api/sandbox/__admin/events?verify_desk_token=tok')

    source.emit('clock', { now: 'x', now_ms: 1, offset_ms: 5, next_due_at: null })
    source.emit('request', 'not json')
    expect(a).toEqual([
      { type: 'clock', data: { now: 'x', now_ms: 1, offset_ms: 5, next_due_at: null } },
    ])
    expect(b).toEqual(a)

    first.close()
    source.emit('reset', { at: 'y' })
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(2)
    expect(source.closed).toBe(false)
    second.close()
    expect(source.closed).toBe(true)

    openSandboxEvents(() => undefined).close()
    expect(FakeEventSource.instances).toHaveLength(2)
  })

  it('delivers the lists of faults and test numbers the sandbox sends on each change', () => {
    const seen: SandboxEvent[] = []
    const handle = openSandboxEvents((e) => seen.push(e))
    const source = FakeEventSource.instances[0]!
    source.emit('faults', { faults: [] })
    source.emit('test-numbers', { test_numbers: [{ number: '447700900111', pin: '1234' }] })
    expect(seen).toEqual([
      { type: 'faults', data: { faults: [] } },
      { type: 'test-numbers', data: { test_numbers: [{ number: '447700900111', pin: '1234' }] } },
    ])
    handle.close()
  })

  it('tells each subscriber when the connection opens or drops', () => {
    const opened = vi.fn()
    const dropped = vi.fn()
    const handle = openSandboxEvents(() => undefined, dropped, opened)
    const source = FakeEventSource.instances[0]!
    source.dispatchEvent(new Event('open'))
    source.dispatchEvent(new Event('error'))
    expect(opened).toHaveBeenCalledTimes(1)
    expect(dropped).toHaveBeenCalledTimes(1)
    handle.close()
  })
})
