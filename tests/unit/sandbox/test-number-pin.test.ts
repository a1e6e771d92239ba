import { afterEach, describe, expect, it } from 'vitest'
import { fromAdmin } from '@/utils/request-model'
import { pinLengthHint } from '@/utils/request-state'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox } from '../../../server/sandbox/index'
import { CREDS, PIN_CREDS, fakeEngine } from './support'

// A test number's fixed PIN (4 to 10 digits) is sent as it is, whatever code_length the request
// asks for, as a custom pin_code sets a code of its own length: what the sandbox shows of the
// request says so (its code length is that PIN's), and the handset carries the PIN unchanged.

const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

describe("a test number's fixed PIN", () => {
  it('is sent as it is whatever code_length says, and the request shows its length', () => {
    const s = fakeEngine()
    s.engine.setTestNumber('447700900001', '1234')
    s.engine.setTestNumber('447700900002', '0123456789')
    const four = s.start({ number: '447700900001', code_length: '6' })
    const ten = s.start({ number: '447700900002' })
    const record = s.engine.getRequest(four)
    expect(record && s.engine.adminView(record)).toMatchObject({ pin: '1234', code_length: 4 })
    const tenRecord = s.engine.getRequest(ten)
    expect(tenRecord && s.engine.adminView(tenRecord)).toMatchObject({
      pin: '0123456789',
      code_length: 10,
    })
    expect(s.messages(four)[0]).toMatchObject({
      pin: '1234',
      text: 'Your Acme PIN is: 1234. Valid for 5 minutes.',
    })
    expect(s.call('check', { request_id: four, code: '1234' }).status).toBe('0')
    expect(s.call('check', { request_id: ten, code: '0123456789' }).status).toBe('0')
  })

  it("gives way to a custom pin_code, whose length is the request's code length", () => {
    const s = fakeEngine()
    s.engine.setTestNumber('447700900001', '1234')
    const id = s.start(
      { number: '447700900001', pin_code: 'AKFG-3424', code_length: '6' },
      PIN_CREDS,
    )
    const record = s.engine.getRequest(id)
    expect(record && s.engine.adminView(record)).toMatchObject({
      pin: 'AKFG-3424',
      code_length: 9,
    })
    const emoji = s.start({ number: '447700900003', pin_code: '\u{1F600}'.repeat(4) }, PIN_CREDS)
    expect(s.engine.adminView(s.engine.getRequest(emoji)!).code_length).toBe(4)
    const generated = s.start({ number: '447700900002', code_length: '6' }, CREDS)
    const other = s.engine.getRequest(generated)
    expect(other && s.engine.adminView(other).code_length).toBe(6)
    expect(s.pin(generated)).toMatch(/^\d{6}$/)
  })

  it('is what the dashboard takes as the length of the code, not the code_length asked for', () => {
    const s = fakeEngine()
    s.engine.setTestNumber('447700900001', '123456')
    const id = s.start({ number: '447700900001', code_length: '4' })
    const model = fromAdmin(s.engine.adminView(s.engine.getRequest(id)!))
    expect(model).toMatchObject({ codeLength: 6, customPin: false })
    expect(pinLengthHint('123456', model.codeLength ?? undefined, model.customPin)).toBeNull()
    expect(pinLengthHint('1234', model.codeLength ?? undefined, model.customPin)).toMatch(
      /^This request's PIN has 6 digits/,
    )
  })

  it('over the admin API: the answer of PUT, the request and the handset agree', async () => {
    const s = createSandbox({ stateFile: false })
    opened.push(s)
    const call = async (path: string, init?: RequestInit) =>
      (await s.fetch(new Request(`http://sandbox${path}`, init))).json() as Promise<
        Record<string, unknown>
      >
    expect(
      await call('/__admin/test-numbers', {
        method: 'PUT',
        body: JSON.stringify({ number: '+44 7700 900123', pin: '98765' }),
      }),
    ).toEqual({ number: '447700900123', pin: '98765' })
    const started = await call(
      `/verify/json?api_key=${CREDS.api_key}&api_secret=${CREDS.api_secret}&number=447700900123&brand=Acme&code_length=6`,
    )
    const id = started.request_id as string
    expect(await call(`/__admin/requests/${id}`)).toMatchObject({ pin: '98765', code_length: 5 })
    const { messages } = (await call(`/__admin/messages?request_id=${id}`)) as {
      messages: { pin: string; text: string }[]
    }
    expect(messages.map((m) => [m.pin, m.text])).toEqual([
      ['98765', 'Your Acme PIN is: 98765. Valid for 5 minutes.'],
    ])
  })
})
