import { describe, expect, it } from 'vitest'
import { getJson, postForm, postJson, type ApiResult } from './support/http'
import { messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import * as T from './support/texts'

// `amount` is a number (`type: number`, `format: float`): the same number is the same payment
// whether it comes in a JSON body, a form or a query, and the message states it in euros and cents.
const sb = sandboxForAllTests()

type Send = (amount: string) => Promise<ApiResult>

const start = (amount: string | number) => ({
  ...sb.creds,
  number: uniqueNumber(),
  payee: 'Acme Shop',
  amount,
  lg: 'en-gb',
})
const ways: [string, Send][] = [
  ['a JSON number', (a) => postJson(sb.base, '/verify/psd2/json', start(JSON.parse(a) as number))],
  ['a JSON string', (a) => postJson(sb.base, '/verify/psd2/json', start(a))],
  ['a form', (a) => postForm(sb.base, '/verify/psd2/json', start(a))],
  ['a query', (a) => getJson(sb.base, '/verify/psd2/json', start(a))],
]

async function smsOf(res: ApiResult): Promise<string> {
  expect(res.body.status, JSON.stringify(res.body)).toBe('0')
  const [sms] = await messages(sb.base, res.body.request_id as string)
  return sms?.text ?? ''
}

describe.each(ways)('a PSD2 amount sent as %s', (_, send) => {
  it('1e3 is a thousand euros', async () => {
    expect(await smsOf(await send('1e3'))).toContain('the payment of 1000.00 EUR to Acme Shop')
  })

  it('12.345 is the payment rounded to the cent, 12.35', async () => {
    expect(await smsOf(await send('12.345'))).toContain('the payment of 12.35 EUR to Acme Shop')
  })

  it('48 and 48.0 are 48.00, as the spec writes its example', async () => {
    expect(await smsOf(await send('48'))).toContain('the payment of 48.00 EUR to Acme Shop')
    expect(await smsOf(await send('48.0'))).toContain('the payment of 48.00 EUR to Acme Shop')
  })

  it('an amount under half a cent is refused', async () => {
    expect((await send('0.004')).body).toEqual({
      status: '3',
      error_text: T.invalid('amount'),
    })
  })
})
