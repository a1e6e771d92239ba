/**
 * The virtual handset: every SMS and voice call the sandbox "makes", with the text a phone would show
 * (SMS) or the transcript of the call (TTS, digits spelled out). Texts exist in English, German,
 * French, Spanish, Italian, Portuguese and Dutch; other languages get English with their `lg` kept.
 */
import type { EventType, HandsetMessage } from '../../contract/index.ts'
import { euroAmount, normalizeNumber } from '../../contract/index.ts'

export type Language = 'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl'

/**
 * The punctuation a custom PIN most often holds (`AKFG-3424`), in the order of each language's
 * `symbols` words: a call says the word, not the sign.
 */
const SYMBOLS = ['-', '_', '.', ',', ':', '/', '#', '*', '+', '=', '@', '&'] as const

function symbols(words: readonly string[]): ReadonlyMap<string, string> {
  return new Map(SYMBOLS.map((symbol, i) => [symbol, words[i] as string]))
}

interface Phrases {
  digits: readonly string[]
  /** The words a call says for the punctuation of a custom PIN (`-`: "dash"). */
  symbols: ReadonlyMap<string, string>
  /** The decimal separator of an amount (`.` in English, `,` in the other languages). */
  decimal: string
  seconds: string
  /** One minute (`pin_expiry` 60 s). */
  minute: string
  minutes: string
  sms: (v: TextVars) => string
  psd2Sms: (v: TextVars) => string
  tts: (v: TextVars) => string
  psd2Tts: (v: TextVars) => string
}

export interface TextVars {
  brand: string
  pin: string
  /** Validity already formatted ("5 minutes"). */
  validity: string
  payee: string
  /** The amount as the language writes it (`12.50`, `12,50` in German). */
  amount: string
  /** The amount as a number (for the plural of "euro"). */
  euros: number
  /** The PIN spelled out ("one, two, three, four"). */
  spoken: string
}

