import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { initialAssets, sizeOf } from '../../../bench/lib/build'

describe('the initial assets of a built index.html', () => {
  test('are the module entry, its module preloads and the stylesheets, not lazy chunks', () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="/assets/index-a1.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">
      <link crossorigin href='/assets/pinia-c3.js' rel="modulepreload">
      <link rel="stylesheet" crossorigin href="/assets/index-d4.css">
      <link rel="icon" href="/favicon.svg">
      <link rel="prefetch" href="/assets/HistoryView-e5.js">
      <script src="/legacy.js"></script>
    </head><body><div id="app"></div></body></html>`
    expect(initialAssets(html)).toEqual({
      js: ['/assets/index-a1.js', '/assets/vendor-b2.js', '/assets/pinia-c3.js'],
      css: ['/assets/index-d4.css'],
    })
  })

  test('an asset listed twice counts once', () => {
    const html =
      '<script type="module" src="/a.js"></script><link rel="modulepreload" href="/a.js">'
    expect(initialAssets(html).js).toEqual(['/a.js'])
  })
})

describe('asset sizes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-desk-sizes-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('sum raw bytes and per-file gzip level 9 bytes', () => {
    mkdirSync(join(dir, 'assets'))
    const a = 'const answer = 42\n'.repeat(50)
    const b = 'export default {}\n'
    writeFileSync(join(dir, 'assets/a.js'), a)
    writeFileSync(join(dir, 'assets/b.js'), b)
    const sizes = sizeOf(dir, ['/assets/a.js', '/assets/b.js'])
    expect(sizes).toEqual({
      raw: Buffer.byteLength(a) + Buffer.byteLength(b),
      gzip: gzipSync(a, { level: 9 }).length + gzipSync(b, { level: 9 }).length,
      files: 2,
    })
    expect(sizes.gzip).toBeLessThan(sizes.raw)
  })
})
