/**
 * Fields are seen by their edge: in real Chromium, in light and dark, the border of every text
 * field, select and text area contrasts at least 3:1 with the field and with what surrounds it
 * (WCAG 1.4.11), and placeholders at least 4.5:1 with the field (WCAG 1.4.3).
 */
import { describe, expect, test } from 'vitest'
import { useBrowser } from './support'

// One page for the file: each test loads its pages itself.
const app = useBrowser({ pagePerFile: true })

/** Pages with fields, on the page background and in cards. */
const PAGES = ['/', '/lookup', '/controls', '/settings']

interface FieldColours {
  field: string
  border: string
  background: string
  around: string
  placeholder: string | null
}

describe('field contrast', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`field borders reach 3:1 and placeholders 4.5:1 in ${colorScheme}`, async () => {
      const { page } = app
      await page.emulateMedia({ colorScheme })
      const problems: string[] = []
      let checked = 0
      for (const path of PAGES) {
        await page.goto(path)
        await page.locator('main h1').waitFor()
        await page
          .locator('main input:not([type=checkbox]):not([type=radio]), main select, main textarea')
          .first()
          .waitFor()
        const fields: FieldColours[] = await page.evaluate(() => {
          const opaque = (el: Element | null): string => {
            for (let up = el; up; up = up.parentElement) {
              const bg = getComputedStyle(up).backgroundColor
              if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg
            }
            return getComputedStyle(document.documentElement).backgroundColor
          }
          const selector =
            'main input:not([type=checkbox]):not([type=radio]):not([type=file]), main select, main textarea'
          return Array.from(document.querySelectorAll<HTMLElement>(selector))
            .filter((el) => el.getBoundingClientRect().width > 1)
            .map((el) => {
              const style = getComputedStyle(el)
              const hasPlaceholder = el.hasAttribute('placeholder')
              return {
                field: `${el.localName}#${el.id}`,
                border: style.borderTopColor,
                background: opaque(el),
                around: opaque(el.parentElement),
                placeholder: hasPlaceholder ? getComputedStyle(el, '::placeholder').color : null,
              }
            })
        })
        for (const f of fields) {
          checked++
          const onField = contrast(f.border, f.background)
          const onAround = contrast(f.border, f.around)
          if (onField < 3 || onAround < 3) {
            problems.push(
              `${path} ${f.field}: border ${f.border} is ${onField.toFixed(2)}:1 on the field, ${onAround.toFixed(2)}:1 around it`,
            )
          }
          if (f.placeholder) {
            const text = contrast(f.placeholder, f.background)
            if (text < 4.5) {
              problems.push(
                `${path} ${f.field}: placeholder ${f.placeholder} is ${text.toFixed(2)}:1`,
              )
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(5)
      expect(problems).toEqual([])
    })
  }
})

/** The WCAG contrast ratio of two CSS `rgb()`/`rgba()` colours (alpha ignored: opaque colours). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r = 0, g = 0, bl = 0] = (css.match(/[\d.]+/g) ?? []).map(Number)
    const lin = (v: number) => {
      const c = v / 255
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    }
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl)
  }
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}
