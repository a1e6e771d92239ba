/**
 * A sandbox reset while a request page is open, in real Chromium against the real server: the page
 * says at once that the request no longer exists, with no countdown running and no action left,
 * and neither it nor a deep link to an id the sandbox does not know logs a failed resource.
 */
import { expect, test } from 'vitest'
import {
  axeViolations,
  baseURL,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({ pagePerFile: true })

/** Failed resources and errors Chromium logged (a 404 is one: "Failed to load resource"). */
const failures = () => app.console.filter((line) => /^\[(error|requestfailed)\]/.test(line))

test('a reset while the request page is open: the request is gone at once, final', async () => {
  const { page } = app
  await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await page
    .getByText(/cancel possible in/)
    .first()
    .waitFor(POLL)

  // As Sandbox controls (or a tester's script) does.
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  expect(reset.status).toBe(200)

  const gone = page.locator('[data-test="request-gone"]')
  await gone.waitFor(POLL)
  expect(await gone.textContent()).toContain(
    'The sandbox was reset: this request no longer exists.',
  )
  expect(await page.locator('main .status[data-status]').count()).toBe(0)
  expect(await page.getByText(/cancel possible in/).count()).toBe(0)
  expect(await page.getByRole('button', { name: 'Cancel request' }).isDisabled()).toBe(true)
  expect(await page.getByRole('button', { name: 'Check code' }).isDisabled()).toBe(true)
  // The reload that follows (a search answering 101) does not bring "has just finished" back.
  await page.waitForFunction(
    () => !document.querySelector('.request-view button .spinner'),
    undefined,
    POLL,
  )
  expect(await page.getByText(/can take up to a minute/).count()).toBe(0)
  expect(await gone.isVisible()).toBe(true)
  expect(await axeViolations(page)).toEqual([])
  expect(failures()).toEqual([])
  expect(app.pageErrors).toEqual([])
})

test('a deep link to an id the sandbox does not know logs no failed resource', async () => {
  const { page } = app
  await page.goto(`/requests/${'e'.repeat(32)}`)
  await page.getByText('Status 101').first().waitFor(POLL)
  expect(failures()).toEqual([])
  expect(app.pageErrors).toEqual([])
})
