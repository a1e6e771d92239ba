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

/** Describes the focused element and whether it shows that it has the focus. */
function focusStop(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return { what: '(body)', indicated: true }
    const style = getComputedStyle(el)
    const indicated =
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
      style.boxShadow !== 'none'
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)
    return { what: `${el.localName}${el.id ? `#${el.id}` : ''} "${name}"`, indicated }
  })
}

describe('every page', () => {
  let shared: OpenPage
  let seeded: { id: string; digits: string }

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
      name: 'request page of a real request',
      path: () => `/requests/${seeded.id}`,
      ready: async (page) => {
        await waitForStatus(page, 'IN PROGRESS')
        await page.getByText(/1 attempt left|2 attempts left/).waitFor()
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
      name: 'settings',
      path: () => '/settings',
      ready: async (page) => {
        await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
      },
    },
  ]

  beforeAll(async () => {
    shared = await newPage(app.browser, baseURL(), contextOptions)
    const number = randomNumber()
    const id = await startVerification(shared.page, number.typed)
    seeded = { id, digits: number.digits }
    // One wrong code, so the page shows a check in its timeline and attempts left.
    const { pin } = await adminRequest(id)
    await checkCode(shared.page, pin === '0000' ? '1111' : '0000')
    await shared.page.getByText('2 attempts left').waitFor()
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
    test(`${target.name}: accessible in light and dark, every control named, no sideways scroll on a laptop or a phone`, async () => {
      const { page } = shared
      await page.setViewportSize(DESKTOP)
      await page.emulateMedia({ colorScheme: 'light' })
      await page.goto(target.path())
      await target.ready(page)

      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport)
        const size = `${viewport.width}×${viewport.height}`
        for (const colorScheme of SCHEMES) {
          await page.emulateMedia({ colorScheme })
          expect.soft(await axeViolations(page), `axe, ${colorScheme}, ${size}`).toEqual([])
        }
        expect.soft(await unnamedControls(page), `unnamed controls, ${size}`).toEqual([])
        const overflow = await horizontalOverflow(page)
        expect.soft(overflow, `sideways scroll at ${size}`).toEqual({ px: 0, culprits: [] })
      }
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
      `Request …${id.slice(-6)} to \\+?${number.digits} is now verified \\(SUCCESS\\)\\.`,
    )
    await expect.poll(texts, POLL).toMatch(announced)
  })
})

describe('the checks themselves', () => {
  test('they catch a nameless control, low contrast and a page wider than the screen', async () => {
    const { page } = app
    await page.setViewportSize(PHONE)
    await page.setContent(`<!doctype html><html lang="en"><title>t</title><body style="margin: 0"><main>
      <h1>Checks</h1>
      <button></button> <input> <a href="/x"><span></span></a>
      <p style="color: #777; background: #888">Grey on grey</p>
      <div style="width: 600px">Too wide</div>
    </main></body></html>`)
    const rules = (await axeViolations(page)).map((line) => line.split(' ')[0])
    expect(new Set(rules)).toEqual(new Set(['button-name', 'label', 'link-name', 'color-contrast']))
    const unnamed = await unnamedControls(page)
    expect(unnamed.map((line) => line.split(' ')[0]).sort()).toEqual(['button', 'link', 'textbox'])
    expect(unnamed.join('\n')).toContain('<input>')
    const overflow = await horizontalOverflow(page)
    expect(overflow.px).toBe(600 - PHONE.width)
    expect(overflow.culprits[0]).toMatch(/^div/)
  })
})
