/**
 * Compression of the JSON and XML answers of `/api` and `/sandbox` in the production server (Vite
 * preview compresses only what passes its own middleware, after the plugin's): the `compression`
 * middleware (br or gzip as the client accepts, 1 KiB and up, `Vary: Accept-Encoding`), except for
 * an event stream, which must reach the browser as it happens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import compression from 'compression'

/** Answers below this many bytes go out as they are (compression would not pay). */
const COMPRESS_THRESHOLD = 1024

/** Whether the answer may be compressed: what `compression` compresses, never `text/event-stream`. */
function compressible(req: IncomingMessage, res: ServerResponse): boolean {
  if (/^\s*text\/event-stream/i.test(String(res.getHeader('content-type') ?? ''))) return false
  return compression.filter(req, res)
}

/** The middleware for `/api` and `/sandbox` in the production server. */
export function compressAnswers(threshold = COMPRESS_THRESHOLD) {
  return compression({ filter: compressible, threshold })
}

/** Adds a field to the `Vary` header unless it is there (or `*`). */
export function appendVary(res: ServerResponse, field: string) {
  const current = res.getHeader('vary')
  const list = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (list.includes('*') || list.some((entry) => entry.toLowerCase() === field.toLowerCase()))
    return
  res.setHeader('Vary', [...list, field].join(', '))
}
