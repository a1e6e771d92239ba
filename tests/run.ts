/**
 * `npm test`: the four projects (unit, component, contract, e2e) in two Vitest runs side by side.
 *
 * The end-to-end files run one at a time (one app server, one browser) and mostly wait on them; in
 * one `vitest run` they would start only once every other file is done, leaving cores idle. Here they run beside the other three projects (a worker per core), each run
 * recording a blob report, and one merged report follows: the summary of all four, failures
 * included.
 *
 * - `npm test -- <vitest arguments>` (a file, a folder, `--project unit`...) is one plain
 *   `vitest run` with them.
 * - `VERIFY_DESK_TEST_JSON=<file>` also writes the merged report as JSON there (CI counts from it).
 *
 * Exits non-zero when either run or the merge fails (a run that stopped before any test too).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const vitest = join(root, 'node_modules', '.bin', 'vitest')

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(vitest, ['run', ...args], { cwd: root, stdio: 'inherit' })
    child.on('error', (error) => {
      console.error(`vitest could not be started: ${error.message}`)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

async function main(): Promise<number> {
  const given = process.argv.slice(2)
  if (given.length > 0) return run(given)

  const blobs = mkdtempSync(join(tmpdir(), 'verify-desk-test-'))
  try {
    const blob = (name: string) => [
      '--reporter=default',
      '--reporter=blob',
      `--outputFile.blob=${join(blobs, `${name}.json`)}`,
    ]
    const runs = [
      { name: 'e2e', projects: ['e2e'] },
      { name: 'rest', projects: ['unit', 'component', 'contract'] },
    ]
    const codes = await Promise.all(
      runs.map(({ name, projects }) =>
        run([...projects.flatMap((p) => ['--project', p]), ...blob(name)]),
      ),
    )
    // A run that stopped before any test (a failing global setup: no browser, say) left no report:
    // the merged numbers below would not show it, so it is named here, and the exit code fails.
    const missing = runs
      .map((r, i) => ({ ...r, code: codes[i]! }))
      .filter(({ name }) => !existsSync(join(blobs, `${name}.json`)))
    let merged = 0
    if (missing.length < runs.length) {
      console.log('\n==> all four projects (both runs merged)\n')
      const json = process.env.VERIFY_DESK_TEST_JSON
      // Dots, then every failure again and the totals: the per-file lines were printed above.
      merged = await run([
        `--merge-reports=${blobs}`,
        '--reporter=dot',
        ...(json ? ['--reporter=json', `--outputFile.json=${json}`] : []),
      ])
    }
    for (const { projects, code } of missing) {
      console.error(
        `\nThe ${projects.join(', ')} run stopped before any test (exit ${code}): ` +
          'its tests are not in the numbers above. Its own output, above, says why.',
      )
    }
    const failed = [...codes, merged].find((code) => code !== 0)
    return failed ?? (missing.length > 0 ? 1 : 0)
  } finally {
    rmSync(blobs, { recursive: true, force: true })
  }
}

process.exitCode = await main()
