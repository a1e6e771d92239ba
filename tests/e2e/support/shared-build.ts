import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import { buildApp } from './server'
import './provided'

/**
 * The production build of the run (`vite build`, what `npm run serve` serves), made once by the
 * first test file that asks for it and shared by every later one: serve it with
 * `startServer({ mode: 'preview', outDir: await sharedBuild() })`. The production server only reads
 * it; a test that needs a build of its own (another environment, a changed file) uses `buildApp`.
 * The folder is removed at the end of the run (see global-setup.ts).
 */
export async function sharedBuild(): Promise<string> {
  const root = inject('sharedBuildDir')
  if (!root)
    throw new Error('no shared build folder: run the end-to-end tests with their global setup')
  const dir = join(root, 'app')
  if (existsSync(dir)) return dir
  // Built aside and moved in whole: a folder at `dir` is always a finished build.
  const partial = mkdtempSync(join(root, 'partial-'))
  try {
    await buildApp(partial)
    try {
      renameSync(partial, dir)
    } catch (err) {
      // Another file, running at the same time, moved its finished build in first.
      if (!existsSync(dir)) throw err
    }
  } finally {
    rmSync(partial, { recursive: true, force: true })
  }
  return dir
}
