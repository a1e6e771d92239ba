/**
 * A check sent on a request History does not hold yet (the look-up that would have added it was
 * refused), in real Chromium against the real server: the page is reloaded while the check is out
 * (the sandbox's late-answer fault stands in for a slow Vonage), so the browser cuts the call off.
 * The check is not lost: the reloaded page lists it as sent with no answer recorded, stores it
 * with the request once the request is in History, and once a read of the request lists it says
 * the sandbox processed it. It never says the check was not processed.
 */
import type { Page } from 'playwright-core'
import type { AdminFaultInput, AdminRequest } from '@contract/admin'
import { afterEach, describe, expect, test } from 'vitest'
import {
  adminRequest,
  baseURL,
  checkCode,
  POLL,
  randomNumber,
  startFromOwnApp,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

/** Makes the next calls to an endpoint misbehave (the sandbox's admin API, as a script would). */
async function fault(input: AdminFaultInput): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  expect(response.status).toBe(201)
}

/** How many injected faults the sandbox has still to apply. */
async function faultsLeft(): Promise<number> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/faults`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { faults: { remaining: number }[] }
  return body.faults.reduce((sum, f) => sum + f.remaining, 0)
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

/** What this browser's history (IndexedDB) holds of `id`: its entry, and its check calls. */
function stored(
  page: Page,
  id: string,
): Promise<{ entry: boolean; checks: { pending?: boolean; body: unknown }[] }> {
  return page.evaluate(
    (requestId) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('verify-desk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction(['entries', 'calls'])
          const entry = tx.objectStore('entries').getKey(requestId)
          const calls = tx.objectStore('calls').index('request_id').getAll(requestId)
          tx.oncomplete = () => {
            db.close()
            const records = calls.result as {
              call: { path: string; pending?: boolean; body: unknown }
            }[]
            resolve({
              entry: entry.result !== undefined,
              checks: records
                .map((r) => r.call)
                .filter((c) => c.path.endsWith('/check/json'))
                .map(({ pending, body }) => ({ pending, body })),
            })
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    id,
  )
}

/**
 * Notes, from the moment each document of the page starts, whether it ever says a check was not
 * processed (in any words of the page: the call's line, its details, the answer, the code field).
 */
async function watchForNotProcessed(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = window as unknown as { saidNotProcessed?: boolean }
    seen.saidNotProcessed = false
    new MutationObserver(() => {
      if (document.body?.textContent?.includes('not processed')) seen.saidNotProcessed = true
    }).observe(document, { subtree: true, childList: true, characterData: true })
  })
}

function saidNotProcessed(page: Page): Promise<boolean | undefined> {
  return page.evaluate(() => (window as unknown as { saidNotProcessed?: boolean }).saidNotProcessed)
}

afterEach(async () => {
  // A fault left by a failed test must not hit the next file's calls.
  await fetch(`${baseURL()}/api/sandbox/__admin/faults`, { method: 'DELETE' })
})

describe('a check on a request not in History yet, and the page is reloaded while it is out', () => {
  test('is listed after the reload as sent with no answer, stored with its request, and said processed once a read lists it', async () => {
    const { page } = app
    await watchForNotProcessed(page)
    const number = randomNumber()
    const id = await startFromOwnApp(number.digits, 'E2EShop')
    // The search that would add the request to History as a look-up is refused.
    await fault({ endpoint: 'search', count: 1, status: '5' })
    await page.goto(`/requests/${id}`)
    // The first page a server opens may wait for its code to be built.
    await page
      .getByRole('heading', { level: 1, name: `Request ${id}` })
      .waitFor({ timeout: 60_000 })
    await waitForStatus(page, 'IN PROGRESS')
    await expect.poll(faultsLeft, POLL).toBe(0)
    expect((await stored(page, id)).entry).toBe(false)

    const { pin } = await adminRequest(id)
    const attempts = await attemptsLeft(id)
    const code = wrongCode(pin)
    await fault({ endpoint: 'check', count: 1, delay_ms: 12_000 })
    await checkCode(page, code)
    await checkCalls(page).filter({ hasText: 'sent, waiting for the answer' }).waitFor(POLL)
    // Its request is not in History: nothing of the check is stored yet.
    expect(await stored(page, id)).toEqual({ entry: false, checks: [] })

    // Leaving now asks first (closing the tab would lose the check); the reload goes ahead.
    const asked: string[] = []
    page.once('dialog', (dialog) => {
      asked.push(dialog.type())
      void dialog.accept()
    })
    await page.reload()
    expect(asked).toEqual(['beforeunload'])

    // Listed at once as sent with no answer recorded (a read before the sandbox got to the check
    // leaves it in doubt: "it may have reached the sandbox").
    const kept = checkCalls(page)
    await kept.filter({ hasText: 'no answer received —' }).waitFor(POLL)
    expect(await kept.count()).toBe(1)
    const text = (await kept.textContent()) ?? ''
    // Neither failed nor answered: no HTTP status, no API status, no connection failure.
    expect(text).not.toMatch(/→ \d{3}|status \d|network/)
    // The reloaded page added the request to History, and the check is stored with it, as sent.
    await expect
      .poll(() => stored(page, id), POLL)
      .toEqual({ entry: true, checks: [{ pending: true, body: { request_id: id, code } }] })

    // The sandbox processes the check; a read of the request then lists it.
    await expect.poll(() => attemptsLeft(id), POLL).toBe(attempts - 1)
    await page.getByRole('button', { name: 'Refresh', exact: true }).first().click()
    await kept.filter({ hasText: 'a later read shows the sandbox processed it' }).waitFor(POLL)
    expect(await kept.count()).toBe(1)
    expect(await saidNotProcessed(page)).toBe(false)
    expect(app.pageErrors).toEqual([])
  }, 120_000)
})
