/**
 * A status 2 about the credentials ("Missing api_key", or the API's text for a missing api_secret:
 * what Vonage answered to a Basic-only call in 2023) is no parameter the person using the dashboard
 * can fill in: it says the server's credentials did not reach the API and what whoever runs the
 * server can do. A status 2 naming a parameter keeps its "fill in" advice.
 */
import { describe, expect, it } from 'vitest'
import { ERROR_TEXTS, statusInfo } from '@contract/status'
import type { VerifyEndpoint } from '@contract/types'

const ENDPOINTS: VerifyEndpoint[] = ['request', 'psd2', 'check', 'search', 'control']
const CREDENTIAL_TEXTS = [ERROR_TEXTS.missingApiKey, ERROR_TEXTS.missingApiSecret]

describe('statusInfo: status 2 about the credentials', () => {
  it.each(CREDENTIAL_TEXTS)('"%s" says the server\'s credentials did not arrive', (text) => {
    for (const endpoint of ENDPOINTS) {
      const info = statusInfo('2', endpoint, { errorText: text })
      expect(info.title, endpoint).toBe('Credentials not received')
      expect(info.meaning, endpoint).toBe(
        "The API did not receive this server's API key and secret for this environment: the call was refused before anything was done.",
      )
      expect(info.nextStep, endpoint).toContain('VONAGE_AUTH=params')
      expect(info.nextStep, endpoint).not.toContain('Fill in')
      expect(info.retryable, endpoint).toBe(false)
    }
  })

  it("reads a start's answer text, and a control call's with its command", () => {
    const start = statusInfo('2', 'request', {
      answer: { error_text: ERROR_TEXTS.missingApiSecret },
    })
    expect(start.title).toBe('Credentials not received')
    const cancel = statusInfo('2', 'control', {
      cmd: 'cancel',
      errorText: ERROR_TEXTS.missingApiKey,
    })
    expect(cancel.title).toBe('Credentials not received')
  })

  it('keeps the fill-in advice for a missing parameter and when no text is known', () => {
    for (const info of [
      statusInfo('2', 'request', { answer: { error_text: ERROR_TEXTS.missingParam('brand') } }),
      statusInfo('2', 'check', { errorText: ERROR_TEXTS.missingParam('code') }),
      statusInfo('2', 'search'),
    ]) {
      expect(info.title).toBe('Missing parameter')
      expect(info.nextStep).toBe('Fill in the parameter named in the error text and send it again.')
    }
  })
})
