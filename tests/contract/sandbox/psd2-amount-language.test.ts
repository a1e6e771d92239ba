import { Vonage } from '@vonage/server-sdk'
import { VerifyWorkflows } from '@vonage/verify'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Body } from './support/http'
import { advance, messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'

// The PSD2 message states the amount as the language of `lg` writes it: German (like French,
// Spanish, Italian, Portuguese and Dutch) with a decimal comma, the currency after the amount,
// in euros and cents (the SDK's JSON number 12.5 is 12,50).
const sb = sandboxForAllTests()
let vonage: Vonage
beforeAll(() => {
  vonage = new Vonage({ apiKey: sb.key, apiSecret: sb.secret }, { apiHost: sb.base })
})

async function psd2(lg: string, amount: number): Promise<string> {
  const res = (await vonage.verify.start({
    number: uniqueNumber(),
    payee: 'Acme Shop',
    amount,
    lg,
    workflowId: VerifyWorkflows.SMS_TTS,
  } as Parameters<Vonage['verify']['start']>[0])) as Body
  expect(res.status, JSON.stringify(res)).toBe('0')
  return res.request_id as string
}

describe('the amount of a PSD2 message sent with the official SDK', () => {
  it('is written 12,50 EUR in a German SMS and 12,50 Euro in a German call', async () => {
    const id = await psd2('de-de', 12.5)
    const [sms] = await messages(sb.base, id)
    expect(sms?.text).toBe(
      `Ihr Code zur Bestätigung der Zahlung von 12,50 EUR an Acme Shop lautet: ${sms?.pin}. Gültig für 5 Minuten.`,
    )
    await advance(sb.base, 120)
    const [call] = await messages(sb.base, id)
    expect(call?.channel).toBe('tts')
    expect(call?.text).toContain('der Zahlung von 12,50 Euro an Acme Shop lautet:')
  })

  it('keeps the decimal point in English', async () => {
    const [sms] = await messages(sb.base, await psd2('en-gb', 12.5))
    expect(sms?.text).toContain('the payment of 12.50 EUR to Acme Shop is:')
  })
})
