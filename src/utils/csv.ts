/**
 * CSV in the RFC 4180 way: comma separated, CRLF line ends, a field is quoted when it holds a comma,
 * a quote, a line break or leading/trailing spaces, and quotes inside are doubled.
 */

export type CsvValue = string | number | boolean | null | undefined

export interface CsvOptions {
  /**
   * Prefix a `'` to text fields a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
   * first), so an exported file cannot execute anything when opened.
   * @default true
   */
  guardFormulas?: boolean
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/
const FORMULA_START = /^[=+\-@\t\r]/

/** One field, escaped. */
function csvField(value: CsvValue, options: CsvOptions = {}): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && (options.guardFormulas ?? true) && FORMULA_START.test(text)) {
    text = `'${text}`
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole document: a header row, then one row per record. */
export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
  options: CsvOptions = {},
): string {
  const lines = [header.map((h) => csvField(h, options)).join(',')]
  for (const row of rows) lines.push(row.map((v) => csvField(v, options)).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** The media type of a CSV download: UTF-8, said in the type too. */
export const CSV_TYPE = 'text/csv;charset=utf-8'
/** The UTF-8 byte order mark: how Excel tells a UTF-8 file from one in the system's code page. */
const UTF8_BOM = '\uFEFF'

/**
 * A CSV document as a file to download: UTF-8 with a byte order mark, so a spreadsheet shows
 * "Café 🚀 日本" as written rather than guessing a legacy code page (other readers skip the mark).
 */
export function csvBlob(csv: string): Blob {
  return new Blob([UTF8_BOM, csv], { type: CSV_TYPE })
}
