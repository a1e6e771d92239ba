/** Reading pasted request_ids: any separators, 32 hexadecimal characters each, no duplicates. */

export interface ParsedRequestIds {
  /** Valid ids, lower-case, first occurrence order, no duplicates. */
  ids: string[]
  /** Pieces that are not request_ids, as typed. */
  invalid: string[]
  /** How many repeated ids were dropped. */
  duplicates: number
}

const ID = /^[0-9a-f]{32}$/

/** Splits on anything that is not a letter or digit (spaces, commas, new lines, quotes…). */
export function parseRequestIds(text: string): ParsedRequestIds {
  const seen = new Set<string>()
  const invalid: string[] = []
  let duplicates = 0
  for (const piece of text.split(/[^0-9a-zA-Z]+/)) {
    if (!piece) continue
    const id = piece.toLowerCase()
    if (!ID.test(id)) invalid.push(piece)
    else if (seen.has(id)) duplicates++
    else seen.add(id)
  }
  return { ids: [...seen], invalid, duplicates }
}

/** Splits a list into batches of at most `size` (search takes ten ids per call). */
export function batches<T>(items: readonly T[], size = 10): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
