/**
 * The sandbox's live event stream, in a browser with many dashboard tabs open on the production
 * server with an access token (as support agents open request links in tabs):
 *
 * - one stream for the whole browser, however many tabs listen: Chromium allows six HTTP/1.1
 *   connections per host, so a stream per tab froze the dashboard at six tabs (every /api call hung
 *   and a seventh tab could not load);
 * - every tab still gets the live updates, also after the tab holding the stream is closed;
 * - a token entered in one tab reopens the stream of the others (on a first visit too), and after a
 *   restart with a new token even a tab showing only the handset asks for it;
 * - the token never appears in a URL (access logs and HAR exports keep URLs).
 */
import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { randomNumber, sharedBuild, startServer, useBrowser, type RunningServer } from './support'

const TOKEN = 'e2e-shared-stream-0123456789abcdef0123'
const NEW_TOKEN = 'e2e-shared-stream-new-0123456789abcdef'
const TABS = 7
/** Live updates come at once; the limit only bounds a broken run. */
const LIVE = { timeout: 20_000 }

let outDir: string | undefined
let server: RunningServer | undefined
const app = useBrowser({ baseURL: () => server?.url ?? '' })

/** The production server (`npm run serve`) over the build, with an access token. */
function serve(token: string, port?: number): Promise<RunningServer> {
  return startServer({
    mode: 'preview',
    outDir: outDir!,
    env: { VERIFY_DESK_TOKEN: token },
    // Restarted at the same address by a test: a port no other server or connection can take
    // while it is down.
    ...(port === undefined ? { restartable: true } : { port }),
  })
}

// The build may be made here (and by a file running beside this one): the build's own limit.
beforeAll(async () => {
  outDir = await sharedBuild()
}, 240_000)
afterAll(async () => {
  await server?.close()
})

const isStream = (request: Request) =>
  new URL(request.url()).pathname === '/api/sandbox/__admin/events'

/** Every request URL of the context, and the event streams open right now. */
function watchRequests(context: BrowserContext): { urls: string[]; openStreams: () => number } {
  const urls: string[] = []
  const open = new Set<Request>()
  context.on('request', (request) => {
    urls.push(request.url())
    if (isStream(request)) open.add(request)
  })
  context.on('requestfinished', (request) => open.delete(request))
  context.on('requestfailed', (request) => open.delete(request))
  // A closed tab's requests end without an event: they are open no more.
  const openStreams = () => [...open].filter((request) => !request.frame().page().isClosed()).length
  return { urls, openStreams }
}

/** The URLs that carry a token, in any form. */
function withToken(urls: string[]): string[] {
  return urls.filter(
    (url) => url.includes(TOKEN) || url.includes(NEW_TOKEN) || /verify_desk_token/i.test(url),
  )
}

/** The tester's own application starts a verification straight at the sandbox: an SMS is sent. */
async function sendSandboxSms(token = TOKEN): Promise<string> {
  const { digits } = randomNumber()
  const query = new URLSearchParams({
    api_key: 'sandbox',
    api_secret: 'sandbox-secret',
    number: digits,
    brand: 'Tabs',
  })
  const answer = await fetch(`${server?.url}/sandbox/verify/json?${query}`, {
    headers: { 'X-Verify-Desk-Token': token },
  })
  expect(((await answer.json()) as { status: string }).status).toBe('0')
  return digits
}

async function openHandset(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.goto('/handset')
  return page
}

async function waitLive(page: Page): Promise<void> {
  await page.locator('.handset-view__connection[data-state="open"]').waitFor(LIVE)
}

/** The handset in `page` lists the SMS to `digits` without a reload. */
async function waitForSms(page: Page, digits: string): Promise<void> {
  await page.getByText(`+${digits}`).first().waitFor(LIVE)
}

const promptOf = (page: Page) =>
  page.getByRole('form', { name: 'This server needs an access token' })

/** Types the token into the page's prompt and sends it (the page then reloads). */
async function enterToken(page: Page, token: string): Promise<void> {
  const field = promptOf(page).getByLabel('Access token')
  await field.fill(token)
  await field.press('Enter')
}

/** An API call from `page` answers (bounded, so a blocked connection fails the test). */
function apiAnswers(page: Page): Promise<number> {
  return page.evaluate(async (token) => {
    const answer = await fetch('/api/sandbox/__admin/clock', {
      headers: { 'X-Verify-Desk-Token': token },
      signal: AbortSignal.timeout(10_000),
    })
    return answer.status
  }, TOKEN)
}

/**
 * Opens seven handset tabs in `first`'s browser context (the token entered in the first) and checks
 * they share one stream, each gets a sandbox SMS live, the seventh's API calls answer, and closing
 * the tab holding the stream hands it to another; no URL carries the token.
 */
