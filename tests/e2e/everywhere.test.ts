/**
 * The qualities every page of the dashboard must have, in real Chromium against the real dev server
 * and its sandbox: no serious accessibility violations (axe-core) in light and dark, a name on every
 * control, the main flow by keyboard alone, no sideways scrolling on a laptop or a phone, dark mode
 * following the system, status changes announced to screen readers, local times with UTC on hover.
 */
import type { BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  adminRequest,
  axeViolations,
  baseURL,
  checkCode,
  navigateTo,
  horizontalOverflow,
  newPage,
  PIN_LABEL,
  POLL,
  randomNumber,
  REQUEST_URL,
  saveArtifacts,
  startFromOwnApp,
  startVerification,
  unnamedControls,
  useBrowser,
  waitForStatus,
  type OpenPage,
} from './support'

/** A time zone 5 h 45 min off UTC: a local time can never be mistaken for the UTC one. */
const TIME_ZONE = 'Asia/Kathmandu'
const contextOptions: BrowserContextOptions = { timezoneId: TIME_ZONE, locale: 'en-GB' }
const app = useBrowser({ contextOptions })

const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const NARROWEST = { width: 320, height: 640 }
const SCHEMES = ['light', 'dark'] as const

/** The main navigation's links. */
const NAV_LINKS = [
  'New verification',
  'History',
  'Look up',
  'Handset',
  'Sandbox controls',
  'Settings',
]

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' })
}

/** Presses Tab until `target` has the focus; fails after `max` presses. Returns the stops passed. */
async function tabTo(
  page: Page,
  target: ReturnType<Page['locator']>,
  max = 40,
): Promise<FocusStop[]> {
  const stops: FocusStop[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    stops.push(await focusStop(page))
    if (await target.evaluate((el) => el === document.activeElement)) return stops
  }
  throw new Error(
    `Tab never reached the control after ${max} presses; focus went: ${stops.map((s) => s.what).join(' → ')}`,
  )
}

interface FocusStop {
  what: string
  /** The focused element shows a focus indicator (outline or box shadow). */
  indicated: boolean
}

/**
 * Describes the focused element and whether it shows that it has the focus: a visible outline or
 * box shadow on it or, for a control hidden behind its label (a styled file input), on that label.
 */
function focusStop(page: Page): Promise<FocusStop & { seen: boolean }> {
  return page.evaluate(() => {
    const w = window as unknown as { focusSeen?: WeakSet<Element>; focusLast?: Element }
    const seenBefore = (w.focusSeen ??= new WeakSet())
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return { what: '(body)', indicated: true, seen: false }
    // A date field takes several presses (day, month, year) on the same element.
    const again = el === w.focusLast
    const seen = seenBefore.has(el) && !again
    seenBefore.add(el)
    w.focusLast = el
    const shows = (node: Element) => {
      const style = getComputedStyle(node)
      const outline =
        style.outlineStyle !== 'none' &&
        parseFloat(style.outlineWidth) > 0 &&
        style.outlineColor !== 'rgba(0, 0, 0, 0)'
      return outline || style.boxShadow !== 'none'
    }
    const rect = el.getBoundingClientRect()
    const hidden = rect.width <= 1 || rect.height <= 1
    const shown = hidden ? el.closest('label') : el
    const indicated = shown !== null && shows(shown)
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 40)
    return { what: `${el.localName}${el.id ? `#${el.id}` : ''} "${name}"`, indicated, seen }
  })
}

/**
 * Tabs through the whole page, from where the focus is until it comes back to a control it already
 * visited (or `max` presses), and returns every stop.
 */
async function tabThrough(page: Page, max = 150): Promise<FocusStop[]> {
  await page.evaluate(() => {
    const w = window as unknown as { focusSeen?: WeakSet<Element>; focusLast?: Element }
    delete w.focusSeen
    delete w.focusLast
  })
  const stops: FocusStop[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const stop = await focusStop(page)
    if (stop.seen) break
    if (stops.at(-1)?.what !== stop.what) stops.push({ what: stop.what, indicated: stop.indicated })
  }
  return stops
}

