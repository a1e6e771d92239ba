/**
 * The status-10 panel (a start refused because another request to the number is in progress) in
 * real Chromium against the real server, while its "Cancel the blocking request" has the focus:
 * a sandbox reset makes it say the request no longer exists (never a cancel of a request that is
 * gone), and a check by another client makes it say the request has ended. The focus goes to the
 * sentence that says it, never to the page's body, and that is all a screen reader hears of it:
 * neither the panel's own region nor the app's announcer says it again. A clock moved on while the
 * panel connects to the sandbox's event stream (and before its first load is done) still opens
 * its cancel.
 */
import type { Page } from 'playwright-core'
import { afterEach, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  axeViolations,
  baseURL,
  POLL,
  randomNumber,
  startFromOwnApp,
  useBrowser,
  holdRequests,
} from './support'

const app = useBrowser()

/** The focused element as `tag#id[data-test] "text"`, or `(body)`. */
function focusIs(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    const test = el.getAttribute('data-test')
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ')
    return `${el.localName}${el.id ? `#${el.id}` : ''}${test ? `[${test}]` : ''} "${text.trim().slice(0, 60)}"`
  })
}

/** Starts a request from the tester's own app, then the same number here: refused with status 10. */
async function refused(page: Page): Promise<string> {
  const number = randomNumber()
  await page.goto('/')
  await page.getByLabel('Phone number (number)').fill(number.typed)
  await page.getByLabel('Brand (brand)').fill('E2E Shop')
  // Started only now, the page loaded: the panel reads "cancel possible in" only in its first 30 s.
  const id = await startFromOwnApp(number.digits, 'Blocker')
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.getByRole('heading', { name: /^Status 10: / }).waitFor(POLL)
  return id
}

/**
 * Refused with status 10 (see `refused`), then the clock moves 31 s on, so the panel's cancel opens.
 * From then on, what a screen reader hears of the blocking request is recorded: the panel's own
 * region, the app's announcer (lines naming the request), and the sentence the focus goes to.
 */
async function refusedWithStatus10(page: Page): Promise<string> {
  const id = await refused(page)
  // Cancel opens 30 s after the start.
  await advanceClock(31)
  const cancel = page.getByRole('button', { name: 'Cancel the blocking request' })
  await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
  await cancel.focus()
  await page.locator('[data-testid="announcer"]').waitFor({ state: 'attached' })
  await page.evaluate(
    (short) => {
      const w = window as unknown as { __heard: string[] }
      w.__heard = []
      const textOf = (node: Node) => node.textContent?.replace(/\s+/g, ' ').trim() ?? ''
      const panelRegion = document.querySelector('[data-test="blocking-end-announcement"]')
      const announcer = document.querySelector('[data-testid="announcer"]')
      if (!panelRegion || !announcer) throw new Error('an announcement region is missing')
      // The panel's region: each text it takes (it is emptied before a message is said again).
      new MutationObserver(() => {
        const text = textOf(panelRegion)
        if (text) w.__heard.push(`panel: ${text}`)
      }).observe(panelRegion, { childList: true, characterData: true, subtree: true })
      // The app's announcer reads each line added (aria-relevant="additions").
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of record.addedNodes) {
            const text = textOf(node)
            if (text.includes(short)) w.__heard.push(`app: ${text}`)
          }
        }
      }).observe(announcer, { childList: true, subtree: true })
      // A sentence that gets the focus is read out as it gets it.
      document.addEventListener('focusin', (event) => {
        const el = event.target
        if (el instanceof HTMLElement && el.matches('[data-focus-on-end]')) {
          w.__heard.push(`focus: ${textOf(el)}`)
        }
      })
    },
    `…${id.slice(-6)}`,
  )
  return id
}

/** What a screen reader heard of the blocking request so far, in order. */
const heard = (page: Page) =>
  page.evaluate(() => (window as unknown as { __heard: string[] }).__heard)

/** The status history (IndexedDB) keeps for the request, once its poll or a read stored one. */
function storedStatus(page: Page, id: string): Promise<string | null> {
  return page.evaluate(async (requestId) => {
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const open = indexedDB.open('verify-desk')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const get = open.result.transaction('entries').objectStore('entries').getAll()
        get.onsuccess = () => resolve(get.result as unknown[])
        get.onerror = () => reject(get.error)
      }
    })
    const entry = all.find((e) => (e as { request_id: string }).request_id === requestId)
    return (entry as { status: string } | undefined)?.status ?? null
  }, id)
}