async function sevenTabs(
  first: Page,
  check?: (first: Page) => Promise<void>,
): Promise<{ urls: string[] }> {
  const context = first.context()
  const seen = watchRequests(context)
  // Asked once: the first tab takes the token, the others find it stored.
  await first.goto('/handset')
  await enterToken(first, TOKEN)
  await waitLive(first)
  await check?.(first)

  const tabs = [first]
  for (let i = 1; i < TABS; i++) tabs.push(await openHandset(context))
  for (const tab of tabs) await waitLive(tab)
  // A stream that has ended (a refused one, one of a reloaded page) may be reported so a moment later.
  await expect.poll(() => seen.openStreams(), LIVE).toBe(1)

  // The seventh tab loaded, and its API calls answer: no connection is held up.
  expect(await apiAnswers(tabs[TABS - 1]!)).toBe(200)

  const digits = await sendSandboxSms()
  for (const tab of tabs) await waitForSms(tab, digits)

  // The tab holding the stream (the first to listen) closes: another takes over, all stay live.
  await first.close()
  const rest = tabs.slice(1)
  for (const tab of rest) await waitLive(tab)
  const next = await sendSandboxSms()
  for (const tab of rest) await waitForSms(tab, next)
  // Six tabs claim at once. Without Web Locks, a claim that comes late on a busy machine can let
  // two tabs lead for a moment: the later one hears the other and steps down, back to one stream.
  await expect.poll(() => seen.openStreams(), LIVE).toBe(1)
  expect(await apiAnswers(rest[0]!)).toBe(200)

  expect(seen.urls.some((url) => url.endsWith('/api/sandbox/__admin/events'))).toBe(true)
  return { urls: seen.urls }
}

describe('the live event stream, shared by the tabs of a browser', () => {
  beforeAll(async () => {
    server = await serve(TOKEN)
  })

  test('seven tabs share one stream: each gets the live updates, API calls answer, the token stays out of URLs', async () => {
    const { urls } = await sevenTabs(app.page)
    expect(withToken(urls)).toEqual([])
  }, 180_000)

  test('the same without Web Locks, as over plain HTTP to another machine (no secure context)', async () => {
    // navigator.locks exists only in secure contexts (https, localhost): hide it, as such a page sees.
    await app.page.context().addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'locks', {
        configurable: true,
        get: () => undefined,
      })
    })
    const { urls } = await sevenTabs(app.page, async (first) => {
      expect(await first.evaluate(() => navigator.locks === undefined)).toBe(true)
    })
    expect(withToken(urls)).toEqual([])
  }, 180_000)

  test('a token entered in one tab reopens the stream of the other, on a first visit', async () => {
    const context = app.page.context()
    const seen = watchRequests(context)
    const [a, b] = [app.page, await context.newPage()]
    await a.goto('/handset')
    await b.goto('/handset')
    await promptOf(a).waitFor(LIVE)
    await promptOf(b).waitFor(LIVE)

    // Entered in B (which reloads): A takes it over, closes its prompt and goes live again.
    await enterToken(b, TOKEN)
    await waitLive(b)
    await waitLive(a)
    expect(await promptOf(a).count()).toBe(0)

    const digits = await sendSandboxSms()
    await waitForSms(a, digits)
    await waitForSms(b, digits)
    await expect.poll(() => seen.openStreams(), LIVE).toBe(1)
    expect(withToken(seen.urls)).toEqual([])
  }, 120_000)
})

describe('the live event stream after the server restarts with a new token', () => {
  beforeAll(async () => {
    await server?.close()
    server = await serve(TOKEN)
  })

  test('every listening tab asks for the new token, and all go live again once it is entered in one', async () => {
    const context = app.page.context()
    const seen = watchRequests(context)
    const [a, b] = [app.page, await context.newPage()]
    await a.goto('/handset')
    await enterToken(a, TOKEN)
    await waitLive(a)
    await b.goto('/handset')
    await waitLive(b)

    // Same address, new token. The handset makes no call of its own: only the stream notices.
    const port = Number(new URL(server!.url).port)
    await server!.close()
    server = await serve(NEW_TOKEN, port)
    const refused = 'The token in use was refused: enter the current one.'
    // The stream waits a little longer after each failed try while the server is away.
    for (const tab of [a, b]) await tab.getByText(refused).waitFor({ timeout: 60_000 })

    await enterToken(b, NEW_TOKEN)
    await waitLive(b)
    await waitLive(a)
    expect(await promptOf(a).count()).toBe(0)
    const digits = await sendSandboxSms(NEW_TOKEN)
    await waitForSms(a, digits)
    await waitForSms(b, digits)
    await expect.poll(() => seen.openStreams(), LIVE).toBe(1)
    expect(withToken(seen.urls)).toEqual([])
  }, 150_000)
})
