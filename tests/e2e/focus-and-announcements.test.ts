/**
 * What a keyboard and screen-reader user gets after each action, in real Chromium against the real
 * dev server and its sandbox: every answer said once (a repeated one too, never a countdown every
 * second, never the same change two or three times), and the focus kept on the control used or
 * handed to the answer when that control goes away, never dropped to the page's body.
 *
 * What a screen reader would say is read from the page as it changes: a script installed before the
 * app loads watches every live region (aria-live, role status, alert or log) and records each new
 * text in one (a text added to it, or its text changed), ignoring what is aria-hidden or inside a
 * part marked aria-live="off", and notes a region that appeared together with its text (screen
 * readers often miss those).
 */
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  baseURL,
  checkCode,
  POLL,
  randomNumber,
  startFromOwnApp,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

interface Said {
  text: string
  /** The region's role or aria-live, and its id or data-test. */
  region: string
  /** The region was inserted together with this text. */
  inserted: boolean
}

/** Installs the recorder of live-region changes (before any page script runs). */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]'
    const w = window as unknown as { __said: Said[] }
    w.__said = []
    const hidden = (node: Node, region: Element) => {
      const el = node.nodeType === 1 ? (node as Element) : node.parentElement
      const cover = el?.closest('[aria-hidden="true"], [aria-live="off"]')
      return !!cover && (cover === region || region.contains(cover))
    }
    const textOf = (root: Node, region: Element): string => {
      if (root.nodeType === 3) return (root.textContent ?? '').replace(/\s+/g, ' ').trim()
      let out = ''
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        if (!hidden(n, region)) out += ` ${n.textContent ?? ''}`
      return out.replace(/\s+/g, ' ').trim()
    }
    const name = (region: Element) =>
      `${region.getAttribute('role') ?? `aria-live=${region.getAttribute('aria-live')}`}${
        region.id ? `#${region.id}` : ''
      }${region.getAttribute('data-test') ? `[${region.getAttribute('data-test')}]` : ''}`
    new MutationObserver((records) => {
      const changed = new Set<Element>()
      for (const record of records) {
        const target = record.target.nodeType === 1 ? (record.target as Element) : null
        // The nearest live setting wins: a part marked aria-live="off" inside a region is not live.
        const nearest = (target ?? record.target.parentElement)?.closest(
          `${LIVE}, [aria-live="off"]`,
        )
        if (nearest?.matches('[aria-live="off"]')) continue
        const region = nearest
        if (!region) {
          // A region inserted with its text already in it.
          for (const added of Array.from(record.addedNodes)) {
            if (added.nodeType !== 1) continue
            const el = added as Element
            for (const inner of [el, ...Array.from(el.querySelectorAll(LIVE))]) {
              if (!inner.matches(LIVE) || inner.parentElement?.closest(LIVE)) continue
              const text = textOf(inner, inner)
              if (text) w.__said.push({ text, region: name(inner), inserted: true })
            }
          }
          continue
        }
        if (hidden(record.target, region)) continue
        if (record.type === 'characterData') changed.add(region)
        for (const added of Array.from(record.addedNodes)) {
          if (hidden(added, region)) continue
          const text = textOf(added, region)
          if (text) w.__said.push({ text, region: name(region), inserted: false })
        }
      }
      for (const region of changed) {
        const text = textOf(region, region)
        if (text) w.__said.push({ text, region: name(region), inserted: false })
      }
    }).observe(document, { subtree: true, childList: true, characterData: true })
  })
}

/** Everything said so far. */
function said(page: Page): Promise<Said[]> {
  return page.evaluate(() => (window as unknown as { __said: Said[] }).__said)
}

/** The element that has the focus, described (`(body)` when none). */
function focusIs(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ')
    return `${el.localName}${el.id ? `#${el.id}` : ''} "${text.trim().slice(0, 60)}"`
  })
}

/** A code that is not `pin`. */
function wrongFor(pin: string): string {
  return pin === '0000' ? '1111' : '0000'
}

afterEach(async () => {
  // A fault left by a failed test must not hit the next one.
  await fetch(`${baseURL()}/api/sandbox/__admin/faults`, { method: 'DELETE' })
})

describe('the request page', () => {
  test('two wrong codes are said twice; the third is said once, with FAILED, and the focus moves to it', async () => {
    const { page } = app
    await recordAnnouncements(page)
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')
    const wrong = wrongFor((await adminRequest(id)).pin)
    const outcome = page.locator('#action-outcome')

    await checkCode(page, wrong)
    await expect.poll(() => outcome.textContent(), POLL).toContain('Status 16')
    await checkCode(page, wrong)
    await expect.poll(() => outcome.textContent(), POLL).toContain('(2 times in a row)')
    const wrongCodes = (await said(page)).filter((s) => s.text.startsWith('Status 16'))
    expect(wrongCodes.map((s) => s.inserted)).toEqual([false, false])

    await page.getByLabel('Code from the message or call').fill(wrong)
    const button = page.getByRole('button', { name: 'Check code' })
    await button.focus()
    await page.keyboard.press('Enter')
    await waitForStatus(page, 'FAILED')
    // The focus, on the button until the code field and the button were turned off, is on the answer.
    await expect.poll(() => focusIs(page), POLL).toMatch(/^p#action-outcome "Status 17: /)
    // (The second wrong code's answer names FAILED as what one more would bring: not the change.)
    const failureSaid = async () =>
      (await said(page)).filter((s) => /is now failed|Status 17|Too many wrong codes/i.test(s.text))
    await expect.poll(async () => (await failureSaid()).length, POLL).toBeGreaterThan(0)
    // One polling round and the event stream have had their say: the change is still said once.
    await page.waitForTimeout(2_500)
    const aboutFailure = await failureSaid()
    expect(aboutFailure).toHaveLength(1)
    expect(aboutFailure[0]!.text).toMatch(/^Status 17: /)
    expect(aboutFailure[0]!.text).toContain(
      `Request …${id.slice(-6)} to +${number.digits} is now failed (FAILED).`,
    )
    await expect
      .poll(() => page.title(), POLL)
      .toBe(`Request …${id.slice(-6)} FAILED · Verify Desk`)
  })

  test('"Trigger next event" keeps the focus while it can be used; each answer is said, the last one as the last', async () => {
    const { page } = app
    await recordAnnouncements(page)
    const id = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    await expect
      .poll(() => page.title(), POLL)
      .toBe(`Request …${id.slice(-6)} IN PROGRESS · Verify Desk`)
    const next = page.getByRole('button', { name: 'Trigger next event' })
    const outcome = page.locator('#action-outcome')
    await next.focus()
    await page.keyboard.press('Enter')
    await expect
      .poll(() => outcome.textContent(), POLL)
      .toContain('The next message or call is on its way.')
    // Still usable (workflow 1 has one more call to send): it keeps the focus.
    await expect.poll(() => focusIs(page), POLL).toBe('button#next-event "Trigger next event"')
    await next.focus()
    await page.keyboard.press('Enter')
    const last =
      "The last message or call is on its way: a voice call (TTS), the request's last (no messages or calls are left after it)."
    await expect.poll(() => outcome.textContent(), POLL).toContain(last)
    // Turned off (workflow 1 has sent its last call): the focus is on its answer.
    await expect.poll(() => next.isDisabled(), POLL).toBe(true)
    await expect.poll(() => focusIs(page), POLL).toBe(`p#action-outcome "${last.slice(0, 60)}"`)
    const answers = (await said(page)).filter((s) =>
      /(next|last) message or call is on its way/.test(s.text),
    )
    expect(answers).toHaveLength(2)
  })

  test('the sandbox clock past expiry: the change is said once', async () => {
    const { page } = app
    await recordAnnouncements(page)
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')
    await advanceClock(3_600)
    await waitForStatus(page, 'EXPIRED')
    const expirySaid = async () =>
      (await said(page)).filter((s) => /EXPIRED|expired/.test(s.text)).map((s) => s.text)
    await expect.poll(async () => (await expirySaid()).length, POLL).toBeGreaterThan(0)
    // One polling round and the event stream have had their say: the change is still said once.
    await page.waitForTimeout(2_500)
    expect(await expirySaid()).toEqual([
      `Request …${id.slice(-6)} to +${number.digits} is now expired (EXPIRED).`,
    ])
  })

  test('money is shown in the currency style of the browser, its API value on hover', async () => {
    const { page } = app
    const id = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    await checkCode(page, (await adminRequest(id)).pin)
    await waitForStatus(page, 'SUCCESS')
    const price = page.locator('[data-test="price"] > span[title]').first()
    await price.waitFor()
    const raw = (await price.getAttribute('title'))!
    expect(raw).toMatch(/^\d+\.\d+ [A-Z]{3}$/)
    const [value, currency] = raw.split(' ')
    const expected = await page.evaluate(
      ([v, c]) =>
        new Intl.NumberFormat(undefined, {
          style: 'currency',
          currency: c,
          minimumFractionDigits: 2,
          maximumFractionDigits: 8,
        }).format(Number(v)),
      [value!, currency!],
    )
    expect(await price.textContent()).toBe(expected)
    expect(await page.locator('[data-test="price"]').textContent()).not.toContain(raw)
  })
})

