import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { baseURL } from './browser'

/** A random, valid UK mobile number: `+447712xxxxxx` as typed, and its E.164 digits. */
export function randomNumber(): { typed: string; digits: string } {
  const tail = String(Math.floor(Math.random() * 1e6)).padStart(6, '0')
  return { typed: `+44 7712 ${tail}`, digits: `447712${tail}` }
}

/** What the sandbox knows about a request (its admin API, as a tester's script would read it). */
export async function adminRequest(id: string): Promise<{ pin: string; status: string }> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests/${id}`)
  expect(response.status).toBe(200)
  return (await response.json()) as { pin: string; status: string }
}

/** Moves the sandbox clock forward (its admin API). */
export async function advanceClock(seconds: number): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  })
  expect(response.status).toBe(200)
}

/** Live updates arrive within a few polling intervals; the limit only bounds a broken run. */
export const POLL = { timeout: 20_000 }

/** Starts a verification as the tester's own application would: straight at the sandbox. */
export async function startFromOwnApp(digits: string, brand: string): Promise<string> {
  const started = await fetch(
    `${baseURL()}/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=${digits}&brand=${brand}`,
  )
  const answer = (await started.json()) as { request_id: string; status: string }
  expect(answer.status).toBe('0')
  return answer.request_id
}

export const REQUEST_URL = /\/requests\/([0-9a-f]{32})/

/** Fills the New verification form and starts; returns the request_id the page opened. */
export async function startVerification(page: Page, typed: string): Promise<string> {
  await page.goto('/')
  await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
  await page.getByLabel('Phone number (number)').fill(typed)
  await page.getByLabel('Brand (brand)').fill('E2E Shop')
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.waitForURL(REQUEST_URL)
  return REQUEST_URL.exec(page.url())![1]!
}

/** The search status the request page shows (IN PROGRESS, SUCCESS, …). */
export function requestStatus(page: Page): Promise<string | null> {
  return page.locator('main .status[data-status]').first().getAttribute('data-status')
}

/**
 * Waits for the request page to show `status`, live (the test never reloads). Works in hooks too;
 * fails with the status last shown.
 */
export async function waitForStatus(page: Page, status: string): Promise<void> {
  try {
    await page.waitForFunction(
      (expected) =>
        document.querySelector('main .status[data-status]')?.getAttribute('data-status') ===
        expected,
      status,
      POLL,
    )
  } catch (error) {
    const shown = await requestStatus(page).catch(() => null)
    throw new Error(`the request page shows ${JSON.stringify(shown)}, not ${status}`, {
      cause: error,
    })
  }
}

/** The label of the code field on the request page. */
export const PIN_LABEL = 'Code from the message or call'

/** Enters `code` on the request page and checks it. */
export async function checkCode(page: Page, code: string): Promise<void> {
  await page.getByLabel(PIN_LABEL).fill(code)
  await page.getByRole('button', { name: 'Check code' }).click()
}

/** Follows a link of the main navigation (visible as a bar at desktop widths), as a user would. */
export async function navigateTo(page: Page, link: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click()
}

/**
 * Holds the page's requests to the API path ending in `path` until the returned function is
 * called: they then go on to the server unchanged (the network was only slow).
 */
export async function holdRequests(page: Page, path: string): Promise<() => void> {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route(
    (url) => url.pathname.endsWith(path),
    async (route) => {
      await released
      await route.continue()
    },
  )
  return release
}
