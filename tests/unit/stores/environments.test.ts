import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { getEnvironments } from '@/api/verify'
import { ApiError } from '@/api/client'
import { useEnvironmentsStore } from '@/stores/environments'

vi.mock('@/api/verify', () => ({ getEnvironments: vi.fn() }))

const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => void storage.set(key, value),
  removeItem: (key: string) => void storage.delete(key),
})

const LIVE_OFF = {
  environments: [
    { id: 'sandbox' as const, label: 'Sandbox', available: true },
    { id: 'live' as const, label: 'Live', available: false },
  ],
  default: 'sandbox' as const,
}

beforeEach(() => {
  storage.clear()
  setActivePinia(createPinia())
  vi.mocked(getEnvironments).mockResolvedValue(LIVE_OFF)
})

describe('the chosen environment', () => {
  it('keeps a stored Live choice when live is not available any more, and says why nothing starts', async () => {
    storage.set('verify-desk:environment', 'live')
    const store = useEnvironmentsStore()
    await store.load()
    expect(store.currentId).toBe('live')
    expect(store.current).toMatchObject({ id: 'live', available: false })
    expect(store.currentUnavailableReason).toBe(
      'Live is not available on this server: choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
    expect(store.select('sandbox')).toBe(true)
    expect(store.currentUnavailableReason).toBeNull()
    expect(storage.get('verify-desk:environment')).toBe('sandbox')
  })

  it('without a stored choice stays on the sandbox even when the server offers live by default', async () => {
    vi.mocked(getEnvironments).mockResolvedValue({
      ...LIVE_OFF,
      environments: [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: true },
      ],
      default: 'live',
    })
    const store = useEnvironmentsStore()
    expect(store.currentId).toBe('sandbox')
    await store.load()
    expect(store.currentId).toBe('sandbox')
    expect(store.currentUnavailableReason).toBeNull()
  })
})

describe('before the server has said which environments it offers', () => {
  const liveReason = (store: ReturnType<typeof useEnvironmentsStore>) => {
    const live = store.environments.find((e) => e.id === 'live')
    return live ? store.unavailableReason(live) : 'no live entry'
  }

  it('asks for the access token, not for live credentials, when the list needs the token', async () => {
    storage.set('verify-desk:environment', 'live')
    vi.mocked(getEnvironments).mockRejectedValue(
      new ApiError('proxy', 'This Verify Desk server needs its access token.', {
        httpStatus: 401,
        code: 'unauthorized',
      }),
    )
    const store = useEnvironmentsStore()
    await store.load()
    const expected =
      "Enter this server's access token first: the environments it offers are shown once it is accepted."
    expect(store.currentUnavailableReason).toBe(expected)
    expect(liveReason(store)).toBe(expected)
    // Once the token is accepted, the real answer replaces it.
    vi.mocked(getEnvironments).mockResolvedValue(LIVE_OFF)
    await store.load()
    expect(liveReason(store)).toBe(
      'Live is not configured: set VONAGE_API_KEY and VONAGE_API_SECRET on the server and restart it.',
    )
  })

  it('ends the reason with one full stop, and names a plain error without its class name', async () => {
    vi.mocked(getEnvironments).mockRejectedValueOnce(
      new ApiError('proxy', 'The server is shutting down.', { httpStatus: 503 }),
    )
    const store = useEnvironmentsStore()
    await store.load()
    expect(store.needsToken).toBe(false)
    expect(store.failureMessage).toBe(
      'Could not ask the server which environments it offers: The server is shutting down.',
    )
    vi.mocked(getEnvironments).mockRejectedValueOnce(new Error('connection refused'))
    await store.load()
    expect(store.failureMessage).toBe(
      'Could not ask the server which environments it offers: connection refused.',
    )
  })

  it('says the list could not be loaded, and why, instead of blaming the live settings', async () => {
    vi.mocked(getEnvironments).mockRejectedValue(new ApiError('network', 'Failed to fetch'))
    const store = useEnvironmentsStore()
    const pending = store.load()
    const live = store.environments.find((e) => e.id === 'live')
    expect(live && store.unavailableReason(live)).toBe(
      'checking which environments this server offers…',
    )
    await pending
    expect(live && store.unavailableReason(live)).toBe(
      'Could not ask the server which environments it offers: Failed to fetch.',
    )
  })
})
