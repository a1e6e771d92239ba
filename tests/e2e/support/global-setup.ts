import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { chromiumArgs, findBrowser } from './browser-path'
import { startServer } from './server'
import './provided'

/**
 * Runs once before the end-to-end project: finds the browser (or fails the run with one sentence
 * saying how to get one), starts the real dev server on a free port and one headless Chromium that
 * every test file connects to, and provides their addresses, and a folder for the production build
 * the test files share (built by the first file that needs it, see `sharedBuild`). The returned
 * teardown always stops both and removes the folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const browser = findBrowser()
  if ('error' in browser) {
    const error = new Error(browser.error)
    error.stack = error.message // one sentence, no stack: nothing in the harness is at fault
    throw error
  }
  const [server, chromiumServer] = await Promise.allSettled([
    startServer({ mode: 'dev' }),
    chromium.launchServer({
      executablePath: browser.path,
      headless: true,
      args: chromiumArgs,
      host: '127.0.0.1',
    }),
  ])
  if (server.status === 'rejected' || chromiumServer.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.close()
    if (chromiumServer.status === 'fulfilled') await chromiumServer.value.close()
    throw server.status === 'rejected'
      ? server.reason
      : (chromiumServer as PromiseRejectedResult).reason
  }
  project.provide('baseURL', server.value.url)
  project.provide('browserPath', browser.path)
  project.provide('browserWSEndpoint', chromiumServer.value.wsEndpoint())
  const sharedBuildDir = mkdtempSync(join(tmpdir(), 'verify-desk-e2e-shared-build-'))
  project.provide('sharedBuildDir', sharedBuildDir)
  return async () => {
    try {
      await Promise.all([server.value.close(), chromiumServer.value.close()])
    } finally {
      rmSync(sharedBuildDir, { recursive: true, force: true })
    }
  }
}
