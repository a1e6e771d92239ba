/** The part of the `compression` middleware (expressjs/compression) the production server uses. */
declare module 'compression' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  type Middleware = (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ) => void

  interface CompressionOptions {
    /** Whether a response may be compressed; the default is `compression.filter`. */
    filter?: (req: IncomingMessage, res: ServerResponse) => boolean
    /** Smallest body compressed, in bytes (or a `bytes` string). @default 1kb */
    threshold?: number | string
    /** zlib options for gzip and deflate; `brotli` takes the brotli ones. */
    level?: number
    brotli?: { params?: Record<number, number> }
  }

  interface Compression {
    (options?: CompressionOptions): Middleware
    /** The default filter: compressible by its Content-Type (the mime-db list). */
    filter(req: IncomingMessage, res: ServerResponse): boolean
  }

  const compression: Compression
  export default compression
}