describe('every page', () => {
  let shared: OpenPage
  let seeded: { id: string; digits: string; typed: string; doneId: string }

  /** The pages checked, each with what shows it is ready (data loaded, not a spinner). */
  const pages: {
    name: string
    path: () => string
    ready: (page: Page) => Promise<void>
  }[] = [
    {
      name: 'new verification',
      path: () => '/',
      ready: async (page) => {
        await page.getByRole('button', { name: 'Start verification' }).waitFor()
      },
    },
    {
      name: 'new verification with field errors',
      path: () => '/',
      ready: async (page) => {
        await page.getByLabel('Phone number (number)').fill('12')
        await page.getByRole('button', { name: 'Start verification' }).click()
        await page.locator('main [aria-invalid="true"]').first().waitFor()
      },
    },
    {
      name: 'new verification refused with status 10 and its blocking request',
      path: () => '/',
      ready: async (page) => {
        // A blocking request of its own, started now: its cancel reason shows only in its first
        // 30 s (Verify allows a cancel from then), however long the pages before took.
        const blocker = randomNumber()
        await startFromOwnApp(blocker.digits, 'E2E Shop')
        await page.getByLabel('Phone number (number)').fill(blocker.typed)
        await page.getByLabel('Brand (brand)').fill('E2E Shop')
        await page.getByRole('button', { name: 'Start verification' }).click()
        await page.getByRole('button', { name: 'Cancel the blocking request' }).waitFor()
        await page.locator('#blocking-cancel-reason').waitFor()
      },
    },
    {
      name: 'request page of a real request',
      path: () => `/requests/${seeded.id}`,
      ready: async (page) => {
        await waitForStatus(page, 'IN PROGRESS')
        await page.getByText(/1 attempt left|2 attempts left/).waitFor()
      },
    },
    {
      name: 'request page of a verified request, its calls opened',
      path: () => `/requests/${seeded.doneId}`,
      ready: async (page) => {
        await waitForStatus(page, 'SUCCESS')
        const summaries = page.locator('main details > summary')
        await summaries.first().waitFor()
        for (const summary of await summaries.all()) await summary.click()
      },
    },
    {
      name: 'history with entries',
      path: () => '/history',
      ready: async (page) => {
        await page.getByRole('row').filter({ hasText: seeded.id }).waitFor()
      },
    },
    {
      name: 'history asking to confirm clear all',
      path: () => '/history',
      ready: async (page) => {
        await page.getByRole('row').filter({ hasText: seeded.id }).waitFor()
        await page.getByRole('button', { name: 'Clear all…' }).click()
        await page.getByRole('group', { name: /Delete all/ }).waitFor()
      },
    },
    {
      name: 'look up with results',
      path: () => '/lookup',
      ready: async (page) => {
        await page
          .getByRole('textbox', { name: 'Request IDs' })
          .fill(`${seeded.id}\n${'0'.repeat(32)}`)
        await page.getByRole('button', { name: /^Look up/ }).click()
        await page.getByText(/101/).first().waitFor()
      },
    },
    {
      name: 'handset with a message',
      path: () => `/handset?number=${seeded.digits}`,
      ready: async (page) => {
        await page.getByRole('article').filter({ hasText: seeded.id }).first().waitFor()
        await page
          .getByRole('button', { name: /^Add to history/ })
          .first()
          .waitFor()
      },
    },
    {
      name: 'sandbox controls',
      path: () => '/controls',
      ready: async (page) => {
        await page.getByRole('button', { name: '+30 s' }).waitFor()
      },
    },
    {
      name: 'sandbox controls asking to confirm a reset',
      path: () => '/controls',
      ready: async (page) => {
        await page.getByRole('button', { name: 'Reset the sandbox…' }).click()
        await page.getByRole('group', { name: /Reset the sandbox/ }).waitFor()
      },
    },
    {
      name: 'page not found',
      path: () => '/no/such/page',
      ready: async (page) => {
        await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor()
      },
    },
    {
      name: 'settings',
      path: () => '/settings',
      ready: async (page) => {
        await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
      },
    },
  ]

  beforeAll(async () => {
    shared = await newPage(app.browser, baseURL(), contextOptions)
    const { page } = shared
    // A verified request, with its calls.
    const done = await startVerification(page, randomNumber().typed)
    await checkCode(page, (await adminRequest(done)).pin)
    await waitForStatus(page, 'SUCCESS')
    // One in progress after a wrong code: a check in its timeline and attempts left.
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    const { pin } = await adminRequest(id)
    await checkCode(page, pin === '0000' ? '1111' : '0000')
    await page.getByText('2 attempts left').waitFor()
    seeded = { id, digits: number.digits, typed: number.typed, doneId: done }
    // A request from another client, so the handset lists one to add to history.
    await startFromOwnApp(randomNumber().digits, 'TheirApp')
  })
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return
    const paths = await saveArtifacts(shared, ctx)
    console.error(`e2e failure artifacts:\n  ${paths.join('\n  ')}`)
  })
  afterAll(async () => {
    await shared?.close()
  })

  for (const target of pages) {
    test(`${target.name}: axe-clean in light and dark, every control named and its focus visible, no sideways scroll at 1280×800, 390×844 or 320 wide`, async () => {
      const { page } = shared
      await page.setViewportSize(DESKTOP)
      await page.emulateMedia({ colorScheme: 'light' })
      await page.goto(target.path())
      await target.ready(page)

      const stops = await tabThrough(page)
      const path = stops.map((s) => s.what).join(' → ')
      expect.soft(stops.length, `keyboard stops: ${path}`).toBeGreaterThan(NAV_LINKS.length)
      expect
        .soft(
          stops.filter((s) => !s.indicated).map((s) => s.what),
          'keyboard stops without a visible focus',
        )
        .toEqual([])

      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport)
        const size = `${viewport.width}×${viewport.height}`
        // Both schemes on the laptop; the phone layout in the light one (the colours are the same).
        for (const colorScheme of viewport === DESKTOP ? SCHEMES : (['light'] as const)) {
          await page.emulateMedia({ colorScheme })
          expect.soft(await axeViolations(page), `axe, ${colorScheme}, ${size}`).toEqual([])
        }
        expect.soft(await unnamedControls(page), `unnamed controls, ${size}`).toEqual([])
        const overflow = await horizontalOverflow(page)
        expect.soft(overflow, `sideways scroll at ${size}`).toEqual({ px: 0, culprits: [] })
      }
      // WCAG reflow: content still fits at 320 CSS px (a laptop screen zoomed to 400 %).
      await page.setViewportSize(NARROWEST)
      expect.soft(await horizontalOverflow(page), 'sideways scroll at 320 wide').toEqual({
        px: 0,
        culprits: [],
      })
      expect(shared.pageErrors.map((e) => e.message)).toEqual([])
    })
  }

  test('dark mode follows the system: the background and the text change, and stay readable', async () => {
    const { page } = shared
    await page.setViewportSize(DESKTOP)
    await page.goto(`/requests/${seeded.id}`)
    await waitForStatus(page, 'IN PROGRESS')
    const colours = () =>
      page.evaluate(() => {
        const canvas = getComputedStyle(document.documentElement).backgroundColor
        const text = getComputedStyle(document.querySelector('main h1')!).color
        const input = getComputedStyle(document.querySelector('main input')!)
        return { canvas, text, inputBackground: input.backgroundColor, inputText: input.color }
      })
    await page.emulateMedia({ colorScheme: 'light' })
    const light = await colours()
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = await colours()
    expect(dark.canvas).not.toBe(light.canvas)
    expect(dark.text).not.toBe(light.text)
    expect(dark.inputBackground).not.toBe(light.inputBackground)
    expect(dark.inputText).not.toBe(light.inputText)
    // Dark means dark: the canvas is darker than its text.
    const luminance = (rgb: string) => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number)
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    expect(luminance(dark.canvas)).toBeLessThan(luminance(dark.text))
    expect(luminance(light.canvas)).toBeGreaterThan(luminance(light.text))
    expect(await axeViolations(page, { rules: ['color-contrast'] })).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('times show the local time, with the UTC time on hover', async () => {
    const { page } = shared
    await page.setViewportSize(DESKTOP)
    for (const path of [`/requests/${seeded.id}`, '/history', `/handset?number=${seeded.digits}`]) {
      await page.goto(path)
      await page.locator('main time').first().waitFor()
      const times = await page.locator('main time').evaluateAll((els) =>
        els.map((el) => ({
          text: (el.textContent ?? '').trim(),
          datetime: el.getAttribute('datetime') ?? '',
          title: el.getAttribute('title') ?? '',
        })),
      )
      expect(times.length, path).toBeGreaterThan(0)
      for (const time of times) {
        const at = new Date(time.datetime)
        expect(Number.isNaN(at.getTime()), `${path}: datetime of "${time.text}"`).toBe(false)
        const utc = `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)}`
        expect(time.title, `${path}: title of "${time.text}"`).toContain(utc)
        expect(time.title, `${path}: title of "${time.text}"`).toMatch(/UTC/)
        const local = at.toLocaleTimeString('en-GB', {
          timeZone: TIME_ZONE,
          hour: '2-digit',
          minute: '2-digit',
        })
        expect(time.text, `${path}: local time`).toContain(local)
      }
      // Every time of day on the page is one of those (raw API payloads in <pre>/<code> aside).
      const bare = await page.locator('main').evaluate((main) => {
        const found: string[] = []
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT)
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const parent = n.parentElement
          if (!parent || parent.closest('time, pre, code, [aria-hidden="true"]')) continue
          if (/\b\d{1,2}:\d{2}(:\d{2})?\b/.test(n.textContent ?? '')) found.push(n.textContent!)
        }
        return found
      })
      expect(bare, `${path}: times of day outside <time>`).toEqual([])
    }
  })
})

