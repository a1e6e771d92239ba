/**
 * The sandbox price list (EUR), by number prefix: the longest matching prefix wins, `''` is the
 * default. `price` is charged when a verification succeeds; `sms` and `tts` are the estimated cost of
 * each message or call sent (`estimated_price_messages_sent` is their sum).
 */
export interface PriceEntry {
  prefix: string
  country: string
  price: string
  sms: string
  tts: string
}

export const SANDBOX_CURRENCY = 'EUR'

export const SANDBOX_PRICES: readonly PriceEntry[] = [
  { prefix: '1', country: 'US/CA', price: '0.05000000', sms: '0.00750000', tts: '0.01300000' },
  { prefix: '44', country: 'GB', price: '0.05000000', sms: '0.03300000', tts: '0.02200000' },
  { prefix: '49', country: 'DE', price: '0.05000000', sms: '0.07500000', tts: '0.03000000' },
  { prefix: '33', country: 'FR', price: '0.05000000', sms: '0.06200000', tts: '0.02800000' },
  { prefix: '34', country: 'ES', price: '0.05000000', sms: '0.06500000', tts: '0.02500000' },
  { prefix: '39', country: 'IT', price: '0.05000000', sms: '0.06800000', tts: '0.02900000' },
  { prefix: '31', country: 'NL', price: '0.05000000', sms: '0.08200000', tts: '0.03100000' },
  { prefix: '351', country: 'PT', price: '0.05000000', sms: '0.03500000', tts: '0.02400000' },
  { prefix: '91', country: 'IN', price: '0.05000000', sms: '0.00500000', tts: '0.01000000' },
  { prefix: '', country: 'other', price: '0.10000000', sms: '0.03330000', tts: '0.03330000' },
]

/** The price entry of an international number (digits, no `+`). */
export function priceFor(number: string): PriceEntry {
  let best: PriceEntry | undefined
  for (const entry of SANDBOX_PRICES) {
    if (number.startsWith(entry.prefix) && (!best || entry.prefix.length > best.prefix.length)) {
      best = entry
    }
  }
  return best ?? (SANDBOX_PRICES[SANDBOX_PRICES.length - 1] as PriceEntry)
}

/** A price as the API writes it: eight decimals. */
export function formatPrice(value: number): string {
  return value.toFixed(8)
}
