import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, inject, type TestContext } from 'vitest'
import { chromiumArgs, findBrowser } from './browser-path'

export { chromiumArgs }
import './provided'

/** Where screenshots and console logs of failed tests go (git-ignored). */
export const artifactsDir = fileURLToPath(new URL('../.artifacts/', import.meta.url))

/**
 * The base URL of this test file's dev server (see global-setup.ts): test files that run at the same
 * time each have their own, with its own sandbox, and those that run one after another in the same
 * worker share it (reset what you rely on).
 */
export function baseURL(): string {
  const urls = inject('baseURLs')
  // Vitest numbers the files running at once from 1 (never two running files with the same number).
  const slot = Number(process.env.VITEST_POOL_ID ?? '1')
  const url = urls?.[slot - 1]
  if (!url) {
    throw new Error(
      urls?.length
        ? `no dev server for test file slot ${slot}: the global setup started ${urls.length}`
        : 'no dev server: run the end-to-end tests with their global setup',
    )
  }
  return url
}

/**
 * Launches headless Chromium (the executable the global setup found). Each launch gets a fresh,
 * temporary user data dir that Playwright deletes on `close()`. Always close it (e.g. in `afterAll`).
 */
export async function launchBrowser(): Promise<Browser> {
  let executablePath = inject('browserPath') as string | undefined
  if (!executablePath) {
    const found = findBrowser()
    if ('error' in found) throw new Error(found.error)
    executablePath = found.path
  }
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs })
}

/**
 * The Chromium of the run: a connection to the one the global setup started (so test files do not
 * each start a browser), or a browser of its own when there is none. `close()` ends the connection
 * (and the contexts it made), or the browser it launched.
 */
export async function connectBrowser(): Promise<Browser> {
  const endpoint = inject('browserWSEndpoint') as string | undefined
  if (!endpoint) return launchBrowser()
  return chromium.connect(endpoint)
}

export interface OpenPage {
  page: Page
  context: BrowserContext
  /** Console messages, uncaught page errors and failed requests, one line each, in order. */
  console: string[]
  /** Uncaught exceptions thrown in the page. */
  pageErrors: Error[]
  close(): Promise<void>
}

/**
 * Opens a page in a new, isolated browser context whose relative URLs resolve against `base`
 * (the dev server by default), recording its console output. `contextOptions` are Playwright's
 * (e.g. `{ timezoneId: 'Asia/Kathmandu', colorScheme: 'dark' }`).
 */
export async function newPage(
  browser: Browser,
  base: string = baseURL(),
  contextOptions: BrowserContextOptions = {},
): Promise<OpenPage> {
  const context = await browser.newContext({ ...contextOptions, baseURL: base })
  const page = await context.newPage()
  const lines: string[] = []
  const pageErrors: Error[] = []
  page.on('console', (msg) => lines.push(`[${msg.type()}] ${msg.text()}`))
  page.on('pageerror', (err) => {
    pageErrors.push(err)
    lines.push(`[pageerror] ${err.stack ?? err.message}`)
  })
  page.on('requestfailed', (req) =>
    lines.push(`[requestfailed] ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`),
  )
  return { page, context, console: lines, pageErrors, close: () => context.close() }
}

function slug(text: string): string {
  return text
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100)
}

/**
 * Saves a screenshot and the console output of `open` to tests/e2e/.artifacts/, named after the
 * test. Returns the paths written.
 */
export async function saveArtifacts(open: OpenPage, ctx: TestContext): Promise<string[]> {
  mkdirSync(artifactsDir, { recursive: true })
  const file = basename(ctx.task.file?.name ?? 'test').replace(/\.test\.ts$/, '')
  const stem = join(artifactsDir, `${slug(file)}--${slug(ctx.task.name)}`)
  const written: string[] = []
  try {
    await open.page.screenshot({ path: `${stem}.png`, fullPage: true })
    written.push(`${stem}.png`)
  } catch (err) {
    open.console.push(`[harness] screenshot failed: ${String(err)}`)
  }
  const errors = (ctx.task.result?.errors ?? []).map((e) => e.message).join('\n')
  const log = [`url: ${open.page.url()}`, `error: ${errors}`, '', ...open.console].join('\n')
  writeFileSync(`${stem}.console.log`, `${log}\n`)
  written.push(`${stem}.console.log`)
  return written
}

export interface BrowserFixture {
  /** The page of the current test (a new context per test, or the file's with `pagePerFile`). */
  readonly page: Page
  /** The current page's console lines so far. */
  readonly console: string[]
  /** Uncaught exceptions thrown in the current page so far. */
  readonly pageErrors: Error[]
  /** The browser shared by the tests of this file. */
  readonly browser: Browser
}

