/**
 * `npm test`: the four projects (unit, component, contract, e2e) in two Vitest runs side by side.
 *
 * The end-to-end files run one at a time (they share one app server and one browser) and mostly
 * wait on them; in one `vitest run` they would start only once every other file is done, leaving a
 * core idle. Here they run beside the other three projects (a worker per core), each run recording
 * a blob report, and one merged report follows: the summary of all four, failures included.
 *
 * - `npm test -- <vitest arguments>` (a file, a folder, `--project unit`...) is one plain
 *   `vitest run` with them.
 * - `VERIFY_DESK_TEST_JSON=<file>` also writes the merged report as JSON there (CI counts from it).
 *
 * Exits non-zero when either run or the merge fails (a run that stopped before any test too).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
    const [e2e, others] = await Promise.all([
      run(['--project', 'e2e', ...blob('e2e')]),
      run([
        '--project',
        'unit',
        '--project',
        'component',
        '--project',
        'contract',
        ...blob('rest'),
      ]),
    ])
    console.log('\n==> all four projects (both runs merged)\n')
    const json = process.env.VERIFY_DESK_TEST_JSON
    // Dots, then every failure again and the totals: the per-file lines were printed above.
    const merged = await run([
      `--merge-reports=${blobs}`,
      '--reporter=dot',
      ...(json ? ['--reporter=json', `--outputFile.json=${json}`] : []),
    ])
    return [e2e, others, merged].find((code) => code !== 0) ?? 0
  } finally {
    rmSync(blobs, { recursive: true, force: true })
  }
}

process.exitCode = await main()
