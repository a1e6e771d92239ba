import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Runs `vite <args>` from the project's own node_modules in `cwd`, rejecting with its output. */
export function runVite(root: string, args: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.NODE_ENV // a production build, whatever the caller's environment says
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`vite ${args.join(' ')} failed (exit ${code}):\n${output}`)),
    )
  })
}

/** The assets a built index.html loads before any lazy route: entry script, module preloads, CSS. */
export interface InitialAssets {
  js: string[]
  css: string[]
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1]
}

/** Reads the `<script type="module" src>`, `<link rel="modulepreload">` and `<link rel="stylesheet">`. */
export function initialAssets(indexHtml: string): InitialAssets {
  const js = new Set<string>()
  const css = new Set<string>()
  for (const [tag] of indexHtml.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const isScript = /^<script/i.test(tag)
    const rel = attr(tag, 'rel')?.toLowerCase()
    if (isScript && attr(tag, 'type') === 'module') {
      const src = attr(tag, 'src')
      if (src) js.add(src)
    } else if (!isScript && rel === 'modulepreload') {
      const href = attr(tag, 'href')
      if (href) js.add(href)
    } else if (!isScript && rel === 'stylesheet') {
      const href = attr(tag, 'href')
      if (href) css.add(href)
    }
  }
  return { js: [...js], css: [...css] }
}

export interface Sizes {
  raw: number
  gzip: number
  files: number
}

/** Raw and gzip (level 9) bytes of the given built files, each compressed on its own, summed. */
export function sizeOf(outDir: string, urls: string[]): Sizes {
  let raw = 0
  let gzip = 0
  for (const url of urls) {
    const data = readFileSync(join(outDir, url.replace(/^\//, '')))
    raw += data.length
    gzip += gzipSync(data, { level: 9 }).length
  }
  return { raw, gzip, files: urls.length }
}
