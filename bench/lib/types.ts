/**
 * One measured figure, as a benchmark returns it. bench/results.json writes every field (`null`
 * where one does not apply; see `ResultFigure` in ./figures.ts). A target always comes with `pass`.
 */
export interface BenchFigure {
  /** Stable identifier, e.g. `bundle.initial.js.gzip`. */
  name: string
  value: number
  /** `B`, `kB`, `ms`, `req/s`, `MB`, `count`… */
  unit: string
  /** The same quantity for the baseline measured in the same run, where the figure is a comparison. */
  baseline?: number
  /** value / baseline. */
  ratio?: number
  /** The target this figure is held to, in words (`<= 60 kB gzip`). */
  target?: string
  /** Whether the target is met, where one is set. */
  pass?: boolean
}

export interface BenchContext {
  /** Project root (absolute). */
  root: string
  /** A git-ignored scratch folder for builds and data (bench/.work). */
  workDir: string
  log(message: string): void
  /** Shorter runs (fewer iterations) when true: `npm run bench -- --quick`. */
  quick: boolean
}

export type Bench = (ctx: BenchContext) => Promise<BenchFigure[]>
