/**
 * A link clicked while the server is down, on the dev and the production server, in real Chromium:
 * the page's code cannot be fetched, and a full page load would replace the app with the browser's
 * own error page (which stays even once the server is back). The app stays, says in place that the
 * page could not be loaded because the server does not answer, says when the server is back, and
 * its Reload then opens the page.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { POLL, sharedBuild, startServer, useBrowser, type RunningServer } from './support'

let server: RunningServer | undefined
let outDir: string | undefined
// Each test starts its own server, after the page was made: it opens that server's address itself.
const app = useBrowser()

afterEach(async () => {
  await server?.close()
  server = undefined
})

function start(mode: 'dev' | 'preview', port?: number): Promise<RunningServer> {
  return startServer({
    mode,
    ...(mode === 'preview' ? { outDir: outDir! } : {}),
    // Started on a port it can be restarted on; then at that port (the same address).
    ...(port === undefined ? { restartable: true } : { port }),
  })
}

/**
 * Opens New verification, stops the server, clicks History: the app stays and says so, also after
 * a Reload while the server is still down. Returns what the test needs to bring the server back.
 */
async function expectTheAppToStayWhileDown(mode: 'dev' | 'preview') {
  server = await start(mode)
  const { page } = app
  const origin = server.url
  let loads = 0
  page.on('load', () => loads++)
  await page.goto(`${origin}/`)
  const main = page.getByRole('main')
  await main.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
  const port = Number(new URL(origin).port)
  await server.close()

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'History', exact: true })
    .click()
  const alert = main.getByRole('alert').filter({ hasText: 'could not be loaded' })
  await alert.waitFor()
  expect(await alert.getByRole('heading').innerText()).toBe('The History page could not be loaded')
  expect(await alert.innerText()).toContain(
    'The server does not answer (it may be restarting, or the connection dropped).',
  )
  // Still the app, on the page it came from: never the browser's error page.
  expect(new URL(page.url()).origin).toBe(origin)
  expect(await main.getByRole('heading', { level: 1, name: 'New verification' }).isVisible()).toBe(
    true,
  )
  expect(loads).toBe(1)

  // Reload while the server is still down: the app stays and says so.
  const reload = alert.getByRole('button', { name: 'Reload' })
  await reload.click()
  await alert.getByText('The server still does not answer: try again in a moment.').waitFor()
  expect(new URL(page.url()).origin).toBe(origin)
  expect(loads).toBe(1)

  return { port, reload, loads: () => loads }
}

describe('a link clicked while the server is down', () => {
  test('dev server: the app says the page could not be loaded, and is back with the server', async () => {
    const { page } = app
    const { port, loads } = await expectTheAppToStayWhileDown('dev')
    // The dev server's own client loads the page again once the server is back: the app, never the
    // browser's error page, and the link works again.
    server = await start('dev', port)
    await expect.poll(loads, POLL).toBe(2)
    const main = page.getByRole('main')
    await main.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History', exact: true })
      .click()
    await main.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/history')
  }, 120_000)

  describe('production server', () => {
    beforeAll(async () => {
      outDir = await sharedBuild()
    }, 240_000)

    test('the app says the page could not be loaded, says when the server is back, and Reload opens it', async () => {
      const { page } = app
      const { port, reload, loads } = await expectTheAppToStayWhileDown('preview')
      server = await start('preview', port)
      // New verification is still shown and may be in use: the app does not leave it by itself, it
      // says the server answers again once it hears from it (its event stream reconnects).
      const main = page.getByRole('main')
      await main
        .getByText('The server answers again: Reload opens the page.')
        .waitFor({ timeout: 60_000 })
      expect(loads()).toBe(1)
      await reload.click()
      await main.getByRole('heading', { level: 1, name: 'History' }).waitFor()
      expect(new URL(page.url()).pathname).toBe('/history')
      expect(await main.getByRole('alert').filter({ hasText: 'could not be loaded' }).count()).toBe(
        0,
      )
    }, 120_000)
  })
})