describe('keyboard and screen readers', () => {
  test('a verification can be started and its code checked with the keyboard alone', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    const number = randomNumber()

    const first = await tabTo(page, page.getByRole('link', { name: 'Skip to content' }), 1)
    const stops = [...first]
    stops.push(...(await tabTo(page, page.getByLabel('Phone number (number)'))))
    await page.keyboard.type(number.typed)
    stops.push(...(await tabTo(page, page.getByLabel('Brand (brand)'))))
    await page.keyboard.type('Keyboard Shop')
    stops.push(...(await tabTo(page, page.getByRole('button', { name: 'Start verification' }))))
    await page.keyboard.press('Enter')
    await page.waitForURL(REQUEST_URL)
    const id = REQUEST_URL.exec(page.url())![1]!
    await waitForStatus(page, 'IN PROGRESS')

    const { pin } = await adminRequest(id)
    stops.push(...(await tabTo(page, page.getByLabel(PIN_LABEL))))
    await page.keyboard.type(pin)
    stops.push(...(await tabTo(page, page.getByRole('button', { name: 'Check code' }))))
    await page.keyboard.press('Enter')
    await waitForStatus(page, 'SUCCESS')
    expect((await adminRequest(id)).status).toBe('SUCCESS')

    // Every stop on the way showed where the focus was.
    expect(stops.filter((s) => !s.indicated).map((s) => s.what)).toEqual([])
  })

  test('the navigation is reachable on a phone-sized screen, and by keyboard', async () => {
    const { page } = app
    await page.setViewportSize(PHONE)
    await page.goto('/settings')
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    const nav = mainNav(page)
    const menu = nav.getByRole('button', { name: 'Menu' })
    expect(await nav.getByRole('link', { name: 'History' }).isVisible()).toBe(false)

    await tabTo(page, menu)
    await page.keyboard.press('Enter')
    expect(await menu.getAttribute('aria-expanded')).toBe('true')
    for (const name of NAV_LINKS) {
      const link = nav.getByRole('link', { name, exact: true })
      expect(await link.isVisible(), name).toBe(true)
      const box = (await link.boundingBox())!
      expect(box.x + box.width, `${name} fits the screen`).toBeLessThanOrEqual(PHONE.width)
    }
    await tabTo(page, nav.getByRole('link', { name: 'History', exact: true }))
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/history')
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(await menu.getAttribute('aria-expanded')).toBe('false')

    // Escape closes an open menu and gives the focus back to its button.
    await menu.click()
    await nav.getByRole('link', { name: 'Look up', exact: true }).focus()
    await page.keyboard.press('Escape')
    expect(await menu.getAttribute('aria-expanded')).toBe('false')
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true)

    // On a laptop screen the links show without the menu button.
    await page.setViewportSize(DESKTOP)
    expect(await menu.isVisible()).toBe(false)
    for (const name of NAV_LINKS) {
      expect(await nav.getByRole('link', { name, exact: true }).isVisible(), name).toBe(true)
    }
  })

  test('a change of status is announced in a live region', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')

    // Polite live regions that are in the page before the change (so screen readers watch them).
    const regions = page.locator('[aria-live="polite"], [aria-live="assertive"], [role="status"]')
    const texts = () => regions.allInnerTexts().then((all) => all.join('\n'))
    expect(await regions.count()).toBeGreaterThan(0)
    expect(await texts()).not.toMatch(/verified/i)

    const { pin } = await adminRequest(id)
    await checkCode(page, pin)
    await waitForStatus(page, 'SUCCESS')
    const announced = new RegExp(
      `Request …${id.slice(-6)} to \\+${number.digits} is now verified \\(SUCCESS\\)\\.`,
    )
    await expect.poll(texts, POLL).toMatch(announced)
  })

  test('a change made elsewhere is announced on whatever page is open', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await navigateTo(page, 'History')
    await page.getByRole('row').filter({ hasText: id }).waitFor()
    const announcer = page.locator('[aria-live="polite"]').filter({ hasText: /./ })

    // The tester's own application checks the right code, straight at the sandbox.
    const { pin } = await adminRequest(id)
    const checked = await fetch(
      `${baseURL()}/sandbox/verify/check/json?api_key=sandbox&api_secret=sandbox-secret&request_id=${id}&code=${pin}`,
    )
    expect(((await checked.json()) as { status: string }).status).toBe('0')

    const announced = new RegExp(`Request …${id.slice(-6)} to \\+${number.digits} is now verified`)
    await expect
      .poll(() => announcer.allInnerTexts().then((t) => t.join('\n')), POLL)
      .toMatch(announced)
  })
})

