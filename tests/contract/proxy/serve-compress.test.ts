/**
 * The production server's answer compression on a bare node:http server: streamed bodies of unknown
 * length (as the proxy pipes the sandbox admin API) arrive whole, small answers keep their length,
 * and event streams stay live.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compressAnswers } from '../../../server/proxy/compress'

let server: http.Server
let port: number
let ticker: (() => void) | undefined
const big = JSON.stringify(
  Array.from({ length: 20_000 }, (_, i) => ({ request_id: i.toString(16).padStart(32, '0') })),
)

beforeAll(async () => {
  const compress = compressAnswers()
  server = http.createServer((req, res) => {
    compress(req, res, () => {
      if (req.url === '/streamed') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        // Many writes, no Content-Length: the compressor's pace, not the socket's, drives them.
        let at = 0
        const pump = () => {
          while (at < big.length) {
            const ok = res.write(big.slice(at, at + 4096))
            at += 4096
            if (!ok) return void res.once('drain', pump)
          }
          res.end()
        }
        pump()
      } else if (req.url === '/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
        res.flushHeaders()
        res.write(': connected\n\n')
        ticker = () => res.write('event: tick\ndata: {}\n\n')
      } else {
        // As every Verify and sandbox answer: a body with its Content-Length.
        const body = JSON.stringify({ status: '0' })
        res.statusCode = 200
        res.setHeader('Content-Type', 'application/json')
        res.setHeader('Content-Length', Buffer.byteLength(body))
        res.end(body)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function get(path: string, headers: Record<string, string>) {
  return new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path, headers, agent: false }, resolve).on('error', reject),
  )
}

async function bodyOf(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('compressAnswers', () => {
  it('prefers br when the client accepts it', async () => {
    const res = await get('/streamed', { 'accept-encoding': 'gzip, deflate, br' })
    expect(res.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(await bodyOf(res)).toString('utf8')).toBe(big)
  })

  it('compresses a streamed JSON body of unknown length and it decodes whole', async () => {
    const res = await get('/streamed', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers.vary).toBe('Accept-Encoding')
    const body = await bodyOf(res)
    expect(body.length).toBeLessThan(big.length / 4)
    expect(gunzipSync(body).toString('utf8')).toBe(big)
  })

  it('sends the same body plain to a client that accepts no encoding', async () => {
    const res = await get('/streamed', {})
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toBe('Accept-Encoding')
    expect((await bodyOf(res)).toString('utf8')).toBe(big)
  })

  it('leaves a small answer with its length', async () => {
    const res = await get('/small', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers['content-length']).toBe('14')
    expect((await bodyOf(res)).toString('utf8')).toBe('{"status":"0"}')
  })

  it('passes an event stream through uncompressed, each event as it is written', async () => {
    const res = await get('/events', { 'accept-encoding': 'gzip, br' })
    expect(res.headers['content-encoding']).toBeUndefined()
    const next = () =>
      new Promise<string>((resolve) =>
        res.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      )
    expect(await next()).toBe(': connected\n\n')
    const tick = next()
    ticker?.()
    expect(await tick).toBe('event: tick\ndata: {}\n\n')
    res.destroy()
  })
})