const PHRASES: Readonly<Record<Language, Phrases>> = {
  en: {
    digits: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    symbols: symbols([
      'dash',
      'underscore',
      'dot',
      'comma',
      'colon',
      'slash',
      'hash',
      'star',
      'plus',
      'equals',
      'at',
      'ampersand',
    ]),
    decimal: '.',
    seconds: 'seconds',
    minute: 'minute',
    minutes: 'minutes',
    sms: (v) => `Your ${v.brand} PIN is: ${v.pin}. Valid for ${v.validity}.`,
    psd2Sms: (v) =>
      `Your code to confirm the payment of ${v.amount} EUR to ${v.payee} is: ${v.pin}. Valid for ${v.validity}.`,
    tts: (v) => `Hello. Your ${v.brand} PIN is: ${v.spoken}. I repeat: ${v.spoken}. Goodbye.`,
    psd2Tts: (v) =>
      `Hello. Your code to confirm the payment of ${v.amount} ${v.euros === 1 ? 'euro' : 'euros'} to ${v.payee} is: ${v.spoken}. I repeat: ${v.spoken}. Goodbye.`,
  },
  de: {
    digits: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'],
    symbols: symbols([
      'Bindestrich',
      'Unterstrich',
      'Punkt',
      'Komma',
      'Doppelpunkt',
      'Schrägstrich',
      'Raute',
      'Stern',
      'plus',
      'gleich',
      'at',
      'und',
    ]),
    decimal: ',',
    seconds: 'Sekunden',
    minute: 'Minute',
    minutes: 'Minuten',
    sms: (v) => `Ihre ${v.brand} PIN lautet: ${v.pin}. Gültig für ${v.validity}.`,
    psd2Sms: (v) =>
      `Ihr Code zur Bestätigung der Zahlung von ${v.amount} EUR an ${v.payee} lautet: ${v.pin}. Gültig für ${v.validity}.`,
    tts: (v) =>
      `Hallo. Ihre ${v.brand} PIN lautet: ${v.spoken}. Ich wiederhole: ${v.spoken}. Auf Wiederhören.`,
    psd2Tts: (v) =>
      `Hallo. Ihr Code zur Bestätigung der Zahlung von ${v.amount} Euro an ${v.payee} lautet: ${v.spoken}. Ich wiederhole: ${v.spoken}. Auf Wiederhören.`,
  },
  fr: {
    digits: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
    symbols: symbols([
      'tiret',
      'tiret bas',
      'point',
      'virgule',
      'deux-points',
      'barre oblique',
      'dièse',
      'étoile',
      'plus',
      'égal',
      'arobase',
      'esperluette',
    ]),
    decimal: ',',
    seconds: 'secondes',
    minute: 'minute',
    minutes: 'minutes',
    sms: (v) => `Votre code PIN ${v.brand} est : ${v.pin}. Valable ${v.validity}.`,
    psd2Sms: (v) =>
      `Votre code pour confirmer le paiement de ${v.amount} EUR à ${v.payee} est : ${v.pin}. Valable ${v.validity}.`,
    tts: (v) =>
      `Bonjour. Votre code PIN ${v.brand} est : ${v.spoken}. Je répète : ${v.spoken}. Au revoir.`,
    psd2Tts: (v) =>
      `Bonjour. Votre code pour confirmer le paiement de ${v.amount} ${v.euros < 2 ? 'euro' : 'euros'} à ${v.payee} est : ${v.spoken}. Je répète : ${v.spoken}. Au revoir.`,
  },
  es: {
    digits: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
    symbols: symbols([
      'guion',
      'guion bajo',
      'punto',
      'coma',
      'dos puntos',
      'barra',
      'almohadilla',
      'asterisco',
      'más',
      'igual',
      'arroba',
      'et',
    ]),
    decimal: ',',
    seconds: 'segundos',
    minute: 'minuto',
    minutes: 'minutos',
    sms: (v) => `Su PIN de ${v.brand} es: ${v.pin}. Válido durante ${v.validity}.`,
    psd2Sms: (v) =>
      `Su código para confirmar el pago de ${v.amount} EUR a ${v.payee} es: ${v.pin}. Válido durante ${v.validity}.`,
    tts: (v) => `Hola. Su PIN de ${v.brand} es: ${v.spoken}. Repito: ${v.spoken}. Adiós.`,
    psd2Tts: (v) =>
      `Hola. Su código para confirmar el pago de ${v.amount} ${v.euros === 1 ? 'euro' : 'euros'} a ${v.payee} es: ${v.spoken}. Repito: ${v.spoken}. Adiós.`,
  },
  it: {
    digits: ['zero', 'uno', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove'],
    symbols: symbols([
      'trattino',
      'trattino basso',
      'punto',
      'virgola',
      'due punti',
      'barra',
      'cancelletto',
      'asterisco',
      'più',
      'uguale',
      'chiocciola',
      'e commerciale',
    ]),
    decimal: ',',
    seconds: 'secondi',
    minute: 'minuto',
    minutes: 'minuti',
    sms: (v) => `Il tuo PIN ${v.brand} è: ${v.pin}. Valido per ${v.validity}.`,
    psd2Sms: (v) =>
      `Il codice per confermare il pagamento di ${v.amount} EUR a ${v.payee} è: ${v.pin}. Valido per ${v.validity}.`,
    tts: (v) => `Salve. Il tuo PIN ${v.brand} è: ${v.spoken}. Ripeto: ${v.spoken}. Arrivederci.`,
    psd2Tts: (v) =>
      `Salve. Il codice per confermare il pagamento di ${v.amount} euro a ${v.payee} è: ${v.spoken}. Ripeto: ${v.spoken}. Arrivederci.`,
  },
  pt: {
    digits: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
    symbols: symbols([
      'hífen',
      'sublinhado',
      'ponto',
      'vírgula',
      'dois pontos',
      'barra',
      'cardinal',
      'asterisco',
      'mais',
      'igual',
      'arroba',
      'e comercial',
    ]),
    decimal: ',',
    seconds: 'segundos',
    minute: 'minuto',
    minutes: 'minutos',
    sms: (v) => `O seu PIN ${v.brand} é: ${v.pin}. Válido por ${v.validity}.`,
    psd2Sms: (v) =>
      `O seu código para confirmar o pagamento de ${v.amount} EUR a ${v.payee} é: ${v.pin}. Válido por ${v.validity}.`,
    tts: (v) => `Olá. O seu PIN ${v.brand} é: ${v.spoken}. Repito: ${v.spoken}. Adeus.`,
    psd2Tts: (v) =>
      `Olá. O seu código para confirmar o pagamento de ${v.amount} ${v.euros === 1 ? 'euro' : 'euros'} a ${v.payee} é: ${v.spoken}. Repito: ${v.spoken}. Adeus.`,
  },
  nl: {
    digits: ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'],
    symbols: symbols([
      'streepje',
      'liggend streepje',
      'punt',
      'komma',
      'dubbele punt',
      'schuine streep',
      'hekje',
      'sterretje',
      'plus',
      'is gelijk',
      'apenstaartje',
      'en-teken',
    ]),
    decimal: ',',
    seconds: 'seconden',
    minute: 'minuut',
    minutes: 'minuten',
    sms: (v) => `Uw ${v.brand} pincode is: ${v.pin}. Geldig gedurende ${v.validity}.`,
    psd2Sms: (v) =>
      `Uw code om de betaling van ${v.amount} EUR aan ${v.payee} te bevestigen is: ${v.pin}. Geldig gedurende ${v.validity}.`,
    tts: (v) => `Hallo. Uw ${v.brand} pincode is: ${v.spoken}. Ik herhaal: ${v.spoken}. Tot ziens.`,
    psd2Tts: (v) =>
      `Hallo. Uw code om de betaling van ${v.amount} euro aan ${v.payee} te bevestigen is: ${v.spoken}. Ik herhaal: ${v.spoken}. Tot ziens.`,
  },
}

/** The language a text is written in for an `lg` (English when there is no translation). */
export function languageFor(lg: string): Language {
  const prefix = lg.toLowerCase().split('-')[0] as Language
  return prefix in PHRASES ? prefix : 'en'
}

/**
 * A PIN spelled out character by character ("one, two, three, four"): digits as words, the
 * punctuation of a custom PIN as words too (`AKFG-3424` is "A, K, F, G, dash, three, …"; German
 * says "Bindestrich"), letters and any other character as they are, case kept, since a check
 * compares the code exactly.
 */
export function spellPin(pin: string, language: Language): string {
  const { digits, symbols } = PHRASES[language]
  return [...pin]
    .filter((c) => !/\s/u.test(c))
    .map((c) => (c >= '0' && c <= '9' ? (digits[Number(c)] as string) : (symbols.get(c) ?? c)))
    .join(', ')
}

function validity(seconds: number, language: Language): string {
  const p = PHRASES[language]
  if (seconds === 60) return `1 ${p.minute}`
  return seconds % 60 === 0 ? `${seconds / 60} ${p.minutes}` : `${seconds} ${p.seconds}`
}

/**
 * An amount as a language writes it: the payment in euros and cents (`euroAmount`: `12.5` is
 * `12.50`, `12.345` is `12.35`), with that language's decimal separator (`12,50` in German,
 * French, Spanish, Italian, Portuguese and Dutch), the currency after it as the texts have it, no
 * grouping. The reference gives no PSD2 message text, so this follows how each language writes a
 * sum of money. An amount that is no payment (none is kept) is written as it is.
 */
export function writtenAmount(amount: string, decimal: string): string {
  const money = euroAmount(amount) ?? amount
  return decimal === '.' ? money : money.replace('.', decimal)
}

export interface MessageInput {
  psd2: boolean
  channel: EventType
  brand: string
  payee: string
  amount: string
  pin: string
  lg: string
  /**
   * The validity the text states, in seconds: how long the PIN can really be used from this
   * message on (its `pin_expiry` when nothing cuts it short; see `Handset`'s `validFor`).
   */
  pinExpiry: number
}

/** The text of one SMS or the transcript of one call, and the language it is in. */
export function messageText(input: MessageInput): { text: string; language: Language } {
  const language = languageFor(input.lg)
  const p = PHRASES[language]
  const vars: TextVars = {
    brand: input.brand,
    pin: input.pin,
    validity: validity(input.pinExpiry, language),
    payee: input.payee,
    amount: writtenAmount(input.amount, p.decimal),
    euros: Number(euroAmount(input.amount) ?? input.amount),
    spoken: spellPin(input.pin, language),
  }
  const text =
    input.channel === 'sms'
      ? input.psd2
        ? p.psd2Sms(vars)
        : p.sms(vars)
      : input.psd2
        ? p.psd2Tts(vars)
        : p.tts(vars)
  return { text, language }
}

/** What the handset needs to know about a request to write its messages. */
export interface MessageSource {
  id: string
  accountId: string
  number: string
  psd2: boolean
  brand: string
  payee: string
  amount: string
  senderId: string
  lg: string
  pinExpiry: number
}

/** One message or call as kept in memory: the event itself (text is written when read). */
export interface SentEvent {
  id: string
  /** The request's id. */
  rid: string
  type: EventType
  at: number
  pin: string
}

/** A message as read from the handset; `at` is the clock time in ms. */
export interface StoredMessage {
  id: string
  requestId: string
  accountId: string
  number: string
  channel: EventType
  sender: string
  text: string
  pin: string
  lg: string
  language: Language
  at: number
}

export interface MessageFilter {
  number?: string
  request_id?: string
  /** The account ids whose messages are kept (an admin `account` filter: `accountIdsFor`). */
  accounts?: ReadonlySet<string>
  channel?: string
  limit?: number
  offset?: number
}

/**
 * The handset's message log, oldest first in memory, newest first when listed. It keeps only
 * references to the requests' events (100,000 requests in progress must stay small) and writes the
 * texts when they are read.
 */
export class Handset<S extends MessageSource = MessageSource> {
  private events: SentEvent[] = []

  /**
   * `base` is added to event times (the engine keeps times relative to it); `validFor` gives the
   * seconds the PIN of a message can really be used from that message on, the validity its text
   * states (by default the request's `pin_expiry`).
   */
  constructor(
    private readonly resolve: (requestId: string) => S | undefined,
    private readonly base = 0,
    private readonly maxMessages = 200_000,
    private readonly validFor: (source: S, event: SentEvent) => number = (source) =>
      source.pinExpiry,
  ) {}

  /** Events whose request was forgotten, still in `events` until the next sweep. */
  private orphans = 0

  get size(): number {
    return this.events.length - this.orphans
  }

  /**
   * Notes that requests with `count` messages in all were forgotten: their messages are no longer
   * listed, and leave the log in one sweep once they are half of it (each sweep looks every
   * message's request up: about two look-ups per forgotten message).
   */
  forgot(count: number): void {
    this.orphans += count
    if (this.orphans > 0 && this.orphans * 2 >= this.events.length) this.sweep()
  }

  /** Drops the messages of forgotten requests from the log (in place: no second log). */
  private sweep(): void {
    const events = this.events
    let kept = 0
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as SentEvent
      if (this.resolve(e.rid) !== undefined) events[kept++] = e
    }
    events.length = kept
    this.orphans = 0
  }

  add(event: SentEvent): void {
    this.events.push(event)
    if (this.events.length > this.maxMessages * 1.1) {
      this.events.splice(0, this.events.length - this.maxMessages)
      if (this.orphans > 0) this.sweep()
    }
  }

  /** The full message of an event, or undefined when its request is gone. */
  materialise(event: SentEvent): StoredMessage | undefined {
    const source = this.resolve(event.rid)
    if (!source) return undefined
    const { text, language } = messageText({
      psd2: source.psd2,
      channel: event.type,
      brand: source.brand,
      payee: source.payee,
      amount: source.amount,
      pin: event.pin,
      lg: source.lg,
      pinExpiry: this.validFor(source, event),
    })
    return {
      id: event.id,
      requestId: event.rid,
      accountId: source.accountId,
      number: source.number,
      channel: event.type,
      sender: source.psd2 ? 'VERIFY' : source.senderId || 'VERIFY',
      text,
      pin: event.pin,
      lg: source.lg,
      language,
      at: event.at + this.base,
    }
  }

  /** Messages matching the filter, newest first. The number matches however it is written. */
  list(filter: MessageFilter = {}): { messages: StoredMessage[]; total: number } {
    const number = filter.number ? (normalizeNumber(filter.number) ?? filter.number) : undefined
    const offset = filter.offset ?? 0
    const limit = filter.limit ?? Number.MAX_SAFE_INTEGER
    const messages: StoredMessage[] = []
    let total = 0
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i] as SentEvent
      if (filter.request_id && e.rid !== filter.request_id) continue
      if (filter.channel && e.type !== filter.channel) continue
      if (number || filter.accounts || this.orphans > 0) {
        const source = this.resolve(e.rid)
        if (!source) continue
        if (number && source.number !== number) continue
        if (filter.accounts && !filter.accounts.has(source.accountId)) continue
      }
      total++
      if (total > offset && messages.length < limit) {
        const message = this.materialise(e)
        if (message) messages.push(message)
      }
    }
    return { messages, total }
  }

  /** Replaces the log (after a restore), ordered by time. */
  rebuild(events: SentEvent[]): void {
    this.events = events
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
      .map(({ e }) => e)
      .slice(-this.maxMessages)
    this.orphans = 0
  }

  clear(): void {
    this.events = []
    this.orphans = 0
  }
}

/** The admin/wire view of a stored message. */
export function messageView(m: StoredMessage): HandsetMessage {
  return {
    id: m.id,
    request_id: m.requestId,
    account_id: m.accountId,
    event_id: m.id,
    number: m.number,
    channel: m.channel,
    sender: m.sender,
    text: m.text,
    pin: m.pin,
    lg: m.lg,
    language: m.language,
    sent_at: new Date(m.at).toISOString(),
  }
}
