import { describe, expect, it } from 'vitest'
import { formatMoney } from '@/utils/money'

describe('formatMoney', () => {
  it('shows an API price in the currency style of the locale, cents at least', () => {
    expect(formatMoney('0.05000000', 'EUR', 'en-GB')).toEqual({
      text: '€0.05',
      raw: '0.05000000 EUR',
    })
    expect(formatMoney('0.05000000', 'EUR', 'de-DE')?.text).toBe('0,05\u00a0€')
    expect(formatMoney('0', 'EUR', 'en-GB')?.text).toBe('€0.00')
    expect(formatMoney(1234.5, 'EUR', 'en-GB')?.text).toBe('€1,234.50')
  })

  it('never rounds a price of a fraction of a cent away', () => {
    expect(formatMoney('0.03330000', 'EUR', 'en-GB')?.text).toBe('€0.0333')
    expect(formatMoney('0.03300000', 'EUR', 'en-GB')?.text).toBe('€0.033')
    expect(formatMoney('0.00012345', 'USD', 'en-US')?.text).toBe('$0.00012345')
  })

  it('keeps what it cannot format as the API sent it', () => {
    expect(formatMoney('', 'EUR')).toBeNull()
    expect(formatMoney(undefined, 'EUR')).toBeNull()
    expect(formatMoney('n/a', 'EUR', 'en-GB')).toEqual({ text: 'n/a EUR', raw: 'n/a EUR' })
    expect(formatMoney('0.5', 'NOT-A-CODE', 'en-GB')).toEqual({
      text: '0.5 NOT-A-CODE',
      raw: '0.5 NOT-A-CODE',
    })
  })
})
