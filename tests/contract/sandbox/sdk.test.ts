import { Vonage } from '@vonage/server-sdk'
import { VerifyWorkflows } from '@vonage/verify'
import { beforeAll, describe, expect, it } from 'vitest'
import { DATE, REQUEST_ID, expectSearchObject } from './support/assert'
import type { Body } from './support/http'
import {
  advance,
  messages,
  pinOf,
  sandboxForAllTests,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import * as T from './support/texts'

// The official Node SDK (what QA points at the sandbox) drives the whole v1 flow over HTTP.
const sb = sandboxForAllTests()
let vonage: Vonage
beforeAll(() => {
  vonage = new Vonage({ apiKey: sb.key, apiSecret: sb.secret }, { apiHost: sb.base })
})

/** The SDK returns camel-cased results with the snake_case keys preserved. */
type Result = Body & { status?: string; requestId?: string; errorText?: string }

/** The wire object inside an SDK result: the snake_case keys, at every depth. */
function snakeOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeOnly)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/[A-Z]/.test(k))
      .map(([k, v]) => [k, snakeOnly(v)]),
  )
}

async function start(extra: Record<string, unknown> = {}): Promise<string> {
  const res = (await vonage.verify.start({
    number: uniqueNumber(),
    brand: 'Acme Inc',
    workflowId: VerifyWorkflows.SMS_TTS_TTS,
    ...extra,
  } as Parameters<Vonage['verify']['start']>[0])) as Result
  expect(res.status, JSON.stringify(res)).toBe('0')
  expect(res.requestId).toMatch(REQUEST_ID)
  expect(res.request_id).toBe(res.requestId)
  return res.requestId as string
}

