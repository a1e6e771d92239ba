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
/** Ids inside a piece, between non-alphanumerics: `"0123…"`, `request_id=0123…`. */
const ID_INSIDE = /(?:^|[^0-9a-z])([0-9a-f]{32})(?=$|[^0-9a-z])/g

/** The ids a piece holds: the piece itself, or the ids quoted or labelled in it. */
function idsIn(piece: string): string[] {
  const text = piece.toLowerCase()
  if (ID.test(text)) return [text]
  return [...text.matchAll(ID_INSIDE)].map((m) => m[1]!)
}

/**
 * Splits on white space, commas, semicolons and bars; a piece may wrap its id in quotes, brackets
 * or a label (`"0123…",`, `request_id=0123…`). Anything else is reported as typed, whole
 * (`not-an-id!!`, not `not`, `an`, `id`).
 */
export function parseRequestIds(text: string): ParsedRequestIds {
  const seen = new Set<string>()
  const invalid: string[] = []
  let duplicates = 0
  for (const piece of text.split(/[\s,;|]+/)) {
    if (!piece) continue
    const ids = idsIn(piece)
    if (ids.length === 0) invalid.push(piece)
    for (const id of ids) {
      if (seen.has(id)) duplicates++
      else seen.add(id)
    }
  }
  return { ids: [...seen], invalid, duplicates }
}

/** Splits a list into batches of at most `size` (search takes ten ids per call). */
export function batches<T>(items: readonly T[], size = 10): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
