import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  baseURL,
  navigateTo,
  POLL,
  sharedBuild,
  startServer,
  useBrowser,
  type RunningServer,
} from './support'

/** The main navigation: link text, the path it leads to, the page's heading. */
const navigation = [
  { link: 'New verification', path: '/', heading: 'New verification' },
  { link: 'History', path: '/history', heading: 'History' },
  { link: 'Look up', path: '/lookup', heading: 'Look up' },
  { link: 'Handset', path: '/handset', heading: 'Handset' },
  { link: 'Sandbox controls', path: '/controls', heading: 'Sandbox controls' },
  { link: 'Settings', path: '/settings', heading: 'Settings' },
]

/** Deep links that must load directly (history-mode routing: the server answers with the app). */
const deepLinks = [
  { path: '/history', heading: /^History$/ },
  { path: '/requests/abc', heading: /^Request\b/ },
  { path: '/settings', heading: /^Settings$/ },
]

/** Waits for the page's visible h1 to match, then returns every h1 text in the main region. */
async function headingOf(page: Page, name: string | RegExp): Promise<string[]> {
  const heading = page.locator('main').getByRole('heading', { level: 1, name })
  // Playwright's own limit (30 s): a page load on a busy machine may take more than a few seconds.
  await heading.waitFor({ state: 'visible' })
  return page.locator('main h1').allInnerTexts()
}

async function expectDeepLinkLoads(page: Page, origin: string, link: (typeof deepLinks)[number]) {
  const response = await page.goto(`${origin}${link.path}`)
  expect(response?.status()).toBe(200)
  expect(response?.headers()['content-type']).toMatch(/text\/html/)
  const headings = await headingOf(page, link.heading)
  expect(headings).toHaveLength(1)
  expect(new URL(page.url()).pathname).toBe(link.path)

  const reloaded = await page.reload()
  expect(reloaded?.status()).toBe(200)
  expect(await headingOf(page, link.heading)).toHaveLength(1)
  expect(new URL(page.url()).pathname).toBe(link.path)
}

// One page per server: every test loads its page itself (a full page load, as a new tab's).
describe('dev server', () => {
  const app = useBrowser({ pagePerFile: true })

  test('the main navigation reaches every page and each shows its heading', async () => {
    const { page } = app
    await page.goto('/')
    expect(await headingOf(page, 'New verification')).toEqual(['New verification'])

    const nav = page.getByRole('navigation', { name: 'Main' })
    for (const item of [...navigation.slice(1), navigation[0]!]) {
      await nav.getByRole('link', { name: item.link, exact: true }).click()
      await page.waitForURL((url) => url.pathname === item.path)
      expect(await headingOf(page, item.heading)).toEqual([item.heading])
      await expect.poll(() => page.title(), POLL).toBe(`${item.heading} · Verify Desk`)
    }
    expect(app.pageErrors.map((e) => e.message)).toEqual([])
  })

  test('an unknown path shows the not-found page', async () => {
    const { page } = app
    const response = await page.goto('/no/such/page')
    expect(response?.status()).toBe(200)
    expect(await headingOf(page, 'Page not found')).toEqual(['Page not found'])
  })

  for (const link of deepLinks) {
    test(`a deep link to ${link.path} loads directly and on reload`, async () => {
      await expectDeepLinkLoads(app.page, baseURL(), link)
      expect(app.pageErrors.map((e) => e.message)).toEqual([])
    })
  }
})

describe('production server (npm run serve)', () => {
  let server: RunningServer | undefined
  const app = useBrowser({ baseURL: () => server?.url ?? '', pagePerFile: true })

  // The build may be made here (and by a file running beside this one): the build's own limit.
  beforeAll(async () => {
    server = await startServer({ mode: 'preview', outDir: await sharedBuild() })
  }, 240_000)
  afterAll(async () => {
    await server?.close()
  })

  for (const link of deepLinks) {
    test(`a deep link to ${link.path} loads directly and on reload`, async () => {
      await expectDeepLinkLoads(app.page, server!.url, link)
      expect(app.pageErrors.map((e) => e.message)).toEqual([])
    })
  }

  test('the built app navigates between pages', async () => {
    const { page } = app
    await page.goto('/history')
    await headingOf(page, 'History')
    await navigateTo(page, 'Settings')
    await page.waitForURL((url) => url.pathname === '/settings')
    expect(await headingOf(page, 'Settings')).toEqual(['Settings'])
  })
})
