import type { ApiCall } from '@/api/client'

/** One answered sandbox search about a request, as the call log lists it; `patch` changes it. */
export function apiCall(patch: Partial<ApiCall> = {}): ApiCall {
  return {
    id: 1,
    key: 'k1',
    method: 'GET',
    path: 'sandbox/verify/search/json',
    query: { request_id: 'abcdef0123456789abcdef0123456789' },
    body: null,
    startedAt: Date.UTC(2026, 0, 1, 12),
    durationMs: 12,
    httpStatus: 200,
    response: { status: '0' },
    error: null,
    ...patch,
  }
}
