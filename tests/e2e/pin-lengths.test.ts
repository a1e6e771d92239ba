/**
 * Codes of another length than the request's, in real Chromium against the real server: a test
 * number's fixed 6-digit PIN on a 4-digit request is sent and verifies it, a 5-digit wrong code is
 * sent and answered status 16: the page blocks neither.
 */
import { afterEach, expect, test } from 'vitest'
import {
  baseURL,
  checkCode,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

// One page for the file: each test starts its verification from the form, loaded anew.
const app = useBrowser({ pagePerFile: true })
let testNumber: string | null = null

/** Gives `digits` a fixed PIN (the sandbox admin API, as Sandbox controls does). */
async function fixPin(digits: string, pin: string): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/test-numbers`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number: digits, pin }),
  })
  expect(response.ok).toBe(true)
  testNumber = digits
}

afterEach(async () => {
  if (testNumber) {
    await fetch(`${baseURL()}/api/sandbox/__admin/test-numbers/${testNumber}`, {
      method: 'DELETE',
    })
    testNumber = null
  }
})

test("a test number's fixed 6-digit PIN verifies a 4-digit request", async () => {
  const { page } = app
  const { typed, digits } = randomNumber()
  await fixPin(digits, '123456')
  await startVerification(page, typed)
  await waitForStatus(page, 'IN PROGRESS')
  await checkCode(page, '123456')
  await waitForStatus(page, 'SUCCESS')
  expect(await page.getByText('The code has 4 digits.').count()).toBe(0)
  expect(app.pageErrors).toEqual([])
})

test('a wrong code of another length is sent and answered status 16', async () => {
  const { page } = app
  await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await checkCode(page, '12345')
  await page.getByText('Status 16').first().waitFor()
  expect(await page.getByText('The code has 4 digits.').count()).toBe(0)
  expect(app.pageErrors).toEqual([])
})
