/** How a form refused on submit says what to correct (in its live region). */

export interface FieldError {
  /** The field's label, as the user sees it. */
  label: string
  error: string
}

/**
 * One field: its error (`Next calls: Enter a whole number of calls from 1 to 100.`). Several: how
 * many and which (`2 fields need attention: Brand, Polling interval.`); each field's own error is
 * its description, read when the focus reaches it.
 */
export function invalidSummary(fields: readonly FieldError[]): string {
  if (fields.length === 0) return ''
  if (fields.length === 1) return `${fields[0]!.label}: ${fields[0]!.error}`
  return `${fields.length} fields need attention: ${fields.map((f) => f.label).join(', ')}.`
}
