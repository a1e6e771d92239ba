import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { initialAssets, runVite, sizeOf, type Sizes } from './lib/build'
import type { BenchContext, BenchFigure } from './lib/types'

const kB = (bytes: number) => Math.round(bytes / 10) / 100 // 1 kB = 1000 B, as Vite reports

/** What the built index.html loads before any lazy route, plus all JS for reference. */
function measure(outDir: string): { js: Sizes; css: Sizes; allJs: Sizes } {
  const initial = initialAssets(readFileSync(join(outDir, 'index.html'), 'utf8'))
  if (!initial.js.length) throw new Error(`${outDir}/index.html loads no module script`)
  const allJs = readdirSync(join(outDir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `/assets/${f}`)
  return {
    js: sizeOf(outDir, initial.js),
    css: sizeOf(outDir, initial.css),
    allJs: sizeOf(outDir, allJs),
  }
}

function figure(
  name: string,
  value: number,
  baseline: number,
  target?: { max: number; text: string },
): BenchFigure {
  const f: BenchFigure = { name, value: kB(value), unit: 'kB', baseline: kB(baseline) }
  if (baseline > 0) f.ratio = Math.round((value / baseline) * 100) / 100
  if (target) {
    f.target = target.text
    f.pass = kB(value) <= target.max
  }
  return f
}

/**
 * The built app's initial JavaScript and CSS (entry chunk, its module preloads and stylesheets, as
 * index.html loads them), raw and gzip, next to a bare Vue + Pinia + vue-router + ky app built in
 * the same run (bench/floor).
 */
export default async function bundle(ctx: BenchContext): Promise<BenchFigure[]> {
  const appOut = join(ctx.workDir, 'app')
  const floorOut = join(ctx.workDir, 'floor')

  let t = performance.now()
  await runVite(ctx.root, ['build', '--outDir', appOut, '--emptyOutDir', '--logLevel', 'warn'])
  ctx.log(`app built in ${Math.round(performance.now() - t)} ms`)
  t = performance.now()
  await runVite(ctx.root, [
    'build',
    '--config',
    join(ctx.root, 'bench/floor/vite.config.ts'),
    '--outDir',
    floorOut,
    '--emptyOutDir',
    '--logLevel',
    'warn',
  ])
  ctx.log(`floor built in ${Math.round(performance.now() - t)} ms`)

  const app = measure(appOut)
  const floor = measure(floorOut)
  ctx.log(`initial JS: app ${app.js.files} files, floor ${floor.js.files} files`)

  return [
    figure('bundle.initial.js.raw', app.js.raw, floor.js.raw),
    figure('bundle.initial.js.gzip', app.js.gzip, floor.js.gzip, {
      max: 60,
      text: '<= 60 kB gzip',
    }),
    figure('bundle.initial.css.raw', app.css.raw, floor.css.raw),
    figure('bundle.initial.css.gzip', app.css.gzip, floor.css.gzip, {
      max: 10,
      text: '<= 10 kB gzip',
    }),
    figure('bundle.all.js.gzip', app.allJs.gzip, floor.allJs.gzip),
  ]
}
