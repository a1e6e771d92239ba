/**
 * The History toolbar's import through the worker: the progress line, Cancel until saving begins,
 * the saved entries taken into history chunk by chunk, and the page's own import where no worker
 * can start. How the line and the report write their counts: HistoryToolbarImportProgress.test.ts
 * and HistoryToolbarImportReport.test.ts.
 *
 * The test DOM runs no module worker: its place is taken by one on the page's thread that runs the
 * worker's own job (`runImportJob`, wired as the worker wires it: history's database, the history
 * channel) on the real files and database. Its messages are structured-cloned and delivered a task
 * later, as between threads, and a test may hold them from one on (the worker is still busy there).
 */
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HISTORY_CHANNEL, openHistoryDb } from '@/utils/history-db'
import { historyToJson } from '@/utils/history-io'
import type { HistoryEntry } from '@/utils/history-entry'
import { runImportJob, type ImportMessage, type ImportReply } from '@/workers/history-import-job'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
} from '../../unit/stores/history-support'
import { mountHistoryToolbar } from './support'

/** The import worker, run on the page's thread (see above). */
class PageThreadWorker {
  /** Every worker the page started, in order. */
  static started: PageThreadWorker[] = []
  /** The next workers fail to load, as one whose script cannot be fetched. */
  static failToLoad = false
  /** The first message this says to hold, and every later one, wait until `release`. */
  static holdFrom: ((message: ImportMessage) => boolean) | null = null

  onmessage: ((event: MessageEvent<ImportMessage>) => void) | null = null
  onerror: ((event: ErrorEvent) => void) | null = null
  onmessageerror: (() => void) | null = null
  terminated = false
  /** What the job said that waits to be delivered. */
  private held: ImportMessage[] = []
  private save: (() => void) | null = null

  constructor(
    readonly url: URL | string,
    readonly options: WorkerOptions,
  ) {
    PageThreadWorker.started.push(this)
    if (PageThreadWorker.failToLoad) {
      setTimeout(() => this.onerror?.({ message: '', preventDefault() {} } as ErrorEvent))
    }
  }

  postMessage(message: ImportReply): void {
    // The file itself: Node cannot clone the test DOM's File (the worker reads the same bytes).
    const data: ImportReply =
      message.type === 'import'
        ? { ...structuredClone({ ...message, file: null }), file: message.file }
        : structuredClone(message)
    setTimeout(() => {
      if (this.terminated || PageThreadWorker.failToLoad) return
      if (data.type === 'save') this.save?.()
      else void runImportJob(data, this.deps(data.channel))
    })
  }

  terminate(): void {
    this.terminated = true
  }

  /** Delivers what waits; later messages wait again from the first `holdFrom` says to hold. */
  release(holdFrom: typeof PageThreadWorker.holdFrom = null): void {
    PageThreadWorker.holdFrom = holdFrom
    for (const message of this.held.splice(0)) this.deliver(message)
  }

  /** As the worker (src/workers/history-import.ts) wires the job. */
  private deps(channel: string | undefined): Parameters<typeof runImportJob>[1] {
    return {
      openDb: (name) => openHistoryDb(name === undefined ? {} : { name }),
      post: (out) => {
        const copy = structuredClone(out)
        if (this.held.length > 0 || PageThreadWorker.holdFrom?.(copy)) this.held.push(copy)
        else this.deliver(copy)
      },
      announce: (out) => {
        const tabs = new BroadcastChannel(channel ?? HISTORY_CHANNEL)
        tabs.postMessage(out)
        tabs.close()
      },
      proceed: () => new Promise<void>((resolve) => (this.save = resolve)),
    }
  }

  private deliver(message: ImportMessage): void {
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data: message } as MessageEvent<ImportMessage>)
    })
  }
}

/** For `holdFrom`: the worker's messages wait from the first of `type` on. */
const from =
  (type: ImportMessage['type']) =>
  (message: ImportMessage): boolean =>
    message.type === type

/** The one worker the page started. */
function theWorker(): PageThreadWorker {
  expect(PageThreadWorker.started, 'the page starts one import worker').toHaveLength(1)
  return PageThreadWorker.started[0]!
}

