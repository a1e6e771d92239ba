import type { TestProject } from 'vitest/node'
import { findBrowser } from './browser-path'
import { startServer } from './server'
import './provided'

/**
 * Runs once before the end-to-end project: finds the browser (or fails the run with one sentence
 * saying how to get one), starts the real dev server on a free port and provides its URL.
 * The returned teardown always stops the server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const browser = findBrowser()
  if ('error' in browser) {
    const error = new Error(browser.error)
    error.stack = error.message // one sentence, no stack: nothing in the harness is at fault
    throw error
  }
  const server = await startServer({ mode: 'dev' })
  project.provide('baseURL', server.url)
  project.provide('browserPath', browser.path)
  return () => server.close()
}
