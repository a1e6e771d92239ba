import { describe, expect, it } from 'vitest'
import { isSupportedCountry } from 'libphonenumber-js/min'
import {
  COUNTRY_LANGUAGES,
  PSD2_LANGUAGES,
  REQUEST_LANGUAGES,
  numberLanguage,
} from '@contract/index'
import { languageOfNumber } from '../../../server/sandbox/numbers'
import { CREDS, fakeEngine } from './support'

const PSD2 = { payee: 'Shop', amount: '48.00' }

describe('the language of a number, for a start without lg', () => {
  const request: [string, string, string][] = [
    ['France', '33612345678', 'fr-fr'],
    ['Germany', '4915123456789', 'de-de'],
    ['the United Kingdom', '447700900000', 'en-gb'],
    ['the United States', '12125550123', 'en-us'],
    ['Spain', '34612345678', 'es-es'],
    ['Mexico', '5215512345678', 'es-mx'],
    ['Japan', '819012345678', 'ja-jp'],
    ['Brazil', '5511912345678', 'pt-br'],
    ['Portugal', '351912345678', 'pt-pt'],
    ['Italy', '390612345678', 'it-it'],
    ['the Netherlands', '3197012345678', 'nl-nl'],
    ['Ireland', '353851234567', 'en-gb'],
    // Calling code 1 is shared: the numbering plan tells the country.
    ['Puerto Rico (calling code 1)', '17875551234', 'es-us'],
    ['Canada (English and French: the schema default)', '16135550123', 'en-us'],
    // Calling code 358 is shared by Finland and Åland (Swedish-speaking).
    ['Finland', '358401234567', 'fi-fi'],
    ['Åland (calling code 358)', '35818123456', 'sv-se'],
    ['Belgium (Dutch and French: the schema default)', '32470123456', 'en-us'],
    ['a non-geographic number (800)', '80012345678', 'en-us'],
  ]
  it.each(request)('a request to %s (%s) is in %s', (_, number, lg) => {
    expect(languageOfNumber(number, 'request')).toBe(lg)
  })

  const psd2: [string, string, string][] = [
    ['France', '33612345678', 'fr-fr'],
    ['Germany', '4915123456789', 'de-de'],
    ['the United Kingdom', '447700900000', 'en-gb'],
    // No Portuguese, no Latin American Spanish, no US English in the PSD2 list.
    ['Portugal', '351912345678', 'en-gb'],
    ['Mexico', '5215512345678', 'es-es'],
    ['the United States', '12125550123', 'en-gb'],
    ['Slovakia', '421912123456', 'sk-sk'],
    ['Estonia', '3725123456', 'ee-et'],
  ]
  it.each(psd2)('a PSD2 start to %s (%s) is in %s', (_, number, lg) => {
    expect(languageOfNumber(number, 'psd2')).toBe(lg)
  })

  it('tells the countries of calling code 1 apart whatever came before', () => {
    const numbers = ['17875551234', '12125550123', '17875550199', '16135550123', '12125550188']
    expect(numbers.map((n) => languageOfNumber(n, 'request'))).toEqual([
      'es-us',
      'en-us',
      'es-us',
      'en-us',
      'en-us',
    ])
    expect(numbers.map((n) => languageOfNumber(n, 'psd2'))).toEqual([
      'es-es',
      'en-gb',
      'es-es',
      'en-gb',
      'en-gb',
    ])
  })

  it('names only countries of the numbering plan and languages of one of the two lists', () => {
    const accepted = new Set<string>([...REQUEST_LANGUAGES, ...PSD2_LANGUAGES])
    for (const [country, languages] of Object.entries(COUNTRY_LANGUAGES)) {
      expect(isSupportedCountry(country), country).toBe(true)
      expect(languages.length, country).toBeGreaterThan(0)
      for (const lg of languages) expect(accepted.has(lg), `${country} ${lg}`).toBe(true)
    }
  })

  it('falls back to the schema default for an unknown or absent country', () => {
    expect(numberLanguage(undefined, 'request')).toBe('en-us')
    expect(numberLanguage('ZZ', 'request')).toBe('en-us')
    expect(numberLanguage(undefined, 'psd2')).toBe('en-gb')
    expect(numberLanguage('fr', 'request')).toBe('fr-fr')
  })
})

describe('a sandbox start without lg', () => {
  it('writes the message in the language of the number, and says so on the handset', () => {
    const sandbox = fakeEngine()
    const id = sandbox.start({ number: '33612345678', brand: 'Acme' })
    expect(sandbox.engine.getRequest(id)?.lg).toBe('fr-fr')
    const [sms] = sandbox.messages(id)
    expect(sms).toMatchObject({
      lg: 'fr-fr',
      language: 'fr',
      text: `Votre code PIN Acme est : ${sandbox.pin(id)}. Valable 5 minutes.`,
    })
    const record = sandbox.engine.getRequest(id)
    expect(record && sandbox.engine.adminView(record).lg).toBe('fr-fr')
  })

  it('reads the country of a national number sent with country', () => {
    const sandbox = fakeEngine()
    const id = sandbox.start({ number: '0612345678', country: 'FR' })
    expect(sandbox.messages(id)[0]).toMatchObject({ lg: 'fr-fr', language: 'fr' })
  })

  it('treats an empty lg as no lg', () => {
    const sandbox = fakeEngine()
    const id = sandbox.start({ number: '4915123456789', lg: '' })
    expect(sandbox.messages(id)[0]).toMatchObject({ lg: 'de-de', language: 'de' })
  })

  it('keeps an lg that is sent, whatever the number', () => {
    const sandbox = fakeEngine()
    const id = sandbox.start({ number: '33612345678', lg: 'en-us' })
    expect(sandbox.messages(id)[0]).toMatchObject({ lg: 'en-us', language: 'en' })
    expect(sandbox.messages(id)[0]?.text).toMatch(/^Your Acme PIN is: /)
  })

  it('picks from the PSD2 list on a PSD2 start', () => {
    const sandbox = fakeEngine()
    const body = sandbox.call('psd2', { ...PSD2, number: '351912345678' }, CREDS)
    expect(body.status).toBe('0')
    const fr = sandbox.call('psd2', { ...PSD2, number: '33612345678' }, CREDS)
    expect(sandbox.messages(body.request_id as string)[0]).toMatchObject({ lg: 'en-gb' })
    expect(sandbox.messages(fr.request_id as string)[0]).toMatchObject({
      lg: 'fr-fr',
      language: 'fr',
    })
  })
})
