/**
 * Every server of the harness is the one its address names: a test server's address is that of the
 * server it started, never of another process that holds (or took) the port, such as the browser's
 * server, whose plain HTTP answer is "Running" and would make every page load of a file time out.
 */
import { describe, expect, inject, test } from 'vitest'
import { baseURL, startServer } from './support'

/** The port of the run's browser server (what every file connects to). */
function browserServerPort(): number {
  const endpoint = inject('browserWSEndpoint')
  if (!endpoint) throw new Error('no browser server: run the end-to-end tests with their setup')
  return Number(new URL(endpoint).port)
}

describe('the test servers', () => {
  test("this file's dev server serves the app, at an address other than the browser's server", async () => {
    const url = baseURL()
    expect(Number(new URL(url).port)).not.toBe(browserServerPort())
    const response = await fetch(`${url}/`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<div id="app">')
  })

  test('a server asked for a port another process listens on fails, saying so, instead of taking that process for itself', async () => {
    const port = browserServerPort()
    const starting = startServer({ mode: 'dev', port })
    await expect(starting).rejects.toThrow(`Port ${port} is already in use`)
    // The browser's server is still what answers there.
    const response = await fetch(`http://127.0.0.1:${port}/`)
    expect(await response.text()).toBe('Running')
  })
})
