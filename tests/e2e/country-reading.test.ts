/**
 * The `country` parameter in real Chromium against the real sandbox: the number's hint shows the
 * number the API reads with it, and a start that would go to another phone is blocked.
 */
import { describe, expect, test } from 'vitest'
import { baseURL, POLL, useBrowser } from './support'

// One page for the file: each test loads the form itself.
const app = useBrowser({ pagePerFile: true })

async function sandboxRequestsFor(digits: string): Promise<unknown[]> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests?number=${digits}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { requests: unknown[] }).requests
}

describe('a country parameter that would change the number', () => {
  test('+47 912 34 568 with IN is blocked, nothing reaches the sandbox; without IN it is the +47 number', async () => {
    const { page } = app
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill('+47 912 34 568')
    await page.getByLabel('Brand (brand)').fill('Acme')
    await page.getByText('More parameters').click()
    await page.getByLabel('Country parameter (country)').fill('IN')
    // Leaving the field shows its message (before the button is pressed, so nothing moves under it).
    await page.getByLabel('Country parameter (country)').blur()
    await expect
      .poll(() => page.locator('#number-hint').innerText(), POLL)
      .toContain('Sent as 4791234568 with country IN: the API reads it as 914791234568')
    await page.getByRole('button', { name: 'Start verification' }).click()
    const error = page.locator('#country-error')
    await error.waitFor()
    expect(await error.innerText()).toContain(
      'With country IN, the API reads 4791234568 as a number of India (+91 479 123 4568)',
    )
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('country')
    expect(await sandboxRequestsFor('914791234568')).toEqual([])

    // Without the country parameter, the number typed is the one read, and nothing blocks.
    await page.getByLabel('Country parameter (country)').fill('')
    await page.getByLabel('Country parameter (country)').blur()
    await expect
      .poll(() => page.locator('#number-hint').innerText(), POLL)
      .toContain('Sent as 4791234568 (+47 91 23 45 68).')
    await page.locator('#country-error').waitFor({ state: 'detached', ...POLL })
  })
  test('pressing Start straight from a field whose message appears as it is left still starts the check', async () => {
    const { page } = app
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill('+47 912 34 568')
    await page.getByLabel('Brand (brand)').fill('Acme')
    await page.getByText('More parameters').click()
    await page.getByLabel('Country parameter (country)').fill('IN')
    // No blur first: the press itself takes the focus from the field, whose message then appears
    // above the button and moves it down between the press and the release.
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.locator('#country-error').waitFor()
    // The press counted: the form was submitted and put the focus on the field to correct.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('country')
    expect(await sandboxRequestsFor('914791234568')).toEqual([])
  })
})