/**
 * History has stored `status` for the request: the app's announcer, which follows history, would
 * say the change now. It adds its line as soon as the page has taken the change in (a tick and a
 * render after the write), so a short settle here only lets a line that would come arrive: it
 * bounds a "nothing more is said" check, it waits for nothing to happen.
 */
async function historyHas(page: Page, id: string, status: string): Promise<void> {
  await expect.poll(() => storedStatus(page, id), POLL).toBe(status)
  await page.waitForTimeout(300)
}

afterEach(async () => {
  // Other files share the sandbox: the clock moved here is put back.
  await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
})

test('a sandbox reset: the panel says the request no longer exists, once, and the focus goes there', async () => {
  const { page } = app
  const id = await refusedWithStatus10(page)
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  expect(reset.status).toBe(200)

  const gone = page.locator('[data-test="blocking-not-found"]')
  await gone.waitFor(POLL)
  const goneText =
    'This request no longer exists: the sandbox was reset, and its requests went with it. It no longer blocks this number, and there is nothing left to cancel. Next: start again: the start goes through now.'
  expect((await gone.textContent())?.replace(/\s+/g, ' ').trim()).toBe(goneText)
  await expect
    .poll(() => focusIs(page), POLL)
    .toMatch(/^div\[blocking-not-found\] "This request no longer exists/)
  // History marks it gone (UNKNOWN): that brings no cancel back, and nobody says it again.
  await historyHas(page, id, 'UNKNOWN')
  expect(await heard(page)).toEqual([`focus: ${goneText}`])
  const panel = page.locator('[data-test="blocking-request"]')
  expect(await panel.getByRole('button', { name: 'Cancel the blocking request' }).count()).toBe(0)
  expect(await panel.textContent()).not.toMatch(/cancel possible|UNKNOWN/)
  expect(await gone.isVisible()).toBe(true)
  expect(await axeViolations(page)).toEqual([])

  // As it says: the start goes through now.
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.waitForURL(/\/requests\/[0-9a-f]{32}/, POLL)
})

test('verified by another client: the panel says it has ended, once, and the focus goes there', async () => {
  const { page } = app
  const id = await refusedWithStatus10(page)
  const query = new URLSearchParams({
    api_key: 'sandbox',
    api_secret: 'sandbox-secret',
    request_id: id,
    code: (await adminRequest(id)).pin,
  })
  const checked = await fetch(`${baseURL()}/sandbox/verify/check/json?${query.toString()}`)
  expect(((await checked.json()) as { status: string }).status).toBe('0')

  await expect
    .poll(() => focusIs(page), POLL)
    .toBe('p "It has ended (SUCCESS): you can start again now."')
  // History's poll has the new state too: the app's announcer leaves it to the sentence read out.
  await historyHas(page, id, 'SUCCESS')
  expect(await heard(page)).toEqual(['focus: It has ended (SUCCESS): you can start again now.'])
})

test('the clock moves on while the panel connects to the sandbox: its cancel opens all the same', async () => {
  const { page } = app
  // The panel's event stream connects slowly, and its first load (the look-up that adds the
  // request to history) is still on its way when the stream opens.
  const stream = '/api/sandbox/__admin/events'
  const releaseStream = await holdRequests(page, stream)
  const releaseLookUp = await holdRequests(page, '/api/sandbox/verify/search/json')
  await refused(page)
  const cancel = page.getByRole('button', { name: 'Cancel the blocking request' })
  // The panel has read the request and the clock: its cancel opens 30 s after the start.
  await expect
    .poll(() => page.locator('#blocking-cancel-reason').textContent(), POLL)
    .toMatch(/cancel possible in/)

  // Moved on before the stream is open: no event tells the panel of it.
  await advanceClock(31)
  const streamOpen = page.waitForResponse((response) => response.url().endsWith(stream))
  releaseStream()
  await streamOpen
  releaseLookUp()

  await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
  expect(await cancel.getAttribute('aria-describedby')).toBeNull()
})
