import { describe, expect, it } from 'vitest'
import { postForm } from './support/http'
import { messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import * as T from './support/texts'

// PSD2 takes no pin_code (the reference's §2.5): the sandbox ignores one sent anyway, on an account
// without custom PINs as on one with them, and sends a PIN of its own making.
const sb = sandboxForAllTests({ accounts: 'plain:plain-secret,custom:custom-secret:pin_code' })

const PIN_CODE = 'ABCD1234'

async function psd2WithPinCode(api_key: string, api_secret: string) {
  const number = uniqueNumber()
  const started = await postForm(sb.base, '/verify/psd2/json', {
    api_key,
    api_secret,
    number,
    payee: 'Acme Shop',
    amount: '10.00',
    pin_code: PIN_CODE,
  })
  return { started: started.body, number }
}

describe('a PSD2 start with a pin_code', () => {
  it('starts on an account without custom PINs and sends a generated PIN', async () => {
    const { started } = await psd2WithPinCode('plain', 'plain-secret')
    expect(started).toMatchObject({ status: '0', request_id: expect.any(String) })
    const [sent] = await messages(sb.base, String(started.request_id))
    expect(sent?.pin).toMatch(/^\d{4}$/)
    expect(sent?.text).not.toContain(PIN_CODE)
  })

  it('sends a generated PIN, not the pin_code, on an account with custom PINs', async () => {
    const { started } = await psd2WithPinCode('custom', 'custom-secret')
    expect(started.status).toBe('0')
    const [sent] = await messages(sb.base, String(started.request_id))
    expect(sent?.pin).toMatch(/^\d{4}$/)
  })

  it('is unlike a standard start, which the account without custom PINs refuses with 20', async () => {
    const standard = await postForm(sb.base, '/verify/json', {
      api_key: 'plain',
      api_secret: 'plain-secret',
      number: uniqueNumber(),
      brand: 'Acme',
      pin_code: PIN_CODE,
    })
    expect(standard.body).toEqual({ status: '20', error_text: T.PIN_CODE_NOT_ALLOWED })
  })
})
