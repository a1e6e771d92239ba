import { describe, expect, it } from 'vitest'
import { languageFor, messageText, spellPin } from '../../../server/sandbox/handset'
import type { Language, MessageInput } from '../../../server/sandbox/handset'
import { fakeEngine } from './support'

const input = (over: Partial<MessageInput>): MessageInput => ({
  psd2: false,
  channel: 'sms',
  brand: 'Acme',
  payee: '',
  amount: '',
  pin: '1234',
  lg: 'en-us',
  pinExpiry: 300,
  ...over,
})

describe('handset texts', () => {
  const sms: [string, string][] = [
    ['en-gb', 'Your Acme PIN is: 1234. Valid for 5 minutes.'],
    ['de-de', 'Ihre Acme PIN lautet: 1234. Gültig für 5 Minuten.'],
    ['fr-fr', 'Votre code PIN Acme est : 1234. Valable 5 minutes.'],
    ['fr-ca', 'Votre code PIN Acme est : 1234. Valable 5 minutes.'],
    ['es-mx', 'Su PIN de Acme es: 1234. Válido durante 5 minutos.'],
    ['it-it', 'Il tuo PIN Acme è: 1234. Valido per 5 minuti.'],
    ['pt-br', 'O seu PIN Acme é: 1234. Válido por 5 minutos.'],
    ['nl-nl', 'Uw Acme pincode is: 1234. Geldig gedurende 5 minuten.'],
  ]
  it.each(sms)('SMS in %s', (lg, text) => {
    expect(messageText(input({ lg })).text).toBe(text)
  })

  const oneMinute: [string, string][] = [
    ['en-gb', 'Valid for 1 minute.'],
    ['de-de', 'Gültig für 1 Minute.'],
    ['fr-fr', 'Valable 1 minute.'],
    ['es-mx', 'Válido durante 1 minuto.'],
    ['it-it', 'Valido per 1 minuto.'],
    ['pt-br', 'Válido por 1 minuto.'],
    ['nl-nl', 'Geldig gedurende 1 minuut.'],
  ]
  it.each(oneMinute)('a PIN valid for 60 s says one minute, in the singular, in %s', (lg, end) => {
    expect(messageText(input({ lg, pinExpiry: 60 })).text).toMatch(new RegExp(`${end}$`))
    expect(messageText(input({ lg, pinExpiry: 120 })).text).not.toContain(' 1 minut')
  })

  it('a call spells the digits out in the language, twice', () => {
    expect(messageText(input({ channel: 'tts' })).text).toBe(
      'Hello. Your Acme PIN is: one, two, three, four. I repeat: one, two, three, four. Goodbye.',
    )
    expect(messageText(input({ channel: 'tts', lg: 'de-de', pin: '5090' })).text).toContain(
      'fünf, null, neun, null',
    )
  })

  it('a call reads every character of a custom PIN, case kept (a check compares it exactly)', () => {
    expect(spellPin('AB-12', 'fr')).toBe('A, B, tiret, un, deux')
    expect(spellPin('AKFG-3424', 'en')).toBe('A, K, F, G, dash, three, four, two, four')
    expect(spellPin('ak_Z', 'en')).toBe('a, k, underscore, Z')
    expect(messageText(input({ channel: 'tts', pin: 'AKFG-3424' })).text).toBe(
      'Hello. Your Acme PIN is: A, K, F, G, dash, three, four, two, four. I repeat: A, K, F, G, dash, three, four, two, four. Goodbye.',
    )
  })

  it.each([
    ['en', 'A, B, dash, one'],
    ['de', 'A, B, Bindestrich, eins'],
    ['fr', 'A, B, tiret, un'],
    ['es', 'A, B, guion, uno'],
    ['it', 'A, B, trattino, uno'],
    ['pt', 'A, B, hífen, um'],
    ['nl', 'A, B, streepje, een'],
  ] as const)('a call in %s says the hyphen of a custom PIN in words', (language, spoken) => {
    expect(spellPin('AB-1', language satisfies Language)).toBe(spoken)
  })

  it("a call says a custom PIN's other punctuation in words, and any other character as it is", () => {
    expect(spellPin('1.2,3:4/5#6*7+8=9@0&', 'en')).toBe(
      'one, dot, two, comma, three, colon, four, slash, five, hash, six, star, seven, plus, eight, equals, nine, at, zero, ampersand',
    )
    expect(spellPin('A.B_C', 'de')).toBe('A, Punkt, B, Unterstrich, C')
    // A character with no word (rare in a PIN) is read as it is, as a letter is.
    expect(spellPin('AB~12', 'en')).toBe('A, B, ~, one, two')
  })

  it('languages without a translation are written in English', () => {
    expect(languageFor('ja-jp')).toBe('en')
    const result = messageText(input({ lg: 'ja-jp' }))
    expect(result).toEqual({ text: 'Your Acme PIN is: 1234. Valid for 5 minutes.', language: 'en' })
  })

  it('PSD2 messages name the payee and the amount; odd expiries are shown in seconds', () => {
    const text = messageText(
      input({ psd2: true, payee: 'Shop', amount: '48.00', lg: 'en-gb', pinExpiry: 90 }),
    ).text
    expect(text).toBe(
      'Your code to confirm the payment of 48.00 EUR to Shop is: 1234. Valid for 90 seconds.',
    )
    expect(
      messageText(input({ psd2: true, payee: 'Shop', amount: '5', channel: 'tts' })).text,
    ).toContain('5.00 euros to Shop')
  })

  it('a call says one euro in the singular, in every language that inflects it', () => {
    const spoken = (amount: string, lg: string) =>
      messageText(input({ psd2: true, payee: 'Shop', amount, lg, channel: 'tts' })).text
    expect(spoken('1', 'en-gb')).toContain('payment of 1.00 euro to Shop')
    expect(spoken('1.00', 'en-gb')).toContain('payment of 1.00 euro to Shop')
    expect(spoken('1.5', 'en-gb')).toContain('payment of 1.50 euros to Shop')
    expect(spoken('1', 'es-es')).toContain('pago de 1,00 euro a Shop')
    expect(spoken('2', 'es-es')).toContain('pago de 2,00 euros a Shop')
    expect(spoken('1', 'pt-pt')).toContain('pagamento de 1,00 euro a Shop')
    expect(spoken('1.5', 'fr-fr')).toContain('paiement de 1,50 euro à Shop')
    expect(spoken('2', 'fr-fr')).toContain('paiement de 2,00 euros à Shop')
  })
})