/** Chooses `history.json`, holding `text`, in the toolbar's import field. */
async function chooseFile(wrapper: VueWrapper, text: string): Promise<void> {
  const input = wrapper.get('[data-testid="history-import"]')
  const file = new File([text], 'history.json', { type: 'application/json' })
  Object.defineProperty(input.element, 'files', { value: [file] })
  await input.trigger('change')
  await flushPromises()
}

/** Waits until the page has taken in what the worker said (a limit for an import that hangs). */
async function until(assertion: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises()
      assertion()
    },
    { timeout: 10_000 },
  )
}

/** Entries `first` to `last` (each `entry(n)`, `patch` changing it). */
function exportOf(first: number, last: number, patch: Partial<HistoryEntry> = {}): HistoryEntry[] {
  return Array.from({ length: last - first + 1 }, (_, i) => entry(first + i, patch))
}
const ids = (entries: readonly HistoryEntry[]) => entries.map((e) => e.request_id)
const fileOf = (entries: HistoryEntry[]) => historyToJson(entries)

/** What history holds, as a tab that opens now reads it. */
async function storedIds(): Promise<string[]> {
  const tab = await openTab()
  const ids = tab.entries.map((e) => e.request_id).sort()
  await closeTabs()
  return ids
}

const progressLine = (wrapper: VueWrapper) => wrapper.get('[data-testid="history-import-progress"]')

beforeEach(() => {
  localStorage.clear()
  freshHistoryEnvironment()
  PageThreadWorker.started = []
  PageThreadWorker.failToLoad = false
  PageThreadWorker.holdFrom = null
  vi.stubGlobal('Worker', PageThreadWorker)
})
afterEach(async () => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  await closeTabs()
})

