/** The parts of the access log line: its time, and the few answer fields it may show. */

let isoTime = Number.NaN
let isoText = ''
let isoSecond = -1
/** `2026-01-02T03:04:05.` of the current second. */
let isoPrefix = ''
/** `000Z` … `999Z`: the milliseconds part of a time. */
const ISO_MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`)
/** The current time as ISO 8601, fully formatted at most once per second. */
export function isoNow(): string {
  return isoAt(Date.now())
}

/** `new Date(now).toISOString()`, reusing the formatted second. Exported for its test. */
export function isoAt(now: number): string {
  if (now === isoTime) return isoText
  isoTime = now
  const second = Math.floor(now / 1000)
  if (second !== isoSecond) {
    isoSecond = second
    isoText = new Date(now).toISOString()
    // `YYYY-MM-DDTHH:mm:ss.`; other years (more digits, a sign) are formatted in full each time.
    isoPrefix = isoText.length === 24 ? isoText.slice(0, 20) : ''
    return isoText
  }
  const millis = ISO_MILLIS[now - second * 1000]
  isoText = isoPrefix && millis ? isoPrefix + millis : new Date(now).toISOString()
  return isoText
}

/** A search answer's checks, each with its own `<status>`: not the answer's status. */
const XML_CHECKS = /<checks>[\s\S]*?<\/checks>/g
const XML_STATUS = /<status>\s*([^<]{1,20}?)\s*<\/status>/
const XML_REQUEST_ID = /<request_id>\s*([A-Za-z0-9_-]{1,64})\s*<\/request_id>/

/**
 * The `status` and `request_id` of an XML answer, for the log line: only these two elements,
 * read with bounded patterns. An answer about several requests (`<verification_requests>`) has
 * no single status, like its JSON form.
 */
export function readXmlFields(text: string): { status?: string; requestId?: string } {
  if (text.includes('<verification_requests')) return {}
  const outer = text.includes('<checks>') ? text.replace(XML_CHECKS, '') : text
  return {
    status: XML_STATUS.exec(outer)?.[1],
    requestId: XML_REQUEST_ID.exec(outer)?.[1],
  }
}

export function safeRequestId(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const text = String(value)
  return /^[A-Za-z0-9_-]{1,64}$/.test(text) ? text : undefined
}

/** Methods the HTTP parser accepts that are already safe for the log line. */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export function safeToken(value: string): string {
  if (PLAIN_METHODS.has(value)) return value
  return value.replace(/[^A-Za-z]/g, '').slice(0, 10) || '-'
}

/** Printable ASCII but `"` and `\`: what JSON.stringify quotes unchanged. */
const PLAIN_VALUE = /^[ !#-[\]-~]*$/

/**
 * A value from an answer, quoted for the log line: JSON escapes the C0 controls; the C1 controls,
 * DEL and the line and paragraph separators are escaped too, so no answer can forge or colour a line.
 */
export function quotedLogValue(value: string): string {
  // The usual value (`0`, `10`): nothing to escape, so no JSON.stringify and no second pass.
  if (PLAIN_VALUE.test(value)) return `"${value}"`
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