describe('PSD2 amounts as each language writes them', () => {
  const psd2 = (lg: string, channel: 'sms' | 'tts', amount = '12.50') =>
    messageText(input({ psd2: true, payee: 'Shop', amount, lg, channel, pinExpiry: 300 })).text

  it('German writes a decimal comma, the currency after the amount', () => {
    expect(psd2('de-de', 'sms')).toBe(
      'Ihr Code zur Bestätigung der Zahlung von 12,50 EUR an Shop lautet: 1234. Gültig für 5 Minuten.',
    )
    expect(psd2('de-de', 'tts')).toBe(
      'Hallo. Ihr Code zur Bestätigung der Zahlung von 12,50 Euro an Shop lautet: eins, zwei, drei, vier. Ich wiederhole: eins, zwei, drei, vier. Auf Wiederhören.',
    )
  })

  it('so do French, Spanish, Italian, Portuguese and Dutch; English keeps the point', () => {
    expect(psd2('fr-fr', 'sms')).toContain('paiement de 12,50 EUR à Shop')
    expect(psd2('es-es', 'sms')).toContain('pago de 12,50 EUR a Shop')
    expect(psd2('it-it', 'sms')).toContain('pagamento di 12,50 EUR a Shop')
    expect(psd2('pt-pt', 'tts')).toContain('pagamento de 12,50 euros a Shop')
    expect(psd2('nl-nl', 'sms')).toContain('betaling van 12,50 EUR aan Shop')
    expect(psd2('en-gb', 'sms')).toContain('payment of 12.50 EUR to Shop')
  })

  it('writes euros and cents: rounded to the cent, no grouping, a whole amount with ,00', () => {
    expect(psd2('de-de', 'sms', '1234.567')).toContain('Zahlung von 1234,57 EUR an')
    expect(psd2('en-gb', 'sms', '12.345')).toContain('payment of 12.35 EUR to')
    expect(psd2('de-de', 'sms', '48')).toContain('Zahlung von 48,00 EUR an')
    expect(psd2('de-de', 'tts', '1.00')).toContain('Zahlung von 1,00 Euro an')
    expect(psd2('en-gb', 'tts', '1e3')).toContain('payment of 1000.00 euros to')
  })
})

describe('handset log', () => {
  it('records number, channel, sender, PIN, lg and request; newest first; filterable', () => {
    const s = fakeEngine()
    const a = s.start({ number: '447700900001', sender_id: 'ACME', lg: 'ko-kr', workflow_id: '5' })
    s.advance(10)
    const b = s.start({ number: '447700900002' })
    s.advance(110)
    const all = s.engine.handset.list()
    expect(all.messages.map((m) => [m.requestId, m.channel])).toEqual([
      [a, 'tts'],
      [b, 'sms'],
      [a, 'sms'],
    ])
    const first = all.messages[2]
    expect(first).toMatchObject({
      number: '447700900001',
      sender: 'ACME',
      lg: 'ko-kr',
      language: 'en',
      pin: s.pin(a),
    })
    expect(
      s.engine.handset.list({ number: '+44 7700 900002' }).messages.map((m) => m.requestId),
    ).toEqual([b])
    expect(s.engine.handset.list({ request_id: a }).total).toBe(2)
    expect(s.engine.handset.list({ channel: 'tts' }).total).toBe(1)
  })
})
