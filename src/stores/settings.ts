/**
 * User settings kept in this browser: defaults for new verifications, the live-status polling
 * interval, history retention and the access token for a server that requires one.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { onScopeDispose, ref, watch } from 'vue'
import { setAccessToken } from '@/api/client'
import { storageReason, useStorageProblemsStore } from '@/stores/storage-problems'

const STORAGE_KEY = 'verify-desk:settings'

export interface VerifyDefaults {
  brand: string
  workflow_id: string
  /**
   * The `lg` sent; empty: none is sent, and the API writes in the number's language (a `33…`
   * number in French). A choice saved before this default existed is kept as it is.
   */
  lg: string
  code_length: string
  /** Country (ISO 3166 alpha-2) assumed for numbers typed without a `+`. */
  numberCountry: string
}

export interface Settings {
  defaults: VerifyDefaults
  /** Live-status polling interval in the sandbox, in seconds. */
  pollSandboxSeconds: number
  /** Live-status polling interval against live (the proxy limits search to 1/s). */
  pollLiveSeconds: number
  /** Days history entries are kept; 0 keeps them forever. */
  historyRetentionDays: number
  /** Browser notification on a change of state (if the user allowed it). */
  notifications: boolean
}

const DEFAULT_SETTINGS: Settings = {
  defaults: {
    brand: 'Verify Desk',
    workflow_id: '1',
    lg: '',
    code_length: '4',
    numberCountry: 'GB',
  },
  pollSandboxSeconds: 2,
  pollLiveSeconds: 10,
  historyRetentionDays: 0,
  notifications: false,
}

function clone(settings: Settings): Settings {
  return { ...settings, defaults: { ...settings.defaults } }
}

function readStored(): { settings: Settings; token: string | null } {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (!raw) return { settings: clone(DEFAULT_SETTINGS), token: null }
    const parsed = JSON.parse(raw) as Partial<Settings> & { accessToken?: unknown }
    const settings: Settings = {
      ...clone(DEFAULT_SETTINGS),
      ...parsed,
      defaults: { ...DEFAULT_SETTINGS.defaults, ...(parsed.defaults ?? {}) },
    }
    const token = typeof parsed.accessToken === 'string' ? parsed.accessToken : null
    return { settings, token }
  } catch {
    return { settings: clone(DEFAULT_SETTINGS), token: null }
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const problems = useStorageProblemsStore()
  const stored = readStored()
  /** Defaults for the New verification form. */
  const defaults = ref<VerifyDefaults>(stored.settings.defaults)
  const pollSandboxSeconds = ref(stored.settings.pollSandboxSeconds)
  const pollLiveSeconds = ref(stored.settings.pollLiveSeconds)
  const historyRetentionDays = ref(stored.settings.historyRetentionDays)
  const notifications = ref(stored.settings.notifications)
  /** The access token the server asked for (sent as X-Verify-Desk-Token). */
  const accessToken = ref<string | null>(stored.token)
  setAccessToken(accessToken.value)

  /**
   * Why the settings could not be saved (storage full or disabled): they then last for this page
   * only, and the app says so. Null once they are saved.
   */
  const saveError = ref<string | null>(null)

  /** What this tab last saved, so that a save at once (updateDefaults) is not written again. */
  let lastSaved: string | null = null

  /** Saves the settings; returns false (and reports why) when storage refused them. */
  function persist(): boolean {
    const text = JSON.stringify({
      defaults: defaults.value,
      pollSandboxSeconds: pollSandboxSeconds.value,
      pollLiveSeconds: pollLiveSeconds.value,
      historyRetentionDays: historyRetentionDays.value,
      notifications: notifications.value,
      accessToken: accessToken.value,
    })
    if (text === lastSaved) return true
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, text)
      lastSaved = text
      saveError.value = null
      problems.resolve(STORAGE_KEY)
      return true
    } catch (cause) {
      lastSaved = null
      saveError.value = storageReason(cause)
      problems.report({
        key: STORAGE_KEY,
        area: 'settings',
        message:
          `Your settings could not be saved in this browser (${saveError.value}): they apply ` +
          'in this tab until it is closed, and are saved with your next change.',
      })
      return false
    }
  }

  watch(
    [
      defaults,
      pollSandboxSeconds,
      pollLiveSeconds,
      historyRetentionDays,
      notifications,
      accessToken,
    ],
    persist,
    { deep: true },
  )
  watch(accessToken, (token) => setAccessToken(token))

  /** Told when another tab of this browser stored a different access token. */
  const tokenListeners = new Set<(token: string | null) => void>()

  /** Calls `listener` with the new token when another tab changes it; returns the unsubscribe. */
  function onTokenChangedElsewhere(listener: (token: string | null) => void): () => void {
    tokenListeners.add(listener)
    return () => tokenListeners.delete(listener)
  }

  // Another tab saved its settings (e.g. the token it was just given): take them over, so both
  // tabs send the same token and this tab's next save does not write back stale values.
  function onStorage(event: StorageEvent): void {
    if (event.key !== null && event.key !== STORAGE_KEY) return
    if (event.storageArea && event.storageArea !== globalThis.localStorage) return
    const next = readStored()
    if (JSON.stringify(next.settings.defaults) !== JSON.stringify(defaults.value)) {
      defaults.value = next.settings.defaults
    }
    pollSandboxSeconds.value = next.settings.pollSandboxSeconds
    pollLiveSeconds.value = next.settings.pollLiveSeconds
    historyRetentionDays.value = next.settings.historyRetentionDays
    notifications.value = next.settings.notifications
    if (next.token === accessToken.value) return
    accessToken.value = next.token
    // The client gets it now, before any listener makes a call with it.
    setAccessToken(next.token)
    for (const listener of tokenListeners) listener(next.token)
  }
  globalThis.addEventListener?.('storage', onStorage)
  onScopeDispose(() => globalThis.removeEventListener?.('storage', onStorage))

  /** Changes the defaults and saves them at once; false when they could not be saved. */
  function updateDefaults(patch: Partial<VerifyDefaults>): boolean {
    defaults.value = { ...defaults.value, ...patch }
    return persist()
  }

  function setToken(token: string | null): void {
    accessToken.value = token && token.trim() ? token.trim() : null
  }

  function reset(): void {
    const fresh = clone(DEFAULT_SETTINGS)
    defaults.value = fresh.defaults
    pollSandboxSeconds.value = fresh.pollSandboxSeconds
    pollLiveSeconds.value = fresh.pollLiveSeconds
    historyRetentionDays.value = fresh.historyRetentionDays
    notifications.value = fresh.notifications
  }

  return {
    defaults,
    pollSandboxSeconds,
    pollLiveSeconds,
    historyRetentionDays,
    notifications,
    accessToken,
    saveError,
    updateDefaults,
    setToken,
    onTokenChangedElsewhere,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