describe('the checks themselves', () => {
  test('they catch a nameless control, low contrast and a page wider than the screen', async () => {
    const { page } = app
    await page.setViewportSize(PHONE)
    await page.setContent(`<!doctype html><html lang="en"><title>t</title><body style="margin: 0"><main>
      <h1>Checks</h1>
      <button></button> <input> <a href="/x"><span></span></a>
      <div tabindex="0" style="overflow: auto; height: 40px"><p>Scrolls</p><p>Scrolls</p></div>
      <h2 tabindex="-1">Focused by script only</h2>
      <p style="color: #777; background: #888">Grey on grey</p>
      <div style="width: 600px">Too wide</div>
    </main></body></html>`)
    const rules = (await axeViolations(page)).map((line) => line.split(' ')[0])
    expect(new Set(rules)).toEqual(new Set(['button-name', 'label', 'link-name', 'color-contrast']))
    const unnamed = await unnamedControls(page)
    expect(unnamed.map((line) => line.split(' ')[0]).sort()).toEqual([
      'button',
      'generic',
      'link',
      'textbox',
    ])
    expect(unnamed.join('\n')).toContain('<input>')
    const overflow = await horizontalOverflow(page)
    expect(overflow.px).toBe(600 - PHONE.width)
    expect(overflow.culprits[0]).toMatch(/^div/)
  })
})

