/**
 * The sandbox's live event stream, in a browser with many dashboard tabs open on a server that has
 * an access token (as support agents open request links in tabs):
 *
 * - one stream for the whole browser, however many tabs listen: Chromium allows six HTTP/1.1
 *   connections per host, so a stream per tab froze the dashboard at six tabs (every /api call hung
 *   and a seventh tab could not load);
 * - every tab still gets the live updates, also after the tab holding the stream is closed;
 * - a token entered in one tab reopens the stream of the others (on a first visit too);
 * - the token never appears in a URL (access logs and HAR exports keep URLs).
 */
import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { randomNumber, startServer, useBrowser, type RunningServer } from './support'

const TOKEN = 'e2e-shared-stream-0123456789abcdef0123'
const TABS = 7
/** Live updates come at once; the limit only bounds a broken run. */
const LIVE = { timeout: 20_000 }

let server: RunningServer | undefined
const app = useBrowser({ baseURL: () => server?.url ?? '' })

beforeAll(async () => {
  server = await startServer({ mode: 'dev', env: { VERIFY_DESK_TOKEN: TOKEN } })
})
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

/** The tester's own application starts a verification straight at the sandbox: an SMS is sent. */
async function sendSandboxSms(): Promise<string> {
  const { digits } = randomNumber()
  const query = new URLSearchParams({
    api_key: 'sandbox',
    api_secret: 'sandbox-secret',
    number: digits,
    brand: 'Tabs',
  })
  const answer = await fetch(`${server?.url}/sandbox/verify/json?${query}`, {
    headers: { 'X-Verify-Desk-Token': TOKEN },
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

describe('the live event stream, shared by the tabs of a browser', () => {
  test('seven tabs share one stream: each gets the live updates, API calls answer, the token stays out of URLs', async () => {
    const context = app.page.context()
    const seen = watchRequests(context)
    // Asked once: the first tab takes the token, the others find it stored.
    const first = app.page
    await first.goto('/handset')
    const prompt = first.getByRole('form', { name: 'This server needs an access token' })
    await prompt.getByLabel('Access token').fill(TOKEN)
    await prompt.getByLabel('Access token').press('Enter')
    await waitLive(first)

    const tabs = [first]
    for (let i = 1; i < TABS; i++) tabs.push(await openHandset(context))
    for (const tab of tabs) await waitLive(tab)
    expect(seen.openStreams()).toBe(1)

    // The seventh tab loaded, and its API calls answer: no connection is held up.
    expect(await apiAnswers(tabs[TABS - 1]!)).toBe(200)

    const digits = await sendSandboxSms()
    for (const tab of tabs) await waitForSms(tab, digits)

    // The tab holding the stream closes: another takes over, every other tab stays live.
    await first.close()
    const rest = tabs.slice(1)
    for (const tab of rest) await waitLive(tab)
    const next = await sendSandboxSms()
    for (const tab of rest) await waitForSms(tab, next)
    expect(seen.openStreams()).toBe(1)
    expect(await apiAnswers(rest[0]!)).toBe(200)

    const withToken = seen.urls.filter(
      (url) => url.includes(TOKEN) || /verify_desk_token/i.test(url),
    )
    expect(withToken).toEqual([])
    expect(seen.urls.some((url) => url.endsWith('/api/sandbox/__admin/events'))).toBe(true)
  }, 180_000)

  test('a token entered in one tab reopens the stream of the other, on a first visit', async () => {
    const context = app.page.context()
    const seen = watchRequests(context)
    const [a, b] = [app.page, await context.newPage()]
    await a.goto('/handset')
    await b.goto('/handset')
    const promptOf = (page: Page) =>
      page.getByRole('form', { name: 'This server needs an access token' })
    await promptOf(a).waitFor(LIVE)
    await promptOf(b).waitFor(LIVE)

    // Entered in B (which reloads): A takes it over, closes its prompt and goes live again.
    await promptOf(b).getByLabel('Access token').fill(TOKEN)
    await promptOf(b).getByLabel('Access token').press('Enter')
    await waitLive(b)
    await waitLive(a)
    expect(await promptOf(a).count()).toBe(0)

    const digits = await sendSandboxSms()
    await waitForSms(a, digits)
    await waitForSms(b, digits)
    expect(seen.openStreams()).toBe(1)
    expect(seen.urls.filter((url) => url.includes(TOKEN))).toEqual([])
  }, 120_000)
})
