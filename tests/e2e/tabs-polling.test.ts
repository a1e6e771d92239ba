/**
 * Live status with several dashboard tabs open in one browser (History in one, the handset in
 * another, as a tester works): one tab searches the requests in progress for all of them, so the
 * proxy's search rate is not spent twice on the same ids; the others still see every change, and
 * when the searching tab closes another one takes over.
 */
import type { Page, Request } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { POLL, randomNumber, startVerification, useBrowser, waitForStatus } from './support'

const app = useBrowser()

const isSearch = (request: Request) =>
  new URL(request.url()).pathname === '/api/sandbox/verify/search/json'

/** The ids a search call carried. */
const idsOf = (request: Request) => {
  const query = new URL(request.url()).searchParams
  return [...query.getAll('request_ids'), ...query.getAll('request_id')]
}

/** Every search call of the browser context, with the tab that sent it. */
function recordSearches(page: Page): { page: Page; ids: string[] }[] {
  const searches: { page: Page; ids: string[] }[] = []
  page.context().on('request', (request) => {
    if (isSearch(request)) searches.push({ page: request.frame().page(), ids: idsOf(request) })
  })
  return searches
}

describe('live status with several tabs', () => {
  test('one tab searches the requests in progress for all tabs, and another takes over when it closes', async () => {
    const { page } = app
    const context = page.context()
    const first = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    const second = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    const searches = recordSearches(page)

    await page.goto('/history')
    const other = await context.newPage()
    await other.goto('/handset')
    await other.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()

    // Once both tabs run, three rounds of searches (of both ids) come from one tab only.
    const from = searches.length
    await expect
      .poll(() => searches.slice(from).filter((s) => s.ids.includes(first)).length, POLL)
      .toBeGreaterThanOrEqual(4)
    const settled = searches.length
    await expect
      .poll(() => searches.slice(settled).filter((s) => s.ids.includes(first)).length, POLL)
      .toBeGreaterThanOrEqual(3)
    const steady = searches.slice(settled)
    expect(new Set(steady.map((s) => s.page)).size).toBe(1)
    expect(steady.filter((s) => s.ids.includes(second)).length).toBe(
      steady.filter((s) => s.ids.includes(first)).length,
    )

    // The searching tab closes: the one left searches on its own.
    const searching = steady[0]!.page
    const left = searching === page ? other : page
    await searching.close()
    const after = searches.length
    await expect
      .poll(
        () => searches.slice(after).filter((s) => s.page === left && s.ids.includes(second)).length,
        POLL,
      )
      .toBeGreaterThanOrEqual(2)
  })
})