describe('official @vonage/server-sdk against the sandbox', () => {
  it('starts with the parameters as the SDK sends them (workflow as a string, numbers as JSON numbers)', async () => {
    const number = uniqueNumber()
    const res = (await vonage.verify.start({
      number,
      brand: 'Acme Inc',
      country: 'GB',
      senderId: 'ACME',
      codeLength: 6,
      lg: 'en-gb',
      pinExpiry: 240,
      nextEventWait: 120,
      workflowId: VerifyWorkflows.SMS_SMS,
    } as Parameters<Vonage['verify']['start']>[0])) as Result
    expect(res.status).toBe('0')
    const id = res.requestId as string
    const [msg] = await messages(sb.base, id)
    expect(msg?.channel).toBe('sms')
    expect(msg?.pin).toMatch(/^\d{6}$/)
    expect(msg?.text).toContain(msg?.pin)
    expect(msg?.text).toContain('Acme Inc')
    const search = (await vonage.verify.search(id)) as Result
    expect(search.status).toBe('IN PROGRESS')
    expect(search.senderId).toBe('ACME')
    expect(search.number).toBe(number)
  })

  it('wrong code three times: 16, 16, 17 and search shows FAILED', async () => {
    const id = await start()
    const wrong = wrongCode(await pinOf(sb.base, id))
    const first = (await vonage.verify.check(id, wrong)) as Result
    expect(first.status).toBe('16')
    expect(first.errorText).toBe(T.WRONG_CODE)
    expect(first.requestId).toBe(id)
    const second = (await vonage.verify.check(id, wrong)) as Result
    expect(second.status).toBe('16')
    const third = (await vonage.verify.check(id, wrong)) as Result
    expect(third.status).toBe('17')
    expect(T.TOO_MANY_WRONG).toContain(third.errorText)
    const search = (await vonage.verify.search(id)) as Result
    expect(search.status).toBe('FAILED')
    expect((search.checks as Body[]).map((c) => c.status)).toEqual([
      'INVALID',
      'INVALID',
      'INVALID',
    ])
  })

  it('right code: status 0 with event_id, price and currency; search is a single object', async () => {
    const id = await start()
    const pin = await pinOf(sb.base, id)
    const check = (await vonage.verify.check(id, pin)) as Result
    expect(check.status).toBe('0')
    expect(check.requestId).toBe(id)
    expect(check.eventId).toEqual(expect.any(String))
    expect(check.price).toMatch(/^\d+\.\d+$/)
    expect(check.currency).toBe('EUR')
    expect(check.estimatedPriceMessagesSent).toMatch(/^\d+(\.\d+)?$/)

    const search = (await vonage.verify.search(id)) as Result
    expect(search.verificationRequests).toBeUndefined()
    // The snake_case keys the SDK preserves are the wire object itself.
    expectSearchObject(snakeOnly(search) as Body, id)
    expect(search.status).toBe('SUCCESS')
    expect(search.dateFinalized).toMatch(DATE)
    const checks = search.checks as Body[]
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({ code: pin, status: 'VALID' })
    const events = search.events as Body[]
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'sms', id: check.eventId })
    expect(search.price).toBe(check.price)

    // Verified already: a second check answers 6.
    const again = (await vonage.verify.check(id, pin)) as Result
    expect(again.status).toBe('6')
    expect(again.errorText).toBe(T.CHECK_NOT_FOUND(id))
  })

  it('cancel: refused in the first 30 s, accepted after advancing the clock 30 s', async () => {
    const id = await start()
    const early = (await vonage.verify.cancel(id)) as Result
    expect(early.status).toBe('19')
    expect(early.errorText).toBe(T.CANCEL_TOO_EARLY(id))
    await advance(sb.base, 30)
    const res = (await vonage.verify.cancel(id)) as Result
    expect(res.status).toBe('0')
    expect(res.command).toBe('cancel')
    const search = (await vonage.verify.search(id)) as Result
    expect(search.status).toBe('CANCELLED')
    expect(search.dateFinalized).toMatch(DATE)
  })

  it('trigger next event: two more messages, then 19 with none left', async () => {
    const id = await start()
    expect(await messages(sb.base, id)).toHaveLength(1)
    const one = (await vonage.verify.trigger(id)) as Result
    expect(one).toMatchObject({ status: '0', command: 'trigger_next_event' })
    const afterOne = await messages(sb.base, id)
    expect(afterOne.map((m) => m.channel)).toEqual(['tts', 'sms'])
    const two = (await vonage.verify.trigger(id)) as Result
    expect(two.status).toBe('0')
    expect((await messages(sb.base, id)).map((m) => m.channel)).toEqual(['tts', 'tts', 'sms'])
    const three = (await vonage.verify.trigger(id)) as Result
    expect(three.status).toBe('19')
    expect(three.errorText).toBe(T.NO_MORE_EVENTS(id))
    // Still in progress and checkable with the latest PIN.
    const search = (await vonage.verify.search(id)) as Result
    expect(search.status).toBe('IN PROGRESS')
    expect((search.events as Body[]).map((e) => e.type)).toEqual(['sms', 'tts', 'tts'])
    const check = (await vonage.verify.check(id, await pinOf(sb.base, id))) as Result
    expect(check.status).toBe('0')
  })

  it('PSD2: start without brand, with payee and amount, goes to /verify/psd2/json', async () => {
    const number = uniqueNumber()
    const res = (await vonage.verify.start({
      number,
      payee: 'Acme Shop',
      amount: 42,
      workflowId: VerifyWorkflows.SMS,
    } as Parameters<Vonage['verify']['start']>[0])) as Result
    expect(res.status, JSON.stringify(res)).toBe('0')
    const id = res.requestId as string
    const [msg] = await messages(sb.base, id)
    expect(msg?.number).toBe(number)
    const pin = await pinOf(sb.base, id)
    // The amount as the PSD2 message shows it: euros and cents (the JSON number 42 is 42.00), in
    // EUR, next to the payee, before the PIN.
    expect(msg?.text).toContain(`the payment of 42.00 EUR to Acme Shop is: ${pin}.`)
    const check = (await vonage.verify.check(id, pin)) as Result
    expect(check.status).toBe('0')
  })

  it('a start without lg to a +33 number is written in French on the handset, as the API does', async () => {
    // A French mobile number, unique per run (the in-flight rule is per number).
    const number = `33612${uniqueNumber().slice(-6)}`
    const res = (await vonage.verify.start({
      number: `+${number}`,
      brand: 'Acme',
      workflowId: VerifyWorkflows.SMS,
    } as Parameters<Vonage['verify']['start']>[0])) as Result
    expect(res.status, JSON.stringify(res)).toBe('0')
    const [msg] = await messages(sb.base, res.requestId as string)
    expect(msg?.number).toBe(number)
    expect(msg?.text).toBe(`Votre code PIN Acme est : ${msg?.pin}. Valable 5 minutes.`)
    expect(msg?.raw).toMatchObject({ lg: 'fr-fr', language: 'fr' })
  })

  it('gets status 101 (returned, not thrown) searching an unknown id', async () => {
    const res = (await vonage.verify.search('0'.repeat(32))) as Result
    expect(res.status).toBe('101')
    expect(res.errorText).toBe(T.NO_RESPONSE)
  })

  it('gets status 4 (returned, not thrown) with a wrong secret', async () => {
    const wrong = new Vonage({ apiKey: sb.key, apiSecret: 'not-the-secret' }, { apiHost: sb.base })
    const res = (await wrong.verify.start({ number: uniqueNumber(), brand: 'Acme' })) as Result
    expect(res.status).toBe('4')
    expect(T.BAD_CREDENTIALS_REQUEST).toContain(res.errorText)
  })

  it('gets status 10 with the in-flight request id for the same number', async () => {
    const number = uniqueNumber()
    const first = (await vonage.verify.start({ number, brand: 'Acme' })) as Result
    const second = (await vonage.verify.start({ number: `+${number}`, brand: 'Acme' })) as Result
    expect(second.status).toBe('10')
    expect(second.requestId).toBe(first.requestId)
  })
})