/**
 * Registers hooks for the calling test file: a connection to the run's headless Chromium, a fresh
 * context and page per test, and on failure a screenshot + console log in tests/e2e/.artifacts/. Page and
 * browser are closed whether the test passes or fails.
 *
 * `pagePerFile: true` opens one context and page for the whole file instead: a test's first
 * `page.goto` then reuses what the browser already holds of the app (its modules, parsed and
 * compiled), about half the browser's work of a page load in a new context. Before each test the
 * page leaves the app and everything the app stored for the server's origin is removed (session
 * and local storage, IndexedDB, cookies, caches), its console lines and page errors start empty,
 * and its size, emulated media, routes and pointer are set back. For tests that load their page
 * themselves (`page.goto`) and change nothing else of the page or its context (`setOffline`, the
 * context's routes, permissions, init scripts): that would reach the next test.
 *
 * ```ts
 * const app = useBrowser()
 * test('history', async () => {
 *   await app.page.goto('/history')
 * })
 * ```
 */
export function useBrowser(
  options: {
    baseURL?: () => string
    contextOptions?: BrowserContextOptions
    pagePerFile?: boolean
  } = {},
): BrowserFixture {
  let browser: Browser | undefined
  let open: OpenPage | undefined
  const base = () => (options.baseURL ? options.baseURL() : baseURL())
  const openPage = () => {
    if (!browser) throw new Error('the browser did not start')
    return newPage(browser, base(), options.contextOptions)
  }

  beforeAll(async () => {
    browser = await connectBrowser()
  })
  beforeEach(async () => {
    // The file's page is opened for its first test, once the file's own hooks have run (its server
    // may be started in one).
    if (!options.pagePerFile || !open) {
      open = await openPage()
      return
    }
    // Everything the app keeps in the browser for the server's origin goes: with no page of the app
    // open (whatever it writes as it goes is written), its local storage, IndexedDB, cookies and
    // caches, then, from a document of that origin that is not the app (its icon), the tab's session
    // storage. The test's own page load starts as in a new browser. A page that cannot be reset
    // gives way to a new one.
    const current = open
    const reset = async () => {
      const origin = new URL(base()).origin
      await current.page.goto('about:blank')
      const cdp = await current.context.newCDPSession(current.page)
      try {
        await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })
      } finally {
        await cdp.detach()
      }
      const icon = await current.page.goto(`${origin}/favicon.svg`)
      if (!icon?.ok()) throw new Error(`${origin}/favicon.svg did not load`)
      await current.page.evaluate(() => sessionStorage.clear())
      // What a test may set on the page itself: its size, emulated media, routes, the pointer.
      const given = options.contextOptions ?? {}
      await current.page.setViewportSize(given.viewport ?? { width: 1280, height: 720 })
      await current.page.emulateMedia({
        media: null,
        colorScheme: given.colorScheme ?? 'light',
        reducedMotion: given.reducedMotion ?? 'no-preference',
        forcedColors: given.forcedColors ?? 'none',
      })
      await current.page.unrouteAll({ behavior: 'ignoreErrors' })
      // The pointer goes back where a new page has it: left over where the last test clicked, it
      // would hover whatever the next page shows there (its colours, a tooltip).
      await current.page.mouse.move(0, 0)
      current.console.length = 0
      current.pageErrors.length = 0
    }
    const done = await reset().then(
      () => true,
      () => false,
    )
    if (!done) {
      await current.close()
      open = await openPage()
    }
  })
  afterEach(async (ctx) => {
    const current = open
    if (!options.pagePerFile) open = undefined
    if (!current) return
    try {
      // A page the test never opened (it drove another one) has nothing to show.
      if (ctx.task.result?.state === 'fail' && current.page.url() !== 'about:blank') {
        const paths = await saveArtifacts(current, ctx)
        console.error(`e2e failure artifacts:\n  ${paths.join('\n  ')}`)
      }
    } finally {
      if (!options.pagePerFile) await current.close()
    }
  })
  afterAll(async () => {
    await open?.close()
    open = undefined
    await browser?.close()
    browser = undefined
  })

  return {
    get page() {
      if (!open) throw new Error('no page: use it inside a test')
      return open.page
    },
    get console() {
      return open?.console ?? []
    },
    get pageErrors() {
      return open?.pageErrors ?? []
    },
    get browser() {
      if (!browser) throw new Error('no browser: use it inside a test')
      return browser
    },
  }
}