describe('HistoryToolbar: import in a worker', () => {
  it('hands the file to the worker and shows how far it is, then the report', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    const onPage = vi.spyOn(history, 'importJson')
    PageThreadWorker.holdFrom = from('checked')
    const file = exportOf(2, 4)
    await chooseFile(wrapper, fileOf(file))
    expect(onPage).not.toHaveBeenCalled()
    expect(theWorker().options.type).toBe('module')

    // Checked, not yet saved: Cancel is offered.
    await until(() =>
      expect(progressLine(wrapper).text()).toContain('Importing… checking 3 of 3 entries'),
    )
    expect(progressLine(wrapper).find('button').text()).toBe('Cancel import')
    expect(wrapper.get('[data-testid="history-import"]').attributes('disabled')).toBeDefined()

    // Saving begins (and is held before the entries are handed over): no Cancel any more, as
    // saving completes or fails as a whole.
    theWorker().release(from('entries'))
    await until(() => expect(progressLine(wrapper).text()).toContain('Importing… saving'))
    expect(progressLine(wrapper).text()).toContain('of 3 entries')
    expect(progressLine(wrapper).find('button').exists()).toBe(false)

    theWorker().release()
    await until(() =>
      expect(wrapper.text()).toContain('Imported: 3 added, 0 updated, 0 already up to date.'),
    )
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="history-import"]').attributes('disabled')).toBeUndefined()
    expect(theWorker().terminated).toBe(true)
    expect(ids(history.entries)).toEqual(expect.arrayContaining(ids(file)))
  })

  it('takes each chunk of entries the worker saved into history as it comes', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    const file = exportOf(2, 301)
    // The first chunk (a screenful) is handed over, the second waits in the worker.
    let chunks = 0
    PageThreadWorker.holdFrom = (message) => message.type === 'entries' && ++chunks === 2
    await chooseFile(wrapper, fileOf(file))
    await until(() =>
      expect(progressLine(wrapper).text()).toContain(
        'Importing… adding 200 of 300 entries to the list',
      ),
    )
    expect(ids(history.entries)).toEqual(expect.arrayContaining(ids(file.slice(0, 200))))
    const rest = new Set(ids(file.slice(200)))
    expect(history.entries.filter((e) => rest.has(e.request_id))).toEqual([])

    theWorker().release()
    await until(() => expect(wrapper.text()).toContain('Imported: 300 added'))
    expect(ids(history.entries)).toEqual(expect.arrayContaining(ids(file)))
  })

  it('cancels while the file is checked, says history is unchanged, focuses Import JSON', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    document.body.append(wrapper.element)
    PageThreadWorker.holdFrom = from('checked')
    await chooseFile(wrapper, fileOf(exportOf(2, 4)))
    await until(() => expect(progressLine(wrapper).text()).toContain('Importing… checking'))
    await progressLine(wrapper).get('button').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="history-import-cancelled"]').text()).toBe(
      'The import of history.json was cancelled; history is unchanged.',
    )
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('[data-testid="history-import"]').element)
    // The worker is ended before it saves anything.
    expect(theWorker().terminated).toBe(true)
    theWorker().release()
    await flushPromises()
    expect(await storedIds()).toEqual([])
    expect(history.entries).toEqual([entry(1)])
    wrapper.unmount()
  })

  it('keeps the keyboard focus on the import: progress line, then Import JSON again', async () => {
    const { wrapper } = await mountHistoryToolbar()
    document.body.append(wrapper.element)
    const input = wrapper.get('[data-testid="history-import"]').element as HTMLInputElement
    // The file is chosen from the keyboard: Import JSON has the focus, and is disabled at once.
    input.focus()
    PageThreadWorker.holdFrom = from('checked')
    await chooseFile(wrapper, fileOf(exportOf(2, 3)))
    const line = () => progressLine(wrapper).element
    expect(input.disabled).toBe(true)
    expect(document.activeElement).toBe(line())

    await until(() => expect(progressLine(wrapper).text()).toContain('Importing… checking'))
    const cancel = progressLine(wrapper).get('button')
    ;(cancel.element as HTMLButtonElement).focus()
    expect(document.activeElement).toBe(cancel.element)
    // Saving begins: Cancel goes, its focus goes to the progress line.
    theWorker().release(from('entries'))
    await until(() => expect(progressLine(wrapper).text()).toContain('Importing… saving'))
    expect(wrapper.find('[data-testid="history-import-progress"] button').exists()).toBe(false)
    expect(document.activeElement).toBe(line())

    // The import ends: the progress line goes, the focus goes back to Import JSON.
    theWorker().release()
    await until(() => expect(wrapper.text()).toContain('Imported: 2 added'))
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(document.activeElement).toBe(input)
    wrapper.unmount()
  })

  it('says why saving failed, with the file name, and that history is unchanged', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    await chooseFile(wrapper, fileOf(exportOf(2, 4)))
    await until(() =>
      expect(wrapper.get('[role="alert"]').text()).toBe(
        'history.json could not be imported; history is unchanged: The quota has been exceeded.',
      ),
    )
    // No report of counts (nothing was imported), and history holds what it held before.
    expect(wrapper.text()).not.toContain('Imported:')
    expect(history.entries).toEqual([entry(1)])
    vi.restoreAllMocks()
    expect(await storedIds()).toEqual([])
  })

  it('imports on the page when the worker cannot start', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    const onPage = vi.spyOn(history, 'importJson')
    PageThreadWorker.failToLoad = true
    const text = fileOf(exportOf(2, 4))
    await chooseFile(wrapper, text)
    await until(() => expect(wrapper.text()).toContain('Imported: 3 added'))
    expect(theWorker().terminated).toBe(true)
    expect(onPage).toHaveBeenCalledWith(text)
    expect(await storedIds()).toEqual(exportOf(2, 4).map((e) => e.request_id))
  })

  it('imports on the page where history is kept in memory only', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    history.storage = 'memory'
    const onPage = vi.spyOn(history, 'importJson')
    const text = fileOf(exportOf(2, 4))
    await chooseFile(wrapper, text)
    await until(() => expect(wrapper.text()).toContain('Imported: 3 added'))
    expect(PageThreadWorker.started).toHaveLength(0)
    expect(onPage).toHaveBeenCalledWith(text)
  })
})
