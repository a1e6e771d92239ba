import axe from 'axe-core'
import type { Page } from 'playwright-core'

/** One accessibility problem, as a line a failing test lists. */
export type A11yProblem = string

/** Impacts that fail a check: a screen-reader or keyboard user is blocked or seriously hindered. */
const FAILING_IMPACTS = new Set(['serious', 'critical'])

/**
 * Runs axe-core (injected into the page as it is) on the whole document and returns its serious and
 * critical violations, one line per element: `rule (impact): help — selector: summary`.
 * `rules` limits the run to some rules (e.g. `['color-contrast']`).
 */
export async function axeViolations(
  page: Page,
  options: { rules?: string[] } = {},
): Promise<A11yProblem[]> {
  const injected = await page.evaluate(() => 'axe' in window)
  if (!injected) await page.addScriptTag({ content: axe.source })
  const runOnly = options.rules ? { type: 'rule' as const, values: options.rules } : undefined
  const results = await page.evaluate(
    async (runOptions) => {
      const w = window as unknown as { axe: typeof axe }
      return w.axe.run(document, { ...runOptions, resultTypes: ['violations'] })
    },
    runOnly ? { runOnly } : {},
  )
  const problems: A11yProblem[] = []
  for (const violation of results.violations) {
    for (const node of violation.nodes) {
      const impact = node.impact ?? violation.impact ?? 'unknown'
      if (!FAILING_IMPACTS.has(impact)) continue
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim()
      problems.push(
        `${violation.id} (${impact}): ${violation.help} — ${node.target.join(' ')}: ${summary}`,
      )
    }
  }
  return problems
}

/** Roles a user operates (Chromium's accessibility tree names them so). */
const INTERACTIVE_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'DisclosureTriangle',
  'link',
  'listbox',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
  'treeitem',
])

interface AXValue {
  value?: unknown
}
interface AXNode {
  ignored: boolean
  role?: AXValue
  name?: AXValue
  properties?: { name: string; value: AXValue }[]
  backendDOMNodeId?: number
}

/**
 * Every control of the page without an accessible name, as Chromium itself computes names (its
 * accessibility tree, the one screen readers read): one line per control, with its tag and
 * attributes. Controls are the interactive roles and any other element in the Tab order (a
 * `tabindex="0"` scroll area, say). Hidden controls are not in the tree and are not listed.
 */
export async function unnamedControls(page: Page): Promise<A11yProblem[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Accessibility.enable')
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] }
    const problems: A11yProblem[] = []
    for (const node of nodes) {
      const role = String(node.role?.value ?? '')
      if (node.ignored || String(node.name?.value ?? '').trim() !== '') continue
      const interactive = INTERACTIVE_ROLES.has(role)
      const focusable = node.properties?.some((p) => p.name === 'focusable' && p.value.value)
      if (!interactive && !focusable) continue
      let element = '(no DOM node)'
      let tabbable = interactive
      if (node.backendDOMNodeId !== undefined) {
        const { node: dom } = (await cdp.send('DOM.describeNode', {
          backendNodeId: node.backendDOMNodeId,
        })) as { node: { localName: string; attributes?: string[] } }
        const attrs = dom.attributes ?? []
        const pairs: string[] = []
        for (let i = 0; i < attrs.length; i += 2) {
          pairs.push(`${attrs[i]}="${attrs[i + 1]}"`)
          if (attrs[i] === 'tabindex' && Number(attrs[i + 1]) >= 0) tabbable = true
        }
        element = `<${dom.localName}${pairs.length ? ` ${pairs.join(' ')}` : ''}>`
      }
      // Focusable by script only (a heading or main with tabindex="-1") needs no name.
      if (!tabbable) continue
      problems.push(`${role} without an accessible name: ${element}`)
    }
    return problems
  } finally {
    await cdp.detach()
  }
}

/**
 * How far the page scrolls sideways beyond the window, in CSS pixels (0 when nothing overflows),
 * and the widest elements that stick out, to say what to fix.
 */
export async function horizontalOverflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const scroller = document.scrollingElement ?? document.documentElement
    const px = Math.max(0, scroller.scrollWidth - window.innerWidth)
    const culprits: string[] = []
    if (px > 0) {
      for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
        const rect = el.getBoundingClientRect()
        if (rect.right > window.innerWidth + 0.5 && rect.width > 0) {
          const id = el.id ? `#${el.id}` : ''
          const cls = el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''
          culprits.push(`${el.localName}${id}${cls} (right edge ${Math.round(rect.right)} px)`)
        }
      }
    }
    return { px, culprits: culprits.slice(0, 8) }
  })
}
