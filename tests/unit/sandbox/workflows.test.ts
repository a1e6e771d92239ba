import { describe, expect, it } from 'vitest'
import { T0, fakeEngine } from './support'
import type { Params } from '../../../server/sandbox/engine'
import { describeSchedule, effectivePinExpiry, workflowSchedule } from '@contract/workflows'

/** Runs a request to its end and reports what went out when, and when it expired. */
function timeline(params: Params) {
  const s = fakeEngine()
  const id = s.start(params)
  let expiredAt: number | undefined
  for (let t = 1; t <= 4000 && expiredAt === undefined; t++) {
    s.at(t)
    if (s.engine.getRequest(id)?.status === 'EXPIRED') expiredAt = t
  }
  const record = s.engine.getRequest(id)
  const view = record && s.engine.adminView(record)
  const finalized = view?.finalized_at ? (Date.parse(view.finalized_at) - T0) / 1000 : undefined
  const messages = s.messages(id)
  const pins = messages.map((m) => m.pin)
  return {
    sent: messages.map((m) => `${m.channel}@${(m.at - T0) / 1000}`),
    /** Which events carried a PIN different from the one before. */
    newPins: pins.map((p, i) => i === 0 || p !== pins[i - 1]),
    expiredAt,
    finalized,
  }
}

describe('workflows with their default waits', () => {
  const cases: [number, string[], boolean[], number][] = [
    [1, ['sms@0', 'tts@125', 'tts@305'], [true, false, true], 605],
    [2, ['sms@0', 'sms@125', 'tts@305'], [true, false, true], 605],
    [3, ['tts@0', 'tts@150'], [true, false], 300],
    [4, ['sms@0', 'sms@120'], [true, false], 300],
    [5, ['sms@0', 'tts@120'], [true, false], 300],
    [6, ['sms@0'], [true], 300],
    [7, ['tts@0'], [true], 300],
  ]
  it.each(cases)('workflow %i', (workflow, sent, newPins, expires) => {
    const result = timeline({ workflow_id: String(workflow) })
    expect(result.sent).toEqual(sent)
    expect(result.newPins).toEqual(newPins)
    expect(result.expiredAt).toBe(expires)
    expect(result.finalized).toBe(expires)
  })

  it('the contract schedule describes the same timeline', () => {
    expect(describeSchedule(workflowSchedule(1))).toBe(
      'SMS → 125 s → TTS → 180 s → TTS (new PIN) → 300 s → expires',
    )
    expect(workflowSchedule(5)).toMatchObject({ expiresAt: 300, cancelFrom: 30, cancelUntil: 120 })
  })
})

describe('next_event_wait and pin_expiry', () => {
  it('next_event_wait replaces every default wait', () => {
    const result = timeline({ workflow_id: '1', next_event_wait: '60' })
    expect(result.sent).toEqual(['sms@0', 'tts@60', 'tts@120'])
    expect(result.newPins).toEqual([true, false, false])
    expect(result.expiredAt).toBe(180)
  })

  // The documented examples for workflow 1 with next_event_wait 120.
  const pinCases: [string, boolean[]][] = [
    ['360', [true, false, false]],
    ['240', [true, false, true]],
    ['120', [true, true, true]],
    ['90', [true, true, true]],
    ['200', [true, true, true]],
  ]
  it.each(pinCases)('pin_expiry %s with next_event_wait 120', (pinExpiry, newPins) => {
    const result = timeline({ workflow_id: '1', next_event_wait: '120', pin_expiry: pinExpiry })
    expect(result.sent).toEqual(['sms@0', 'tts@120', 'tts@240'])
    expect(result.newPins).toEqual(newPins)
    expect(result.expiredAt).toBe(360)
  })

  it('not a multiple: pin_expiry becomes next_event_wait', () => {
    expect(effectivePinExpiry(90, 120)).toBe(120)
    expect(effectivePinExpiry(240, 120)).toBe(240)
    expect(effectivePinExpiry(undefined, 120)).toBe(300)
    expect(effectivePinExpiry(600)).toBe(600)
    expect(effectivePinExpiry()).toBe(300)
  })

  it('workflows 6 and 7 expire after pin_expiry', () => {
    expect(timeline({ workflow_id: '6', pin_expiry: '120' }).expiredAt).toBe(120)
    expect(
      timeline({ workflow_id: '7', pin_expiry: '200', next_event_wait: '120' }).expiredAt,
    ).toBe(120)
  })

  it('an expired PIN no longer verifies, even before the next event', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '4', pin_expiry: '60' })
    const pin = s.pin(id)
    s.at(70)
    expect(s.call('check', { request_id: id, code: pin }).status).toBe('16')
    s.at(120)
    expect(s.pin(id)).not.toBe(pin)
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
  })

  it('a new PIN brings three new attempts', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '1' })
    const first = s.pin(id)
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('16')
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('16')
    s.at(305)
    expect(s.pin(id)).not.toBe(first)
    expect(s.engine.adminView(s.engine.getRequest(id)!).attempts_left).toBe(3)
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('16')
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('16')
    expect(s.call('check', { request_id: id, code: '0000' }).status).toBe('17')
  })

  it('the same PIN is sent again while it has not expired', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '2' })
    s.at(125)
    const messages = s.messages(id)
    expect(messages.map((m) => m.pin)).toEqual([s.pin(id), s.pin(id)])
  })
})

