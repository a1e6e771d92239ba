/**
 * How a Verify language code is named in the dashboard: `ar-xa · Arabic`, the code the API takes
 * and the language in the browser's own language. New verification and Settings share it, so a
 * language reads the same wherever it is chosen.
 */

/** Codes the API uses its own way (Intl would read `ee` as Ewe, `xa`/`cy` as regions). */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  'ar-xa': 'Arabic',
  'cy-cy': 'Welsh',
  'ee-et': 'Estonian',
}

let names: Intl.DisplayNames | null | undefined

function displayNames(): Intl.DisplayNames | null {
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(undefined, { type: 'language' })
    } catch {
      names = null
    }
  }
  return names
}

/** The language a code names (`ar-xa` → `Arabic`), or the code itself when none is known. */
export function languageName(code: string): string {
  const known = LANGUAGE_NAMES[code]
  if (known) return known
  try {
    return displayNames()?.of(code) ?? code
  } catch {
    return code
  }
}

/** A language as a list of choices shows it: `ar-xa · Arabic`. */
export function languageLabel(code: string): string {
  return `${code} · ${languageName(code)}`
}
