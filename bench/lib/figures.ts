import type { BenchFigure } from './types'

/** A figure as bench/results.json holds it: every field present, `null` where it does not apply. */
export interface ResultFigure {
  /** The topic (file `bench/<topic>.bench.ts`) that measured it. */
  bench: string
  name: string
  value: number
  unit: string
  baseline: number | null
  ratio: number | null
  target: string | null
  pass: boolean | null
}

export function round(n: number, digits: number): number {
  const p = 10 ** digits
  return Math.round(n * p) / p
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * Checks what a benchmark returned for one figure and completes it: the ratio is value / baseline
 * when a baseline is given without one. Throws, naming the topic, on anything that is not a figure:
 * a missing name, unit or finite value, a baseline or ratio that is not a finite number, a target
 * without a verdict (or a verdict without a target). `null` counts as not given.
 */
export function checkFigure(value: unknown, topic: string): ResultFigure {
  const fail = (why: string): never => {
    throw new Error(`${topic}: ${why}: ${JSON.stringify(value)}`)
  }
  if (!value || typeof value !== 'object') return fail('not a figure')
  // `null` (as results.json writes it) and a missing field mean the same: not applicable.
  const f = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Partial<
    Record<keyof BenchFigure, unknown>
  >
  if (typeof f.name !== 'string' || !f.name) fail('a figure needs a name')
  if (typeof f.unit !== 'string' || !f.unit) fail('a figure needs a unit')
  if (!isFiniteNumber(f.value)) fail('a figure needs a finite value')
  if (f.baseline !== undefined && !isFiniteNumber(f.baseline))
    fail('baseline is not a finite number')
  if (f.ratio !== undefined && !isFiniteNumber(f.ratio)) fail('ratio is not a finite number')
  if (f.target !== undefined && typeof f.target !== 'string') fail('target is not a string')
  if (f.pass !== undefined && typeof f.pass !== 'boolean') fail('pass is not a boolean')
  if ((f.target === undefined) !== (f.pass === undefined)) {
    fail('a target and its pass go together')
  }
  const baseline = (f.baseline as number | undefined) ?? null
  const ratio =
    (f.ratio as number | undefined) ??
    (baseline !== null && baseline !== 0 ? round((f.value as number) / baseline, 3) : null)
  return {
    bench: topic,
    name: f.name as string,
    value: f.value as number,
    unit: f.unit as string,
    baseline,
    ratio,
    target: (f.target as string | undefined) ?? null,
    pass: (f.pass as boolean | undefined) ?? null,
  }
}
