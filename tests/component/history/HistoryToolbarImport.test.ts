/**
 * The History toolbar's import through the worker (the worker's side is replaced by a stand-in
 * driven from each test): the progress line, Cancel until saving begins, the saved entries taken
 * into history chunk by chunk, and the page's own import where no worker can start.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import HistoryToolbar from '@/components/history/HistoryToolbar.vue'
import { useRequestsStore } from '@/stores/requests'
import type { WorkerImportOptions } from '@/workers/history-import-client'
import type { ImportCounts } from '@/utils/history-io'
import { entry } from '../../unit/stores/history-support'

const worker = vi.hoisted(() => ({
  available: true,
  calls: [] as { file: Blob; options: WorkerImportOptions }[],
  result: null as null | {
    resolve: (counts: ImportCounts) => void
    reject: (error: Error) => void
  },
}))

vi.mock('@/workers/history-import-client', async (importActual) => {
  const actual = await importActual<typeof import('@/workers/history-import-client')>()
  return {
    ...actual,
    canImportInWorker: () => worker.available,
    importInWorker: (file: Blob, options: WorkerImportOptions) => {
      worker.calls.push({ file, options })
      return new Promise<ImportCounts>((resolve, reject) => {
        worker.result = { resolve, reject }
        options.signal?.addEventListener('abort', () => reject(new actual.ImportCancelledError()))
      })
    },
  }
})

async function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  await history.ready
  history.storage = 'indexeddb'
  history.entries = [entry(1)]
  const wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
  return { wrapper, history }
}

async function chooseFile(wrapper: Awaited<ReturnType<typeof setup>>['wrapper']) {
  const input = wrapper.get('[data-testid="history-import"]')
  const file = new File(['{"entries":[]}'], 'history.json', { type: 'application/json' })
  Object.defineProperty(input.element, 'files', { value: [file] })
  await input.trigger('change')
  await flushPromises()
  return file
}

const COUNTS: ImportCounts = {
  added: 3,
  updated: 0,
  unchanged: 0,
  calls: 0,
  tooOld: 0,
  retentionDays: 0,
}

afterEach(() => {
  vi.restoreAllMocks()
  worker.available = true
  worker.calls = []
  worker.result = null
})

describe('HistoryToolbar: import in a worker', () => {
  it('hands the file to the worker and shows how far it is, then the report', async () => {
    const { wrapper, history } = await setup()
    const onPage = vi.spyOn(history, 'importJson')
    const file = await chooseFile(wrapper)
    expect(worker.calls).toHaveLength(1)
    expect(worker.calls[0]!.file).toBe(file)
    expect(onPage).not.toHaveBeenCalled()
    const { options } = worker.calls[0]!

    options.onProgress!({ phase: 'checking', done: 40_000, total: 100_000 })
    await flushPromises()
    const line = () => wrapper.get('[data-testid="history-import-progress"]')
    expect(line().text()).toContain(
      `Importing… checking ${(40_000).toLocaleString()} of ${(100_000).toLocaleString()} entries`,
    )
    expect(line().find('button').text()).toBe('Cancel import')
    expect(wrapper.get('[data-testid="history-import"]').attributes('disabled')).toBeDefined()

    options.onProgress!({ phase: 'saving', done: 5000, total: 100_000 })
    await flushPromises()
    expect(line().text()).toContain(
      `Importing… saving ${(5000).toLocaleString()} of ${(100_000).toLocaleString()} entries`,
    )
    // Saving completes or fails as a whole: no Cancel any more.
    expect(line().find('button').exists()).toBe(false)

    worker.result!.resolve(COUNTS)
    await flushPromises()
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Imported: 3 added, 0 updated, 0 already up to date.')
    expect(wrapper.get('[data-testid="history-import"]').attributes('disabled')).toBeUndefined()
  })

  it('writes the counts of its report as every count of the page is written (5,000)', async () => {
    const { wrapper } = await setup()
    await chooseFile(wrapper)
    worker.result!.resolve({
      added: 5000,
      updated: 1200,
      unchanged: 1003,
      calls: 2500,
      tooOld: 1500,
      retentionDays: 3650,
    })
    await flushPromises()
    const n = (count: number) => count.toLocaleString()
    expect(wrapper.text()).toContain(
      `Imported: ${n(5000)} added, ${n(1200)} updated, ${n(1003)} already up to date, with ${n(2500)} recorded calls.`,
    )
    expect(wrapper.get('[data-test="import-too-old"]').text()).toContain(
      `${n(1500)} finished entries were not imported: older than your ${n(3650)}-day history retention`,
    )
  })

  it('takes each chunk of entries the worker saved into history', async () => {
    const { wrapper, history } = await setup()
    const absorb = vi.spyOn(history, 'absorbWritten').mockImplementation(() => {})
    await chooseFile(wrapper)
    const { options } = worker.calls[0]!
    options.onEntries([entry(2), entry(3)])
    options.onEntries([entry(4)])
    expect(absorb.mock.calls).toEqual([[[entry(2), entry(3)]], [[entry(4)]]])
    worker.result!.resolve(COUNTS)
    await flushPromises()
  })

  it('cancels while the file is checked, says history is unchanged, focuses Import JSON', async () => {
    const { wrapper } = await setup()
    document.body.append(wrapper.element)
    await chooseFile(wrapper)
    worker.calls[0]!.options.onProgress!({ phase: 'reading', done: 0, total: 0 })
    await flushPromises()
    await wrapper.get('[data-testid="history-import-progress"] button').trigger('click')
    await flushPromises()
    expect(worker.calls[0]!.options.signal!.aborted).toBe(true)
    expect(wrapper.get('[data-testid="history-import-cancelled"]').text()).toBe(
      'The import of history.json was cancelled; history is unchanged.',
    )
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('[data-testid="history-import"]').element)
    wrapper.unmount()
  })

  it('keeps the keyboard focus on the import: progress line, then Import JSON again', async () => {
    const { wrapper } = await setup()
    document.body.append(wrapper.element)
    const input = wrapper.get('[data-testid="history-import"]').element as HTMLInputElement
    // The file is chosen from the keyboard: Import JSON has the focus, and is disabled at once.
    input.focus()
    await chooseFile(wrapper)
    const line = () => wrapper.get('[data-testid="history-import-progress"]').element
    expect(input.disabled).toBe(true)
    expect(document.activeElement).toBe(line())

    const { options } = worker.calls[0]!
    options.onProgress!({ phase: 'checking', done: 0, total: 2 })
    await flushPromises()
    const cancel = wrapper.get('[data-testid="history-import-progress"] button')
    ;(cancel.element as HTMLButtonElement).focus()
    expect(document.activeElement).toBe(cancel.element)
    // Saving begins: Cancel goes, its focus goes to the progress line.
    options.onProgress!({ phase: 'saving', done: 0, total: 2 })
    await flushPromises()
    expect(wrapper.find('[data-testid="history-import-progress"] button').exists()).toBe(false)
    expect(document.activeElement).toBe(line())

    // The import ends: the progress line goes, the focus goes back to Import JSON.
    worker.result!.resolve(COUNTS)
    await flushPromises()
    expect(wrapper.find('[data-testid="history-import-progress"]').exists()).toBe(false)
    expect(document.activeElement).toBe(input)
    wrapper.unmount()
  })

  it('says why saving failed, with the file name, and that history is unchanged', async () => {
    const { wrapper, history } = await setup()
    await chooseFile(wrapper)
    worker.result!.reject(new Error('The quota has been exceeded.'))
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'history.json could not be imported; history is unchanged: The quota has been exceeded.',
    )
    // No report of counts (nothing was imported), and history holds what it held before.
    expect(wrapper.text()).not.toContain('Imported:')
    expect(history.entries).toEqual([entry(1)])
  })

  it('imports on the page when the worker cannot start', async () => {
    const { wrapper, history } = await setup()
    const onPage = vi.spyOn(history, 'importJson').mockResolvedValue(COUNTS)
    await chooseFile(wrapper)
    const { ImportWorkerUnavailableError } = await import('@/workers/history-import-client')
    worker.result!.reject(new ImportWorkerUnavailableError('the worker script did not load'))
    await flushPromises()
    expect(onPage).toHaveBeenCalledWith('{"entries":[]}')
    expect(wrapper.text()).toContain('Imported: 3 added')
  })

  it('imports on the page where history is kept in memory only', async () => {
    const { wrapper, history } = await setup()
    history.storage = 'memory'
    const onPage = vi.spyOn(history, 'importJson').mockResolvedValue(COUNTS)
    await chooseFile(wrapper)
    expect(worker.calls).toHaveLength(0)
    expect(onPage).toHaveBeenCalledWith('{"entries":[]}')
  })
})
