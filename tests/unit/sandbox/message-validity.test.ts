import { describe, expect, it } from 'vitest'
import { fakeEngine } from './support'

// The validity an SMS states is how long the PIN it carries can really be used from that message
// on: the PIN's own remaining lifetime, or less when the request ends first (the waits of the
// workflow left from that message on).

type Sandbox = ReturnType<typeof fakeEngine>

/** The texts of a request's SMS, oldest first. */
function smsTexts(s: Sandbox, id: string): string[] {
  return s
    .messages(id)
    .filter((m) => m.channel === 'sms')
    .map((m) => m.text)
}

describe('the validity an SMS states', () => {
  it('is the time left until the request expires when that comes before the PIN expires', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '4', pin_expiry: '3600' })
    const pin = s.pin(id)
    expect(smsTexts(s, id)).toEqual([`Your Acme PIN is: ${pin}. Valid for 5 minutes.`])
    s.at(120)
    expect(smsTexts(s, id)).toEqual([
      `Your Acme PIN is: ${pin}. Valid for 5 minutes.`,
      `Your Acme PIN is: ${pin}. Valid for 3 minutes.`,
    ])
    // What the texts said holds: one second before, the request is still open; then it ends.
    s.at(299)
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    s.at(300)
    expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
    expect(s.call('check', { request_id: id, code: pin }).status).toBe('6')
  })

  it('is the PIN lifetime left when a message sends the same PIN again', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '2' })
    const pin = s.pin(id)
    s.at(125)
    expect(smsTexts(s, id)).toEqual([
      `Your Acme PIN is: ${pin}. Valid for 5 minutes.`,
      `Your Acme PIN is: ${pin}. Valid for 175 seconds.`,
    ])
    // At 300 s the PIN of both messages no longer works, though the request is still open.
    s.at(300)
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    expect(s.call('check', { request_id: id, code: pin }).status).toBe('16')
  })

  it('is pin_expiry whenever nothing cuts it short (the defaults, workflows 6 and 7)', () => {
    const s = fakeEngine()
    const one = s.start({ number: '447700900001' })
    const six = s.start({ number: '447700900002', workflow_id: '6', pin_expiry: '600' })
    const psd2 = s.call('psd2', {
      number: '447700900003',
      payee: 'Shop',
      amount: '48.00',
      lg: 'en-gb',
      workflow_id: '6',
      pin_expiry: '3600',
    }).request_id as string
    expect(smsTexts(s, one)).toEqual([`Your Acme PIN is: ${s.pin(one)}. Valid for 5 minutes.`])
    expect(smsTexts(s, six)).toEqual([`Your Acme PIN is: ${s.pin(six)}. Valid for 10 minutes.`])
    expect(smsTexts(s, psd2)).toEqual([
      `Your code to confirm the payment of 48.00 EUR to Shop is: ${s.pin(psd2)}. Valid for 60 minutes.`,
    ])
  })

  it('counts from the message, on a shortened timeline and after trigger_next_event', () => {
    const s = fakeEngine()
    // next_event_wait 60, pin_expiry 120: SMS at 0 (new PIN), SMS at 60 (same), TTS at 120.
    const short = s.start({
      number: '447700900001',
      workflow_id: '2',
      next_event_wait: '60',
      pin_expiry: '120',
    })
    // Workflow 4 with an hour-long PIN, the second SMS triggered 10.5 s in.
    const triggered = s.start({ number: '447700900002', workflow_id: '4', pin_expiry: '3600' })
    // Workflow 2 with the default PIN, the second SMS triggered 10.5 s in.
    const early = s.start({ number: '447700900003', workflow_id: '2' })
    s.at(10.5)
    for (const id of [triggered, early]) {
      expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' }).status).toBe('0')
    }
    s.at(60)
    expect(smsTexts(s, short)).toEqual([
      `Your Acme PIN is: ${s.pin(short)}. Valid for 2 minutes.`,
      `Your Acme PIN is: ${s.pin(short)}. Valid for 1 minute.`,
    ])
    expect(smsTexts(s, triggered)[1]).toBe(
      `Your Acme PIN is: ${s.pin(triggered)}. Valid for 3 minutes.`,
    )
    // 300 − 10.5 s left of the PIN: the whole seconds it still works.
    expect(smsTexts(s, early)[1]).toBe(`Your Acme PIN is: ${s.pin(early)}. Valid for 289 seconds.`)
  })

  it('is written in the request language, and stays what it was as time goes on', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '4', pin_expiry: '3600', lg: 'de-de' })
    const pin = s.pin(id)
    s.at(120)
    const texts = [
      `Ihre Acme PIN lautet: ${pin}. Gültig für 5 Minuten.`,
      `Ihre Acme PIN lautet: ${pin}. Gültig für 3 Minuten.`,
    ]
    expect(smsTexts(s, id)).toEqual(texts)
    s.at(400)
    expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
    expect(smsTexts(s, id)).toEqual(texts)
  })

  it('is the same after the state is saved and restored', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '4', pin_expiry: '3600' })
    s.at(120)
    const before = smsTexts(s, id)
    const restored = fakeEngine()
    restored.engine.restore(JSON.parse(JSON.stringify(s.engine.snapshot())))
    expect(smsTexts(restored, id)).toEqual(before)
    expect(before[1]).toMatch(/Valid for 3 minutes\.$/)
  })
})
