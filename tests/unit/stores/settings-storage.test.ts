import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { useSettingsStore } from '@/stores/settings'
import { useStorageProblemsStore } from '@/stores/storage-problems'

const storage = new Map<string, string>()
let full = false
let writes = 0
vi.stubGlobal('localStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => {
    writes++
    if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    storage.set(key, value)
  },
  removeItem: (key: string) => void storage.delete(key),
})

beforeEach(() => {
  storage.clear()
  full = false
  writes = 0
  setActivePinia(createPinia())
})

describe('saving settings', () => {
  it('writes each change once, the defaults saved at once included', async () => {
    const settings = useSettingsStore()
    expect(settings.updateDefaults({ brand: 'Acme' })).toBe(true)
    await nextTick()
    expect(writes).toBe(1)
    settings.pollSandboxSeconds = 3
    await nextTick()
    expect(writes).toBe(2)
    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.brand).toBe('Acme')
    expect(useSettingsStore().pollSandboxSeconds).toBe(3)
  })
})

describe('settings in a full local storage', () => {
  it('says the defaults were not saved, on every page, until a save works', async () => {
    const settings = useSettingsStore()
    const problems = useStorageProblemsStore()
    full = true
    expect(settings.updateDefaults({ brand: 'Acme' })).toBe(false)
    expect(settings.saveError).toMatch(/storage is full/)
    expect(settings.defaults.brand).toBe('Acme')
    expect(problems.problems.map((p) => p.area)).toEqual(['settings'])
    expect(problems.problems[0]?.message).toMatch(/^Your settings could not be saved/)
    // Another change (here the retention) does not pretend otherwise.
    settings.historyRetentionDays = 7
    await nextTick()
    expect(problems.problems).toHaveLength(1)
    full = false
    expect(settings.updateDefaults({ brand: 'Acme 2' })).toBe(true)
    expect(settings.saveError).toBeNull()
    expect(problems.problems).toEqual([])
    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.brand).toBe('Acme 2')
    expect(useSettingsStore().historyRetentionDays).toBe(7)
  })
})
