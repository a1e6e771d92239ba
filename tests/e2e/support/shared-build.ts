import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import { buildApp } from './server'
import './provided'

/**
 * Whether the process that wrote `lock` (its pid) is gone: a build it started will never finish.
 * A lock with no pid yet is being written, hence alive.
 */
function holderGone(lock: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(lock, 'utf8'))
  } catch {
    return false // removed meanwhile: the loop looks again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/**
 * The production build of the run (`vite build`, what `npm run serve` serves), made once by the
 * first test file that asks for it and shared by every later one: serve it with
 * `startServer({ mode: 'preview', outDir: await sharedBuild() })`. The production server only reads
 * it; a test that needs a build of its own (another environment, a changed file) uses `buildApp`.
 * A file that asks while another one (running at the same time) builds waits for that build rather
 * than making a second one; when that build fails, it builds itself. The folder is removed at the
 * end of the run (see global-setup.ts).
 */
export async function sharedBuild(): Promise<string> {
  const root = inject('sharedBuildDir')
  if (!root)
    throw new Error('no shared build folder: run the end-to-end tests with their global setup')
  const dir = join(root, 'app')
  // Held (created exclusively, with the builder's pid) by the one file building.
  const lock = join(root, 'building')
  for (;;) {
    if (existsSync(dir)) return dir
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // Another file builds: wait for its build (or, when it failed, for its lock to go).
      if (holderGone(lock)) rmSync(lock, { force: true })
      await new Promise((resolve) => setTimeout(resolve, 250))
      continue
    }
    // Built aside and moved in whole: a folder at `dir` is always a finished build.
    const partial = mkdtempSync(join(root, 'partial-'))
    try {
      if (!existsSync(dir)) {
        await buildApp(partial)
        try {
          renameSync(partial, dir)
        } catch (err) {
          // A build of a file that took a lock it thought abandoned went in first.
          if (!existsSync(dir)) throw err
        }
      }
      return dir
    } finally {
      rmSync(partial, { recursive: true, force: true })
      rmSync(lock, { force: true })
    }
  }
}
