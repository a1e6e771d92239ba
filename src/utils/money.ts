/**
 * Money as the API sends it (`"0.03330000"`, `"EUR"`), shown in the browser's locale. Prices keep
 * up to eight decimals, as the API does, so a price of 0.0333 is never rounded to a misleading 0.03;
 * trailing zeros beyond the cents are dropped.
 */
export interface FormattedMoney {
  /** For people: `€0.0333`, `0,05 €`. */
  text: string
  /** As the API sent it, to compare with an invoice: `0.03330000 EUR`. */
  raw: string
}

/** Formats `value` (a decimal string) in `currency` (ISO 4217); null when there is no value. */
export function formatMoney(
  value: string | number | null | undefined,
  currency: string | null | undefined,
  locale?: string | string[],
): FormattedMoney | null {
  if (value === null || value === undefined || String(value).trim() === '') return null
  const raw = `${String(value).trim()}${currency ? ` ${currency}` : ''}`
  const amount = Number(value)
  if (!Number.isFinite(amount)) return { text: raw, raw }
  try {
    const format = currency
      ? new Intl.NumberFormat(locale, {
          style: 'currency',
          currency,
          minimumFractionDigits: 2,
          maximumFractionDigits: 8,
        })
      : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 8 })
    return { text: format.format(amount), raw }
  } catch {
    // Not a currency code Intl knows: shown as sent.
    return { text: raw, raw }
  }
}
