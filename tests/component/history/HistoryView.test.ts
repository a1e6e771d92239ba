import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { defineComponent } from 'vue'
import HistoryView from '@/views/HistoryView.vue'
import AppStorageNotice from '@/components/app/AppStorageNotice.vue'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import { useSettingsStore } from '@/stores/settings'
import { statusInfo } from '@contract/status'
import { entry, freshHistoryEnvironment, requestId } from '../../unit/stores/history-support'
import { useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

// No call is answered: one would fail the test.
useDeskServer()

const DAY = 86_400_000
const base = new Date(2026, 5, 15, 12, 0, 0).getTime()

const seedEntries = [
  entry(1, {
    number: '447700900111',
    brand: 'Acme Bank',
    status: 'SUCCESS',
    createdAt: base,
    updatedAt: base,
  }),
  entry(2, {
    number: '447700900222',
    brand: 'Zeta Shop',
    status: 'IN PROGRESS',
    createdAt: base - DAY,
    updatedAt: base - DAY,
  }),
  entry(3, {
    number: '14155550100',
    brand: 'acme labs',
    status: 'EXPIRED',
    environment: 'live',
    createdAt: base - 3 * DAY,
    updatedAt: base - 3 * DAY,
  }),
  entry(4, {
    number: '4915112345678',
    brand: 'Other',
    status: 'FAILED',
    environment: 'live',
    createdAt: base - 10 * DAY,
    updatedAt: base - 10 * DAY,
  }),
]

let router: Router
let wrapper: VueWrapper | null = null

async function mountAt(path: string, entries = seedEntries) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  await history.ready
  if (entries.length) await history.importJson(JSON.stringify(entries))
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/history', component: HistoryView },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
      { path: '/:rest(.*)*', component: { template: '<p>other</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  wrapper = mount(HistoryView, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, history }
}

/** request_ids of the rendered rows, in order. */
function shownIds(w: VueWrapper): string[] {
  return w.findAll('[data-testid="history-scroll"] [role="row"] code').map((c) => c.text())
}

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('history view filters', () => {
  it('lists every entry newest first, each linking to its request page', async () => {
    const { wrapper: w } = await mountAt('/history')
    expect(shownIds(w)).toEqual([requestId(1), requestId(2), requestId(3), requestId(4)])
    expect(w.find('[data-testid="history-scroll"] a').attributes('href')).toBe(
      `/requests/${requestId(1)}`,
    )
    expect(w.find('[data-testid="history-summary"]').text()).toBe('4 requests')
  })

  it('filters by free text over number, request_id and brand, case-insensitively, and puts it in the URL', async () => {
    const { wrapper: w } = await mountAt('/history')
    await w.find('input[type="search"]').setValue('ACME')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(1), requestId(3)])
    await eventually(() => expect(router.currentRoute.value.query).toEqual({ q: 'ACME' }))
    expect(w.find('[data-testid="history-summary"]').text()).toBe('2 of 4 requests match')

    // Typing on narrows the previous matches; deleting widens again.
    await w.find('input[type="search"]').setValue('ACME B')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(1)])
    expect(w.find('[data-testid="history-summary"]').text()).toBe('1 of 4 requests matches')
    await w.find('input[type="search"]').setValue('AC')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(1), requestId(3)])

    await w.find('input[type="search"]').setValue('900222')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(2)])

    await w.find('input[type="search"]').setValue(requestId(4).slice(-6))
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(4)])
  })

  it('finds a number typed with +, spaces, 00 or in national form', async () => {
    const { wrapper: w } = await mountAt('/history')
    const search = w.find('input[type="search"]')
    for (const [text, ids] of [
      ['+447700900111', [requestId(1)]],
      ['+44 7700 900111', [requestId(1)]],
      ['07700 900222', [requestId(2)]],
      ['07700 900', [requestId(1), requestId(2)]],
      ['+1 415-555-0100', [requestId(3)]],
      ['0049 151 1234 5678', [requestId(4)]],
    ] as const) {
      await search.setValue(text)
      await flushPromises()
      expect(shownIds(w), text).toEqual(ids)
    }
  })

  it('filters by status and environment, kept in the URL', async () => {
    const { wrapper: w } = await mountAt('/history')
    await w.find('select#history-env').setValue('live')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(3), requestId(4)])
    await w.find('select#history-status').setValue('FAILED')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(4)])
    await eventually(() =>
      expect(router.currentRoute.value.query).toEqual({ env: 'live', status: 'FAILED' }),
    )
  })

  it('applies filters from a shared URL and follows back/forward navigation', async () => {
    const { wrapper: w } = await mountAt('/history?q=acme&status=EXPIRED')
    expect((w.find('input[type="search"]').element as HTMLInputElement).value).toBe('acme')
    expect((w.find('select#history-status').element as HTMLSelectElement).value).toBe('EXPIRED')
    expect(shownIds(w)).toEqual([requestId(3)])

    await router.push('/history?env=sandbox&sort=date-asc')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(2), requestId(1)])
    expect((w.find('input[type="search"]').element as HTMLInputElement).value).toBe('')
  })

  it('filters by date range (local days, inclusive)', async () => {
    const day = (ms: number) => {
      const d = new Date(ms)
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    }
    const { wrapper: w } = await mountAt(
      `/history?from=${day(base - 3 * DAY)}&to=${day(base - DAY)}`,
    )
    expect(shownIds(w)).toEqual([requestId(2), requestId(3)])
  })

  it('ignores an impossible day in a shared URL and drops it, as it does an unknown status', async () => {
    // 31 June would roll over to 1 July, after every entry: nothing would match, unseen.
    const { wrapper: w } = await mountAt(
      '/history?from=2026-06-31&to=2026-13-01&status=NOPE&env=live',
    )
    expect(shownIds(w)).toEqual([requestId(3), requestId(4)])
    expect((w.find('#history-from').element as HTMLInputElement).value).toBe('')
    expect((w.find('#history-to').element as HTMLInputElement).value).toBe('')
    expect(w.find('[data-testid="history-summary"]').text()).toBe('2 of 4 requests match')
    await eventually(() => expect(router.currentRoute.value.query).toEqual({ env: 'live' }))
  })

  it('sorts by status with requests in progress first', async () => {
    const { wrapper: w } = await mountAt('/history')
    await w.find('select#history-sort').setValue('status')
    await flushPromises()
    expect(shownIds(w)).toEqual([requestId(2), requestId(1), requestId(4), requestId(3)])
    await eventually(() => expect(router.currentRoute.value.query).toEqual({ sort: 'status' }))
  })

  it('says when nothing matches and clears the filters on request', async () => {
    const { wrapper: w } = await mountAt('/history?q=nothing-like-this')
    expect(w.find('[data-testid="history-no-match"]').text()).toContain(
      'No request matches these filters',
    )
    await w.find('[data-testid="history-no-match"] button').trigger('click')
    await flushPromises()
    expect(shownIds(w)).toHaveLength(4)
    await eventually(() => expect(router.currentRoute.value.query).toEqual({}))
  })

  it('explains what to do when history is empty', async () => {
    const { wrapper: w } = await mountAt('/history', [])
    const empty = w.find('[data-testid="history-empty"]')
    expect(empty.text()).toContain('No requests in history yet')
    expect(empty.findAll('a').map((a) => a.attributes('href'))).toEqual(['/', '/lookup'])
  })

  it('says why export and clear all are disabled on an empty history', async () => {
    const { wrapper: w } = await mountAt('/history', [])
    for (const name of ['Export CSV', 'Export JSON', 'Clear all…']) {
      const button = w.findAll('button').find((b) => b.text() === name)!
      expect((button.element as HTMLButtonElement).disabled).toBe(true)
      const why = w.get(`#${button.attributes('aria-describedby')}`)
      expect(why.text()).toBe('Nothing to export or clear: history is empty.')
    }
  })

  it('says in each export button what it exports: all of history, or what the filters show', async () => {
    const { wrapper: w } = await mountAt('/history')
    const exports = () =>
      w
        .findAll('.history-toolbar button')
        .map((b) => b.text())
        .filter((t) => t.startsWith('Export'))
    expect(exports()).toEqual(['Export all 4 as CSV', 'Export all 4 as JSON'])

    const files: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      files.push(blob as Blob)
      return 'blob:x'
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    async function exported(name: string): Promise<string> {
      const before = files.length
      await w
        .findAll('button')
        .find((b) => b.text() === name)!
        .trigger('click')
      await eventually(() => expect(files).toHaveLength(before + 1))
      return files.at(-1)!.text()
    }

    await w.find('input[type="search"]').setValue('acme')
    await flushPromises()
    expect(w.text()).toContain('2 of 4')
    expect(exports()).toEqual([
      'Export all 4 as CSV',
      'Export all 4 as JSON',
      'Export 2 shown as CSV',
      'Export 2 shown as JSON',
    ])
    const idsIn = (text: string) =>
      (JSON.parse(text) as { entries: { request_id: string }[] }).entries
        .map((e) => e.request_id)
        .sort()
    const shownJson = await exported('Export 2 shown as JSON')
    expect(JSON.parse(shownJson)).toMatchObject({ format: 'verify-desk-history' })
    expect(idsIn(shownJson)).toEqual([requestId(1), requestId(3)].sort())
    const allJson = await exported('Export all 4 as JSON')
    expect(idsIn(allJson)).toHaveLength(4)
    const shownCsv = (await exported('Export 2 shown as CSV')).trim().split(/\r?\n/)
    expect(shownCsv).toHaveLength(3)
    vi.restoreAllMocks()
  })

  it('says why nothing matches when the From date is after the To date', async () => {
    const { wrapper: w } = await mountAt('/history?from=2026-06-20&to=2026-06-10')
    expect(w.get('[data-testid="history-summary"]').text()).toBe(
      '0 of 4 requests match: the From date (2026-06-20) is after the To date (2026-06-10), so no day is in between. Change one of them.',
    )
    for (const id of ['history-from', 'history-to']) {
      const field = w.get(`#${id}`)
      expect(field.attributes('aria-invalid')).toBe('true')
      expect(w.get(`#${field.attributes('aria-describedby')}`).text()).toContain(
        'is after the To date',
      )
    }
    // Dates in order again: the summary only counts.
    await w.get('#history-to').setValue('2026-06-30')
    await w.get('#history-to').trigger('change')
    await flushPromises()
    expect(w.get('[data-testid="history-summary"]').text()).toBe('0 of 4 requests match')
    expect(w.get('#history-from').attributes('aria-invalid')).toBeUndefined()
  })

  it('renders only the visible rows of a long history', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => entry(i + 1))
    const { wrapper: w } = await mountAt('/history', many)
    const rows = w.findAll('[data-testid="history-scroll"] [role="row"]')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(60)
    expect(w.find('[role="table"]').attributes('aria-rowcount')).toBe('2001')
  })

  it('deletes one entry', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    expect(w.find('#history-toolbar-why').exists()).toBe(false)
    await w.find(`button[aria-label*="${requestId(2)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(shownIds(w)).toEqual([requestId(1), requestId(3), requestId(4)])
    })
    expect(history.byId(requestId(2))).toBeUndefined()
  })

  it('offers to undo a delete, and Undo puts the entry back with its calls, exactly as stored', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    const started = {
      id: 1,
      key: 'call-start',
      method: 'POST',
      path: 'sandbox/verify/json',
      query: {},
      body: { number: '447700900222', brand: 'Zeta Shop' },
      startedAt: base - DAY,
      durationMs: 40,
      httpStatus: 200,
      response: { request_id: requestId(2), status: '0' },
      error: null,
    }
    const searched = {
      ...started,
      id: 2,
      key: 'call-search',
      method: 'GET',
      path: 'sandbox/verify/search/json',
      query: { request_id: requestId(2) },
      body: null,
      startedAt: base - DAY + 5000,
      response: { request_id: requestId(2), status: 'IN PROGRESS' },
    }
    await history.importJson(
      JSON.stringify({
        entries: [seedEntries[1]],
        calls: [started, searched].map((call) => ({
          key: `${call.key}|${requestId(2)}`,
          request_id: requestId(2),
          kind: call.method === 'GET' ? 'read' : 'action',
          call,
        })),
      }),
    )
    // Everything stored, in a stable order (an export lists entries in storage order).
    const stored = async () => {
      const file = JSON.parse(await history.exportJson()) as {
        entries: { request_id: string }[]
        calls: { key: string }[]
      }
      return {
        entries: file.entries.sort((a, b) => a.request_id.localeCompare(b.request_id)),
        calls: file.calls.sort((a, b) => a.key.localeCompare(b.key)),
      }
    }
    const before = await stored()
    expect(before.calls).toHaveLength(2)

    await w.find(`button[aria-label*="${requestId(2)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(shownIds(w)).toEqual([requestId(1), requestId(3), requestId(4)])
    })
    expect(await history.loadCalls(requestId(2))).toEqual([])
    const notice = w.get('[data-testid="history-undo"]')
    expect(notice.text()).toContain('Deleted +447700900222 from history.')
    expect(notice.element.closest('[role="status"]')).not.toBeNull()

    await notice.get('button').trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(shownIds(w)).toEqual([requestId(1), requestId(2), requestId(3), requestId(4)])
    })
    expect(await stored()).toEqual(before)
    expect(w.find('[data-testid="history-undo"]').exists()).toBe(false)
    // The focus is on the entry put back.
    expect(document.activeElement?.getAttribute('href')).toBe(`/requests/${requestId(2)}`)
  })

  it('Undo puts back a finished entry older than the history retention too', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    const settings = useSettingsStore()
    settings.historyRetentionDays = 1
    try {
      // Entry 4 is FAILED (finished) and ten days old.
      await w.get(`button[aria-label*="${requestId(4)}"]`).trigger('click')
      await eventually(async () => {
        await flushPromises()
        expect(w.find('[data-testid="history-undo"]').exists()).toBe(true)
      })
      await w.get('[data-testid="history-undo"] button').trigger('click')
      await eventually(async () => {
        await flushPromises()
        expect(history.byId(requestId(4))).toEqual(seedEntries[3])
      })
      expect(w.find('[role="alert"]').exists()).toBe(false)
    } finally {
      settings.historyRetentionDays = 0
      await flushPromises()
    }
  })

  it('after a delete the focus is on the next entry (its link, not its delete button)', async () => {
    const { wrapper: w } = await mountAt('/history')
    const del = w.get(`button[aria-label*="${requestId(2)}"]`)
    ;(del.element as HTMLButtonElement).focus()
    await del.trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(document.activeElement?.getAttribute('href')).toBe(`/requests/${requestId(3)}`)
    })
    // The last row: the focus goes to the one before it.
    await w.get(`button[aria-label*="${requestId(4)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(document.activeElement?.getAttribute('href')).toBe(`/requests/${requestId(3)}`)
    })
  })

  it('deleting the only row shown puts the focus on Undo, never on the page', async () => {
    const { wrapper: w } = await mountAt('/history?q=Zeta')
    expect(shownIds(w)).toEqual([requestId(2)])
    await w.get(`button[aria-label*="${requestId(2)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(w.find('[data-testid="history-no-match"]').exists()).toBe(true)
      expect(document.activeElement?.textContent).toContain('Undo')
    })
  })

  it('keeps the Undo offer until the next delete: it never runs out while someone reaches it', async () => {
    const { wrapper: w } = await mountAt('/history')
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await w.get(`button[aria-label*="${requestId(1)}"]`).trigger('click')
      await eventually(async () => {
        await flushPromises()
        expect(w.find('[data-testid="history-undo"]').exists()).toBe(true)
      })
      vi.advanceTimersByTime(10 * 60_000)
      await flushPromises()
      const notice = w.get('[data-testid="history-undo"]')
      expect(notice.text()).toContain('Deleted +447700900111 from history.')
      // The shortcut is said in the notice (a live region) and on the button.
      expect(notice.text()).toContain('or press Ctrl+Z')
      expect(notice.get('button').attributes('aria-keyshortcuts')).toBe('Control+Z Meta+Z')
      // The next delete replaces the offer.
      await w.get(`button[aria-label*="${requestId(2)}"]`).trigger('click')
      await eventually(async () => {
        await flushPromises()
        expect(w.get('[data-testid="history-undo"]').text()).toContain('Deleted +447700900222')
      })
    } finally {
      vi.useRealTimers()
    }
  })

  it('Ctrl+Z undoes the last delete from the row the focus moved to, and puts the focus on it', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    const del = w.get(`button[aria-label*="${requestId(2)}"]`)
    ;(del.element as HTMLButtonElement).focus()
    await del.trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(document.activeElement?.getAttribute('href')).toBe(`/requests/${requestId(3)}`)
    })
    document.activeElement!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, cancelable: true }),
    )
    await eventually(async () => {
      await flushPromises()
      expect(shownIds(w)).toEqual([requestId(1), requestId(2), requestId(3), requestId(4)])
      expect(document.activeElement?.getAttribute('href')).toBe(`/requests/${requestId(2)}`)
    })
    expect(history.byId(requestId(2))).toEqual(seedEntries[1])
    expect(w.find('[data-testid="history-undo"]').exists()).toBe(false)
  })

  it('leaves Ctrl+Z in the search field to the field (it undoes the typing there)', async () => {
    const { wrapper: w } = await mountAt('/history')
    await w.get(`button[aria-label*="${requestId(2)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(w.find('[data-testid="history-undo"]').exists()).toBe(true)
    })
    const search = w.get('input[type="search"]').element
    const key = new KeyboardEvent('keydown', {
      key: 'z',
      ctrlKey: true,
      bubbles: true,
      cancelable: true,
    })
    search.dispatchEvent(key)
    await flushPromises()
    expect(key.defaultPrevented).toBe(false)
    expect(w.find('[data-testid="history-undo"]').exists()).toBe(true)
    expect(shownIds(w)).not.toContain(requestId(2))
  })

  it('"Clear filters" (either one) puts the focus in the search field', async () => {
    const { wrapper: w } = await mountAt('/history?q=nothing-like-this')
    await w.get('[data-testid="history-no-match"] button').trigger('click')
    await flushPromises()
    expect(document.activeElement?.id).toBe('history-q')

    await w.find('input[type="search"]').setValue('acme')
    await flushPromises()
    const clear = w.findAll('.history-filters button').find((b) => b.text() === 'Clear filters')!
    ;(clear.element as HTMLButtonElement).focus()
    await clear.trigger('click')
    await flushPromises()
    expect(shownIds(w)).toHaveLength(4)
    expect(document.activeElement?.id).toBe('history-q')
  })

  it('clears all only after confirmation', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    await w.find('button.danger').trigger('click')
    const confirm = w.find('[data-testid="clear-confirm"]')
    expect(confirm.text()).toContain('Delete all 4 entries?')
    await confirm.findAll('button')[1]!.trigger('click')
    expect(w.find('[data-testid="clear-confirm"]').exists()).toBe(false)
    expect(history.entries).toHaveLength(4)

    await w.find('button.danger').trigger('click')
    await w.find('[data-testid="clear-confirm"] button.danger').trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(w.find('[data-testid="history-empty"]').exists()).toBe(true)
    })
    expect(history.entries).toHaveLength(0)
  })

  it.each([
    [1, 'Delete the 1 entry?'],
    [2, 'Delete all 2 entries?'],
  ])('asks to clear %i entries in the right number: %s', async (count, question) => {
    const { wrapper: w } = await mountAt('/history', seedEntries.slice(0, count))
    await w.find('button.danger').trigger('click')
    expect(w.get('#clear-title').text()).toBe(question)
  })

  it('asks to confirm clear all inline (a named group, not a dialog); Escape anywhere cancels it', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    const clearAll = w.findAll('button').find((b) => b.text() === 'Clear all…')!
    await clearAll.trigger('click')
    await flushPromises()
    expect(w.find('[role="alertdialog"]').exists()).toBe(false)
    const group = w.get('[role="group"][aria-labelledby="clear-title"]')
    expect(group.text()).toContain('Delete all 4 entries?')
    // The focus is on the safe choice.
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel')

    // The focus moves on elsewhere; Escape there still closes it and brings the focus back.
    ;(w.get('#history-q').element as HTMLInputElement).focus()
    document.activeElement!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    )
    await flushPromises()
    expect(w.find('[data-testid="clear-confirm"]').exists()).toBe(false)
    expect(document.activeElement).toBe(clearAll.element)
    expect(history.entries).toHaveLength(4)
  })

  it('never deletes on Enter held on "Clear all…" (each repeat activates what has the focus)', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    const clearAll = w.findAll('button').find((b) => b.text() === 'Clear all…')!
    ;(clearAll.element as HTMLButtonElement).focus()
    for (let press = 0; press < 6; press++) {
      ;(document.activeElement as HTMLElement).click()
      await flushPromises()
    }
    expect(w.find('[data-testid="history-empty"]').exists()).toBe(false)
    expect(history.entries).toHaveLength(4)
  })

  it('after Delete all the focus is on what it did, never on the page', async () => {
    const { wrapper: w } = await mountAt('/history')
    await w
      .findAll('button')
      .find((b) => b.text() === 'Clear all…')!
      .trigger('click')
    await flushPromises()
    await w.get('[data-testid="clear-confirm"] button.danger').trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(document.activeElement?.textContent?.trim()).toBe(
        'Deleted all 4 entries from history.',
      )
    })
    expect(document.activeElement?.closest('[role="status"]')).not.toBeNull()
  })

  it('explains a bad import file and keeps history as it was; imports a good one', async () => {
    const { wrapper: w, history } = await mountAt('/history')
    async function upload(name: string, text: string) {
      const input = w.get('[data-testid="history-import"]')
      Object.defineProperty(input.element, 'files', {
        value: [new File([text], name, { type: 'application/json' })],
        configurable: true,
      })
      await input.trigger('change')
      await eventually(() => expect(w.text()).not.toContain('Importing…'))
      await flushPromises()
    }

    await upload('notes.txt', 'not json at all')
    const alert = w.get('[role="alert"]')
    expect(alert.text()).toContain('notes.txt was not imported; history is unchanged.')
    expect(alert.text()).toContain('it is not JSON')

    const bad = [entry(9), { ...entry(10), status: 'DONE', request_id: 'xyz' }]
    await upload('bad.json', JSON.stringify(bad))
    expect(w.get('[role="alert"]').text()).toContain(
      'entry 2 (xyz): request_id must be 32 hexadecimal characters',
    )
    expect(w.get('[role="alert"]').text()).toContain('status must be one of')
    expect(history.byId(requestId(9))).toBeUndefined()
    expect(history.entries).toHaveLength(4)

    await upload('good.json', JSON.stringify({ entries: [entry(9), seedEntries[0]] }))
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.text()).toContain('Imported: 1 added, 0 updated, 1 already up to date.')
    expect(history.entries).toHaveLength(5)
  })

  it('says in place when live status cannot refresh, and when it tries again', async () => {
    const { wrapper: w } = await mountAt('/history')
    expect(w.find('[data-test="refresh-failure"]').exists()).toBe(false)
    // The wait is counted down on this computer's clock, a tick a second: the clock stands still
    // from the failure on, so a busy machine taking a second to get here does not change it.
    vi.useFakeTimers({ toFake: ['Date'] })
    const watch = useWatchStore()
    watch.failures = [
      {
        environment: 'live',
        reason: 'throttled (status 1)',
        status: '1',
        failures: 2,
        retryInMs: 8000,
        at: Date.now(),
      },
    ]
    await flushPromises()
    expect(w.get('[data-test="refresh-failure"]').text()).toBe(
      'Live status could not refresh the requests in progress in Live (throttled (status 1)). ' +
        'It tries again by itself in 8 s; nothing is lost meanwhile.',
    )
    watch.failures = [
      {
        environment: 'live',
        reason: 'status 4: Bad Credentials',
        status: '4',
        failures: 1,
        retryInMs: 4000,
        at: Date.now(),
      },
    ]
    await flushPromises()
    expect(w.get('[data-test="refresh-failure"]').text()).toContain(
      `Next: ${statusInfo('4').nextStep}`,
    )
    watch.failures = []
    await flushPromises()
    expect(w.find('[data-test="refresh-failure"]').exists()).toBe(false)
  })
})

describe('history view: what could not be saved', () => {
  /** History with the app-wide notice above it, as the app shell shows them. */
  async function mountWithNotice() {
    const pinia = createPinia()
    setActivePinia(pinia)
    const history = useRequestsStore()
    await history.ready
    await history.importJson(JSON.stringify(seedEntries))
    router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/history', component: HistoryView },
        { path: '/requests/:id', name: 'request', component: { template: '<p>request</p>' } },
      ],
    })
    await router.push('/history')
    await router.isReady()
    const Shell = defineComponent({
      components: { AppStorageNotice, HistoryView },
      template: '<AppStorageNotice /><HistoryView />',
    })
    wrapper = mount(Shell, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await flushPromises()
    return { wrapper, history }
  }

  /** How many times the text is on the page. */
  function times(w: VueWrapper, text: string): number {
    return w.text().split(text).length - 1
  }

  afterEach(() => vi.restoreAllMocks())

  it('says a failed save once, in the app-wide notice, and no longer once it is saved', async () => {
    const { wrapper: w, history } = await mountWithNotice()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    await history.upsert(entry(0x62a2d3))
    await flushPromises()
    const said = "The request …62a2d3 could not be saved in this browser's history"
    expect(w.get('[data-test="storage-notice"]').text()).toContain(said)
    expect(times(w, said)).toBe(1)
    expect(w.findAll('[role="alert"]')).toHaveLength(1)

    put.mockRestore()
    await history.retryUnsaved()
    await flushPromises()
    expect(times(w, said)).toBe(0)
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })

  it("keeps history's own failures on the page: a delete that fails", async () => {
    const { wrapper: w } = await mountWithNotice()
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError')
    })
    await w.get(`button[aria-label*="${requestId(2)}"]`).trigger('click')
    await eventually(async () => {
      await flushPromises()
      expect(w.get('.history-view > .error[role="alert"]').text()).toContain(
        `Could not delete ${requestId(2)}`,
      )
    })
    expect(w.find('[data-test="storage-notice"]').exists()).toBe(false)
  })

  it('says once when history can only be kept in memory', async () => {
    vi.spyOn(globalThis.indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('IndexedDB is disabled.', 'InvalidStateError')
    })
    const { wrapper: w } = await mountWithNotice()
    const said = 'History cannot be saved in this browser'
    expect(w.get('[data-test="storage-notice"]').text()).toContain(said)
    expect(times(w, said)).toBe(1)
  })
})
