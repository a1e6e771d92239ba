/**
 * A check whose answer is slow, in real Chromium against the real server (the sandbox's late-answer
 * fault stands in for a slow Vonage): Calls made lists it as soon as it is sent, keeps it when the
 * page is reloaded before the answer (it may have reached the sandbox and used up an attempt), and shows
 * another tab the call on its way and then its answer in the same line.
 */
import type { Page } from 'playwright-core'
import type { AdminRequest } from '@contract/admin'
import { afterEach, describe, expect, test } from 'vitest'
import {
  adminRequest,
  baseURL,
  checkCode,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
  holdRequests,
} from './support'

const app = useBrowser()

/**
 * How late the sandbox processes a check meant to be still out when its page is reloaded: the
 * reload and the reloaded page's first read of the request must come before it.
 */
const CHECK_DELAY_MS = 12_000
/** Waits for the delayed check to be processed: the delay, then a poll's time. */
const AFTER_THE_DELAY = { timeout: CHECK_DELAY_MS + POLL.timeout }

/** Makes the sandbox answer the next check late (its admin API, as a tester's script would). */
async function nextCheckAnswersAfter(delayMs: number): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: 'check', count: 1, delay_ms: delayMs }),
  })
  expect(response.status).toBe(201)
}

/** Wrong codes the sandbox still allows for the request's PIN (its admin API). */
async function attemptsLeft(id: string): Promise<number> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests/${id}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as Pick<AdminRequest, 'attempts_left'>).attempts_left
}

/** A code that is not the request's PIN (same length). */
function wrongCode(pin: string): string {
  return pin.replace(/\d$/, (d) => String((Number(d) + 1) % 10))
}

/** The check calls listed in Calls made. */
function checkCalls(page: Page) {
  return page
    .getByRole('region', { name: 'Calls made' })
    .getByRole('listitem')
    .filter({ hasText: 'POST /verify/check/json' })
}

/** The check calls stored for `id` in this browser's history (IndexedDB), as the page sees them. */
function storedChecks(page: Page, id: string): Promise<{ pending?: boolean; body: unknown }[]> {
  return page.evaluate(
    (requestId) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('verify-desk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const read = db
            .transaction('calls')
            .objectStore('calls')
            .index('request_id')
            .getAll(requestId)
          read.onsuccess = () => {
            db.close()
            const records = read.result as {
              call: { path: string; pending?: boolean; body: unknown }
            }[]
            resolve(
              records
                .map((r) => r.call)
                .filter((c) => c.path.endsWith('/check/json'))
                .map(({ pending, body }) => ({ pending, body })),
            )
          }
          read.onerror = () => reject(read.error)
        }
      }),
    id,
  )
}

afterEach(async () => {
  // A fault left by a failed test must not hit the next file's check.
  await fetch(`${baseURL()}/api/sandbox/__admin/faults`, { method: 'DELETE' })
})

describe('a check whose answer is slow', () => {
  test('a reload before the answer keeps the check in Calls made: "it may have reached the sandbox"', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')
    const { pin } = await adminRequest(id)
    const attempts = await attemptsLeft(id)
    const code = wrongCode(pin)

    // Late enough that the reload below comes first however busy the machine (the page's answer
    // is cut off by the reload; the sandbox still processes the check then).
    await nextCheckAnswersAfter(CHECK_DELAY_MS)
    await checkCode(page, code)
    // Listed as sent, before any answer, and stored with the request (its PIN as typed: sandbox).
    const sent = checkCalls(page)
    await sent.filter({ hasText: 'sent, waiting for the answer' }).waitFor()
    await expect
      .poll(() => storedChecks(page, id), POLL)
      .toEqual([{ pending: true, body: { request_id: id, code } }])

    await page.reload()
    const kept = checkCalls(page)
    await kept
      .filter({ hasText: 'no answer received — it may have reached the sandbox' })
      .waitFor(POLL)
    expect(await kept.count()).toBe(1)
    const text = (await kept.textContent()) ?? ''
    // Neither failed nor answered: no HTTP status, no API status.
    expect(text).not.toMatch(/→ \d{3}|status \d/)
    expect(text).not.toContain('waiting for the answer')

    // The check did reach the sandbox and used up an attempt: the page was right to keep it.
    await expect.poll(() => attemptsLeft(id), AFTER_THE_DELAY).toBe(attempts - 1)
    // Its details still give the request as sent and a curl command to send it again by hand.
    await kept.locator('summary').click()
    expect(await kept.locator('pre').first().textContent()).toContain(`code=${code}`)
    await kept.getByRole('button', { name: 'Copy as curl' }).waitFor()
    expect(await kept.textContent()).toContain('curl ')
    expect(app.pageErrors).toEqual([])
  })

  test('another tab sees the check on its way, then its answer in the same line', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')
    const other = await page.context().newPage()
    try {
      await other.goto(`/requests/${id}`)
      await waitForStatus(other, 'IN PROGRESS')
      const { pin } = await adminRequest(id)

      // The check is held on its way (a slow network) until the other tab has shown it: a real
      // delay would race the other tab's update on a busy machine.
      const releaseCheck = await holdRequests(page, '/verify/check/json')
      await checkCode(page, wrongCode(pin))
      const there = checkCalls(other)
      // The other tab is not the one waiting: it says no answer is recorded (yet).
      await there.filter({ hasText: 'no answer received' }).waitFor(POLL)
      await checkCalls(page).filter({ hasText: 'sent, waiting for the answer' }).waitFor(POLL)
      // The answer arrives in the first tab and replaces the line in both.
      releaseCheck()
      await checkCalls(page).filter({ hasText: 'status 16' }).waitFor(POLL)
      await there.filter({ hasText: 'status 16' }).waitFor(POLL)
      expect(await there.count()).toBe(1)
      expect(await checkCalls(page).count()).toBe(1)
    } finally {
      await other.close()
    }
  })
})
