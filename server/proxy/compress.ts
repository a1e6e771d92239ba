/**
 * Compression of the JSON and XML answers of `/api` and `/sandbox` in the production server (Vite
 * preview compresses only what passes its own middleware, after the plugin's). Never an event stream
 * (it must reach the browser as it happens), never a body that already has a `Content-Encoding`.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http'
import zlib from 'node:zlib'

export type ContentEncoding = 'br' | 'gzip'

/** Answers below this many bytes go out as they are (compression would not pay). */
export const COMPRESS_THRESHOLD = 1024

const COMPRESSIBLE = /json|xml|^\s*text\/(?!event-stream)/i

/** The encoding to use for an `Accept-Encoding` header: br or gzip (q-values respected), or none. */
export function negotiateEncoding(header: string | undefined): ContentEncoding | undefined {
  if (!header) return undefined
  let best: ContentEncoding | undefined
  let bestQ = 0
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.split(';')
    const name = rawName.trim().toLowerCase()
    let q = 1
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param)
      if (match) q = Number(match[1])
    }
    if (!(q > 0)) continue
    const encoding: ContentEncoding | undefined =
      name === 'br'
        ? 'br'
        : name === 'gzip' || name === 'x-gzip' || name === '*'
          ? 'gzip'
          : undefined
    if (!encoding) continue
    if (q > bestQ || (q === bestQ && encoding === 'br' && best !== 'br')) {
      best = encoding
      bestQ = q
    }
  }
  return best
}

/** Whether a response of this `Content-Type` may be compressed (JSON, XML, text; not SSE). */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType)
}

/**
 * A connect middleware that compresses what the next ones answer when it is JSON/XML/text of at
 * least `threshold` bytes (or of unknown length) and the client accepts br or gzip, and marks such
 * answers `Vary: Accept-Encoding` either way. Streams of unknown length are compressed as they flow;
 * `text/event-stream` is left alone.
 */
export function compressAnswers(threshold = COMPRESS_THRESHOLD) {
  return function verifyDeskCompression(
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ) {
    const accept = req.headers['accept-encoding']
    const encoding =
      req.method === 'HEAD'
        ? undefined
        : negotiateEncoding(Array.isArray(accept) ? accept.join(',') : accept)
    wrap(res, encoding, threshold)
    next()
  }
}

type Compressor = zlib.Gzip | zlib.BrotliCompress

function wrap(res: ServerResponse, encoding: ContentEncoding | undefined, threshold: number) {
  type Loose<R> = (...args: unknown[]) => R
  const writeHead = res.writeHead as Loose<ServerResponse>
  const write = res.write as Loose<boolean>
  const end = res.end as Loose<ServerResponse>
  let decided = false
  let compressor: Compressor | undefined

  function decide(bodyLength: number | undefined) {
    decided = true
    if (!isCompressible(String(res.getHeader('content-type') ?? ''))) return
    appendVary(res, 'Accept-Encoding')
    if (
      !encoding ||
      res.getHeader('content-encoding') !== undefined ||
      res.statusCode === 204 ||
      res.statusCode === 304 ||
      /no-transform/i.test(String(res.getHeader('cache-control') ?? ''))
    )
      return
    const declared = res.getHeader('content-length')
    const length = declared !== undefined ? Number(declared) : bodyLength
    if (length !== undefined && length < threshold) return
    res.setHeader('Content-Encoding', encoding)
    res.removeHeader('Content-Length')
    const stream: Compressor =
      encoding === 'br'
        ? zlib.createBrotliCompress({
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
              ...(length ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length } : {}),
            },
          })
        : zlib.createGzip()
    compressor = stream
    stream.on('data', (chunk: Buffer) => {
      if (!write.call(res, chunk)) stream.pause()
    })
    res.on('drain', () => stream.resume())
    // What pipes into the response waits for the compressor, not for the socket.
    stream.on('drain', () => res.emit('drain'))
    stream.on('end', () => end.call(res))
    stream.on('error', (error) => res.destroy(error))
    res.once('close', () => stream.destroy())
  }

  res.writeHead = function (
    this: ServerResponse,
    statusCode: number,
    ...rest: unknown[]
  ): ServerResponse {
    if (decided || res.headersSent) {
      return writeHead.call(res, statusCode, ...rest)
    }
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined
    const headers = reason === undefined ? rest[0] : rest[1]
    if (headers) applyHeaders(res, headers)
    res.statusCode = statusCode
    decide(undefined)
    return reason === undefined
      ? writeHead.call(res, statusCode)
      : writeHead.call(res, statusCode, reason)
  } as ServerResponse['writeHead']

  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    if (!decided && !res.headersSent) decide(undefined)
    if (compressor) return (compressor.write as Loose<boolean>).call(compressor, chunk, ...rest)
    return write.call(res, chunk, ...rest)
  } as ServerResponse['write']

  res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (!decided && !res.headersSent) {
      const [chunk, chunkEncoding] = args
      decide(
        typeof chunk === 'string' || chunk instanceof Uint8Array
          ? Buffer.byteLength(
              chunk,
              typeof chunkEncoding === 'string' ? (chunkEncoding as BufferEncoding) : undefined,
            )
          : 0,
      )
    }
    if (compressor) {
      ;(compressor.end as Loose<unknown>).apply(compressor, args)
      return res
    }
    return end.apply(res, args)
  } as ServerResponse['end']
}

/** Puts the headers given to `writeHead` (an object, a flat list or a list of pairs) on `res`. */
function applyHeaders(res: ServerResponse, headers: unknown) {
  if (Array.isArray(headers)) {
    const pairs: Array<[string, OutgoingHttpHeader]> = Array.isArray(headers[0])
      ? (headers as Array<[string, OutgoingHttpHeader]>)
      : Array.from({ length: Math.floor(headers.length / 2) }, (_, i) => [
          String(headers[2 * i]),
          headers[2 * i + 1] as OutgoingHttpHeader,
        ])
    const seen = new Map<string, string[]>()
    for (const [name, value] of pairs) {
      const key = name.toLowerCase()
      const values = [...(seen.get(key) ?? []), ...[value].flat().map(String)]
      seen.set(key, values)
      res.setHeader(name, values.length === 1 ? (values[0] as string) : values)
    }
    return
  }
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) res.setHeader(name, value as OutgoingHttpHeader)
    }
  }
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
