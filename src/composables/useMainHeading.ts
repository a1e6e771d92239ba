/**
 * The page's main heading (the `h1` inside `#main`), where the focus goes after a navigation or
 * when what held it is gone.
 */

/** The page's main heading, made focusable (as after a navigation); null when the page has none. */
export function mainHeading(): HTMLElement | null {
  const heading = document.querySelector<HTMLElement>('#main h1')
  if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1')
  return heading
}