describe('cancel window and trigger_next_event', () => {
  const cancelAt = (workflow: string, seconds: number) => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: workflow })
    s.at(seconds)
    return s.call('control', { request_id: id, cmd: 'cancel' }).status
  }

  it('cancel works from 30 s until the second event', () => {
    expect(cancelAt('1', 0)).toBe('19')
    expect(cancelAt('1', 29)).toBe('19')
    expect(cancelAt('1', 30)).toBe('0')
    expect(cancelAt('1', 124)).toBe('0')
    expect(cancelAt('1', 125)).toBe('19')
    expect(cancelAt('3', 149)).toBe('0')
    expect(cancelAt('3', 150)).toBe('19')
  })

  it('with a single event (workflows 6, 7) cancel works until expiry', () => {
    expect(cancelAt('6', 299)).toBe('0')
    expect(cancelAt('7', 200)).toBe('0')
    expect(cancelAt('6', 300)).toBe('6')
  })

  it('trigger_next_event sends the next event now and restarts the wait', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '1' })
    s.at(10)
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' }).status).toBe('0')
    expect(s.messages(id).map((m) => `${m.channel}@${(m.at - T0) / 1000}`)).toEqual([
      'sms@0',
      'tts@10',
    ])
    s.at(189)
    expect(s.messages(id)).toHaveLength(2)
    s.at(190)
    expect(s.messages(id)).toHaveLength(3)
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' }).status).toBe('19')
    s.at(489)
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    s.at(490)
    expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
  })

  it('a success stops the workflow: no further event goes out', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '2' })
    s.at(60)
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
    s.at(1000)
    expect(s.messages(id)).toHaveLength(1)
    expect(s.engine.getRequest(id)?.status).toBe('SUCCESS')
  })

  it('advancing far fires everything due in time order across requests', () => {
    const s = fakeEngine()
    const a = s.start({ number: '447700900001', workflow_id: '3' })
    s.at(100)
    const b = s.start({ number: '447700900002', workflow_id: '5' })
    s.at(2000)
    const order = s.engine.handset
      .list()
      .messages.slice()
      .reverse()
      .map((m) => `${m.requestId === a ? 'a' : 'b'}@${(m.at - T0) / 1000}`)
    expect(order).toEqual(['a@0', 'b@100', 'a@150', 'b@220'])
    const finalizedAt = (id: string) => s.engine.adminView(s.engine.getRequest(id)!).finalized_at
    expect(finalizedAt(a)).toBe(new Date(T0 + 300_000).toISOString())
    expect(finalizedAt(b)).toBe(new Date(T0 + 400_000).toISOString())
  })
})
