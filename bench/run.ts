/**
 * Runs the benchmarks: `npm run bench [-- <topic>…] [--quick]`.
 *
 * Every `bench/<topic>.bench.ts` default-exports `async (ctx: BenchContext) => BenchFigure[]`.
 * Topics run one after another; a failing one is reported and the others still run (the exit code
 * is then 1). Prints a table and writes bench/results.json. With topic filters, the figures of the
 * topics not run are kept from the previous results.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { checkFigure, round, type ResultFigure } from './lib/figures'
import type { BenchContext } from './lib/types'

interface TopicRun {
  name: string
  ranAt: string
  durationMs: number
  quick: boolean
  error?: string
}

interface Results {
  generatedAt: string
  node: string
  machine: { cpus: number; cpuModel: string; memGB: number; platform: string; arch: string }
  benches: TopicRun[]
  figures: ResultFigure[]
}

const root = fileURLToPath(new URL('../', import.meta.url))
const benchDir = join(root, 'bench')
const workDir = join(benchDir, '.work')
const resultsPath = join(benchDir, 'results.json')

function parseArgs(argv: string[]): { quick: boolean; filters: string[] } {
  const unknown = argv.filter((a) => a.startsWith('-') && a !== '--quick')
  if (unknown.length) {
    throw new Error(
      `unknown option ${unknown.join(', ')}: usage: npm run bench [-- <topic>…] [--quick]`,
    )
  }
  return { quick: argv.includes('--quick'), filters: argv.filter((a) => !a.startsWith('-')) }
}

function discover(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort()
}

function fmt(n: number | null): string {
  if (n === null) return ''
  if (Number.isInteger(n)) return String(n)
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(2)
}

function printTable(figures: ResultFigure[]): void {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass']
  const rows = figures.map((f) => [
    f.name,
    fmt(f.value),
    f.unit,
    fmt(f.baseline),
    f.ratio === null ? '' : `${fmt(f.ratio)}x`,
    f.target ?? '',
    f.pass === null ? '' : f.pass ? 'yes' : 'NO',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const numeric = new Set([1, 3, 4])
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
}

function previousResults(): Results | undefined {
  if (!existsSync(resultsPath)) return undefined
  try {
    return JSON.parse(readFileSync(resultsPath, 'utf8')) as Results
  } catch {
    return undefined
  }
}

/** A figure from the previous results.json in today's shape, or nothing (with a note) if damaged. */
function keptFigure(figure: ResultFigure): ResultFigure[] {
  try {
    return [checkFigure(figure, figure.bench)]
  } catch (err) {
    console.warn(`dropping a damaged figure from bench/results.json: ${(err as Error).message}`)
    return []
  }
}

async function main(): Promise<number> {
  const { quick, filters } = parseArgs(process.argv.slice(2))
  const all = discover()
  const topics = filters.length ? all.filter((t) => filters.some((f) => t.startsWith(f))) : all
  if (!topics.length) {
    console.error(`no benchmark matches ${filters.join(', ')}; topics: ${all.join(', ') || 'none'}`)
    return 1
  }
  mkdirSync(workDir, { recursive: true })

  const runs: TopicRun[] = []
  const figures: ResultFigure[] = []
  for (const topic of topics) {
    console.log(`\n▶ ${topic}${quick ? ' (quick)' : ''}`)
    const ctx: BenchContext = {
      root,
      workDir,
      quick,
      log: (message) => console.log(`  ${topic}: ${message}`),
    }
    const started = performance.now()
    const run: TopicRun = { name: topic, ranAt: new Date().toISOString(), durationMs: 0, quick }
    try {
      const mod = (await import(pathToFileURL(join(benchDir, `${topic}.bench.ts`)).href)) as {
        default?: unknown
      }
      if (typeof mod.default !== 'function') {
        throw new Error(`bench/${topic}.bench.ts has no default-exported function`)
      }
      const out: unknown = await (mod.default as (c: BenchContext) => Promise<unknown>)(ctx)
      if (!Array.isArray(out)) throw new Error(`${topic} did not return an array of figures`)
      const checked = out.map((f) => checkFigure(f, topic))
      figures.push(...checked)
      console.log(`  ${topic}: ${checked.length} figures`)
    } catch (err) {
      // The message goes to results.json; the stack (with local paths) only to the console.
      run.error = err instanceof Error ? err.message : String(err)
      console.error(
        `  ${topic} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : run.error}`,
      )
    }
    run.durationMs = Math.round(performance.now() - started)
    runs.push(run)
  }

  // Keep what other topics measured earlier when only some ran.
  const previous = filters.length ? previousResults() : undefined
  const ran = new Set(topics)
  const results: Results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memGB: round(totalmem() / 1024 ** 3, 1),
      platform: process.platform,
      arch: process.arch,
    },
    benches: [...(previous?.benches ?? []).filter((b) => !ran.has(b.name)), ...runs].sort((a, b) =>
      a.name.localeCompare(b.name),
    ),
    figures: [
      // Figures kept from an earlier run are written in today's shape too.
      ...(previous?.figures ?? []).filter((f) => !ran.has(f.bench)).flatMap(keptFigure),
      ...figures,
    ],
  }
  results.figures.sort((a, b) => a.bench.localeCompare(b.bench))
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`)

  console.log('')
  printTable(figures)
  const failed = runs.filter((r) => r.error)
  const missed = figures.filter((f) => f.pass === false)
  console.log(
    `\n${figures.length} figures from ${runs.length - failed.length}/${runs.length} benchmarks` +
      (missed.length
        ? `; ${missed.length} miss their target (${missed.map((f) => f.name).join(', ')})`
        : '') +
      `; written to bench/results.json`,
  )
  for (const r of failed) console.error(`benchmark ${r.name} failed: ${r.error?.split('\n')[0]}`)
  return failed.length ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
