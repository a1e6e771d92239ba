import { describe, expect, it } from 'vitest'
import { postForm, type Params } from './support/http'
import { admin, listOf, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import * as T from './support/texts'

// An injected status 10 ("concurrent verifications") stands for a start that did begin. A start
// the sandbox refuses on its own (a missing parameter, wrong credentials) begins nothing, so it
// answers its own refusal, fault or not, exactly as it does without one.
const sb = sandboxForAllTests()

async function withInjected10(path: string, params: Params) {
  const real = await postForm(sb.base, path, params)
  await admin(sb.base, '/faults', {
    endpoint: path.includes('psd2') ? 'psd2' : 'request',
    status: '10',
  })
  const injected = await postForm(sb.base, path, params)
  // The fault was the call's: it is used up.
  const faultsLeft = listOf(await admin(sb.base, '/faults'), 'faults')
  return { real: real.body, injected: injected.body, faultsLeft }
}

async function requestsTo(number: string) {
  return listOf(await admin(sb.base, `/requests?number=${number}`), 'requests')
}

describe('an injected 10 on a start the sandbox refuses on its own', () => {
  it('answers status 2 to a start without a brand, and starts nothing', async () => {
    const number = uniqueNumber()
    const { real, injected, faultsLeft } = await withInjected10('/verify/json', {
      ...sb.creds,
      number,
    })
    expect(injected).toEqual({ status: '2', error_text: T.missing('brand') })
    expect(injected).toEqual(real)
    expect(faultsLeft).toEqual([])
    expect(await requestsTo(number)).toEqual([])
  })

  it('answers status 4 to a start with wrong credentials, and starts nothing', async () => {
    const number = uniqueNumber()
    const params = { api_key: sb.key, api_secret: 'not-the-secret', number, brand: 'Acme' }
    const { real, injected, faultsLeft } = await withInjected10('/verify/json', params)
    expect(injected.status).toBe('4')
    expect(T.BAD_CREDENTIALS_REQUEST).toContain(injected.error_text)
    expect(injected).toEqual(real)
    expect(faultsLeft).toEqual([])
    expect(await requestsTo(number)).toEqual([])
  })

  it('answers status 2 to a PSD2 start without a payee, and starts nothing', async () => {
    const number = uniqueNumber()
    const params = { ...sb.creds, number, amount: '10' }
    const { real, injected, faultsLeft } = await withInjected10('/verify/psd2/json', params)
    expect(injected).toEqual({ status: '2', error_text: T.missing('payee') })
    expect(injected).toEqual(real)
    expect(faultsLeft).toEqual([])
    expect(await requestsTo(number)).toEqual([])
  })
})
