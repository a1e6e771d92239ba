/**
 * An upstream answer as text: decompressed when the upstream compressed it anyway (the proxy asks
 * for no encoding), decoded from Latin-1 when it says so, without a byte order mark. Vonage answers
 * plain UTF-8; these are what a gateway or a regional host may add.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import type { BufferedAnswer } from './upstream.ts'

export interface AnswerText {
  text: string
  /** The answer's `Content-Type`, its charset made `utf-8` when the text was decoded from another. */
  contentType: string
  /** Whether the text differs from the bytes received (they must not be passed on as they are). */
  rewritten: boolean
}

/** Why an answer cannot be read as text: an encoding the proxy does not know or a damaged body. */
export class UnreadableAnswerError extends Error {
  constructor(readonly what: string) {
    super(what)
    this.name = 'UnreadableAnswerError'
  }
}

const LATIN_1 = /;\s*charset="?(?:iso-8859-1|latin-?1|us-ascii)"?/i

/** Reads an answer as text, inflating at most `maxBytes`. */
export function answerText(answer: BufferedAnswer, maxBytes: number): AnswerText {
  let bytes = answer.body
  let rewritten = false
  const encoding = (answer.contentEncoding ?? '').trim().toLowerCase()
  if (encoding && encoding !== 'identity') {
    const options = { maxOutputLength: maxBytes }
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') bytes = gunzipSync(bytes, options)
      else if (encoding === 'deflate') bytes = inflateSync(bytes, options)
      else if (encoding === 'br') bytes = brotliDecompressSync(bytes, options)
      else throw new UnreadableAnswerError(`in an encoding the proxy cannot read (${encoding})`)
    } catch (error) {
      if (error instanceof UnreadableAnswerError) throw error
      throw new UnreadableAnswerError(`with a damaged ${encoding} body`)
    }
    rewritten = true
  }
  let contentType = answer.contentType
  let text: string
  if (LATIN_1.test(contentType)) {
    text = bytes.toString('latin1')
    contentType = contentType.replace(LATIN_1, '; charset=utf-8')
    rewritten = true
  } else {
    text = bytes.toString('utf8')
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1)
    rewritten = true
  }
  return { text, contentType, rewritten }
}