describe('loading, errors and empty states', () => {
  test('a new browser shows history empty, saying how to fill it', async () => {
    const { page } = app
    await page.goto('/history')
    const empty = page.getByTestId('history-empty')
    await empty.waitFor()
    expect(await empty.innerText()).toMatch(/No requests in history yet/)
    await empty.getByRole('link', { name: 'start a verification' }).click()
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
  })

  test('a slow start shows that it is sending and sends one SMS, however often it is pressed', async () => {
    const { page } = app
    const number = randomNumber()
    let starts = 0
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route(
      (url) => url.pathname === '/api/sandbox/verify/json',
      async (route) => {
        starts++
        await held
        await route.continue()
      },
    )
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    const start = page.getByRole('button', { name: 'Start verification' })
    await start.click()
    const sending = page.getByRole('button', { name: 'Sending…' })
    await sending.waitFor()
    expect(await sending.getAttribute('aria-busy')).toBe('true')
    // A second click, and Enter in a field, while the first is on its way.
    await sending.click({ force: true })
    await page.getByLabel('Brand (brand)').press('Enter')
    release()
    await page.waitForURL(REQUEST_URL)
    expect(starts).toBe(1)
  })

  test('a slow request page shows it is loading; a failed one says so in place, with the way out', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startFromOwnApp(number.digits, 'SlowApp')

    let mode: 'slow' | 'fail' | 'pass' = 'slow'
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    // Every sandbox call of the page (the request, the clock, search, the event stream).
    await page.route(
      (url) => url.pathname.startsWith('/api/sandbox/'),
      async (route) => {
        if (mode === 'slow') await held
        if (mode === 'fail') await route.abort('connectionrefused')
        else await route.continue()
      },
    )
    await page.goto(`/requests/${id}`)
    await page.getByRole('status').filter({ hasText: 'Loading the request…' }).waitFor()
    release()
    await waitForStatus(page, 'IN PROGRESS')

    mode = 'fail'
    await page.reload()
    // "loaded" with nothing to show, "refreshed" when a copy from history is on screen.
    const failed = page.getByRole('alert').filter({ hasText: /could not be (loaded|refreshed)/ })
    await failed.waitFor()
    expect(await failed.innerText()).toMatch(/Next:/)
    mode = 'pass'
    await failed.getByRole('button', { name: 'try again' }).click()
    await waitForStatus(page, 'IN PROGRESS')
    await failed.waitFor({ state: 'detached' })
  })

  test('every page that waits for the server shows that it is loading, until it has its answer', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    let release: () => void = () => {}
    let held = Promise.resolve()
    const pages: { path: string; shown: boolean; done: boolean }[] = []
    await page.route(
      (url) => url.pathname.startsWith('/api/'),
      async (route) => {
        await held
        await route.continue().catch(() => undefined) // the page may have moved on
      },
    )
    for (const path of [
      '/',
      `/requests/${id}`,
      `/handset?number=${number.digits}`,
      '/controls',
      '/settings',
    ]) {
      held = new Promise<void>((resolve) => (release = resolve))
      await page.goto(path)
      const shown = await page
        .locator('main .spinner')
        .first()
        // The page's calls are held: the spinner stays until released, however slow the load.
        .waitFor({ state: 'visible', timeout: 30_000 })
        .then(
          () => true,
          () => false,
        )
      release()
      const done = await page
        .waitForFunction(() => document.querySelectorAll('main .spinner').length === 0, null, POLL)
        .then(
          () => true,
          () => false,
        )
      pages.push({ path, shown, done })
    }
    expect(pages.filter((p) => !p.shown || !p.done)).toEqual([])
    // Five page loads and a start: a limit for a hung test on a busy machine, not a measure of speed.
  }, 120_000)
})