describe('new verification', () => {
  test('status 10: the alert is said once while the blocking request counts down to its cancel', async () => {
    const { page } = app
    await recordAnnouncements(page)
    const number = randomNumber()
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    // Started only now, the page loaded: the countdown runs only in the blocker's first 30 s.
    await startFromOwnApp(number.digits, 'Blocker')
    const start = page.getByRole('button', { name: 'Start verification' })
    await start.click()
    await page.getByRole('heading', { name: /^Status 10: / }).waitFor()
    // The focus stayed on the button pressed (it was only aria-disabled while sending).
    await expect.poll(() => focusIs(page), POLL).toBe('button "Start verification"')

    // Two seconds of countdown, seen to change on the page.
    const reason = page.locator('#blocking-cancel-reason')
    const first = await reason.textContent()
    await expect.poll(() => reason.textContent(), POLL).not.toBe(first)
    const second = await reason.textContent()
    await expect.poll(() => reason.textContent(), POLL).not.toBe(second)

    const alerts = (await said(page)).filter((s) => s.region.startsWith('alert'))
    expect(alerts.map((s) => s.text.slice(0, 40))).toEqual([expect.stringMatching(/^Status 10: /)])
    expect((await said(page)).filter((s) => /possible in \d+ s/.test(s.text))).toEqual([])
  })

  test('"Send again" focuses the refilled form; "Dismiss" moves on to the form when none is left', async () => {
    const { page } = app
    const number = randomNumber()
    await fetch(`${baseURL()}/api/sandbox/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'request', count: 1, drop: true }),
    })
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    const again = page.getByRole('button', { name: `Send again to +${number.digits}` })
    await again.click()
    await expect.poll(() => focusIs(page), POLL).toMatch(/^input#number/)
    expect(await page.getByLabel('Phone number (number)').inputValue()).toBe(`+${number.digits}`)

    await page.getByRole('button', { name: `Dismiss the start to +${number.digits}` }).click()
    await expect.poll(() => focusIs(page), POLL).toMatch(/^input#number/)
  })
})

describe('sandbox controls', () => {
  test('+30 s, Inject fault and Clear all faults keep the focus; a refused count is focused and said', async () => {
    const { page } = app
    await recordAnnouncements(page)
    await page.goto('/controls')
    await page.getByRole('heading', { level: 1, name: 'Sandbox controls' }).waitFor()

    const plus30 = page.getByRole('button', { name: '+30 s' })
    await plus30.click()
    await page.getByText('Clock moved 30 s ahead.').waitFor()
    await expect.poll(() => focusIs(page), POLL).toBe('button#clock-plus-30 "+30 s"')

    await page.getByLabel('Next calls').fill('0')
    await page.getByRole('button', { name: 'Inject fault' }).click()
    await expect.poll(() => focusIs(page), POLL).toMatch(/^input#fault-count/)
    await expect
      .poll(async () => (await said(page)).map((s) => s.text), POLL)
      .toContain('Next calls: Enter a whole number of calls from 1 to 100.')

    await page.getByLabel('Next calls').fill('1')
    await page.getByLabel('Endpoint').selectOption('search')
    const inject = page.getByRole('button', { name: 'Inject fault' })
    await inject.click()
    await page.getByText('Next 1 call to search').waitFor()
    await expect.poll(() => focusIs(page), POLL).toBe('button "Inject fault"')

    await page.getByRole('button', { name: 'Clear all faults' }).click()
    await expect
      .poll(() => focusIs(page), POLL)
      .toBe('p#faults-none "No fault is active: every call is answered normally."')
  })

  test('a test number added then removed: the focus stays on Add, then goes to the number field', async () => {
    const { page } = app
    await page.goto('/controls')
    await page.getByRole('heading', { level: 1, name: 'Sandbox controls' }).waitFor()
    const digits = randomNumber().digits
    await page.getByLabel('Number', { exact: true }).fill(digits)
    await page.getByLabel('Fixed PIN').fill('2468')
    await page.getByRole('button', { name: 'Add test number' }).click()
    const remove = page.getByRole('button', { name: `Remove test number ${digits}` })
    await remove.waitFor()
    await expect.poll(() => focusIs(page), POLL).toBe('button "Add test number"')
    await remove.click()
    await remove.waitFor({ state: 'detached' })
    // Never the page's body: another number's Remove, or the number field.
    await expect
      .poll(() => focusIs(page), POLL)
      .toMatch(/^(button "Remove test number \d+"|input#test-number)/)
  })
})

describe('handset', () => {
  test('a message in German is marked lang="de-DE"', async () => {
    const { page } = app
    const number = randomNumber()
    const started = await fetch(
      `${baseURL()}/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=${number.digits}&brand=Shop&lg=de-de`,
    )
    const { request_id: id } = (await started.json()) as { request_id: string }
    await page.goto(`/handset?number=${number.digits}`)
    const bubble = page.getByRole('article').filter({ hasText: id }).locator('[lang]').first()
    await bubble.waitFor()
    expect(await bubble.getAttribute('lang')).toBe('de-DE')
  })
})
