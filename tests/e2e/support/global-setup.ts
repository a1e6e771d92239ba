import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { chromiumArgs, findBrowser } from './browser-path'
import { startServer } from './server'
import './provided'

/**
 * How many test files of the project may run at once: its `maxWorkers` (1 without file
 * parallelism), and never more than the run has files of the project (a run of one file starts one
 * server). One dev server each (see `baseURL`).
 */
function serverCount(project: TestProject): number {
  const workers = Math.max(1, Math.floor(project.config.maxWorkers) || 1)
  const files = project.vitest.state.getPaths().filter((path) => project.matchesTestGlob(path))
  return files.length > 0 ? Math.min(workers, files.length) : workers
}

/**
 * Runs once before the end-to-end project: finds the browser (or fails the run with one sentence
 * saying how to get one), starts one real dev server on 127.0.0.1 per test file that may run at
 * once (each with a sandbox of its own: files running side by side never see each other's
 * requests, clock, faults or resets) and one headless Chromium that every test file connects to,
 * and provides their addresses, and a folder for the production build the test files
 * share (built by the first file that needs it, see `sharedBuild`). The returned teardown always
 * stops them all and removes the folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const browser = findBrowser()
  if ('error' in browser) {
    const error = new Error(browser.error)
    error.stack = error.message // one sentence, no stack: nothing in the harness is at fault
    throw error
  }
  // All at once: each listens on a port the system chooses as it listens (port 0, the browser's
  // server too), so none of them can be given a port another one holds or is about to take.
  const [chromiumServer, ...servers] = await Promise.allSettled([
    chromium.launchServer({
      executablePath: browser.path,
      headless: true,
      args: chromiumArgs,
      host: '127.0.0.1',
      port: 0,
    }),
    ...Array.from({ length: serverCount(project) }, () => startServer({ mode: 'dev' })),
  ])
  const devServers = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = [chromiumServer, ...servers].find((s) => s.status === 'rejected')
  if (failed || chromiumServer.status === 'rejected') {
    await Promise.all(devServers.map((s) => s.close()))
    if (chromiumServer.status === 'fulfilled') await chromiumServer.value.close()
    throw (failed as PromiseRejectedResult).reason
  }
  project.provide(
    'baseURLs',
    devServers.map((s) => s.url),
  )
  project.provide('browserPath', browser.path)
  project.provide('browserWSEndpoint', chromiumServer.value.wsEndpoint())
  const sharedBuildDir = mkdtempSync(join(tmpdir(), 'verify-desk-e2e-shared-build-'))
  project.provide('sharedBuildDir', sharedBuildDir)
  return async () => {
    try {
      await Promise.all([...devServers.map((s) => s.close()), chromiumServer.value.close()])
    } finally {
      rmSync(sharedBuildDir, { recursive: true, force: true })
    }
  }
}
