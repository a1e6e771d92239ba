import { describe, expect, it } from 'vitest'
import { SettingsError, resolveSettings } from '../../../server/proxy/env'
import { searchKey } from '../../../server/proxy/index'

const defaults = { liveHost: 'https://api.nexmo.com', liveAuth: 'basic' as const }

describe('resolveSettings', () => {
  it('enables live only when both key and secret are set', () => {
    expect(resolveSettings({}, defaults).live).toBeUndefined()
    const half = resolveSettings({ VONAGE_API_KEY: 'abcd1234' }, defaults)
    expect(half.live).toBeUndefined()
    expect(half.warnings.join(' ')).toMatch(/VONAGE_API_SECRET is not set/)
    expect(
      resolveSettings({ VONAGE_API_KEY: 'k1', VONAGE_API_SECRET: 's1' }, defaults).live,
    ).toEqual({
      credentials: { apiKey: 'k1', apiSecret: 's1' },
      host: 'https://api.nexmo.com',
      auth: 'basic',
    })
  })

  it('takes the host and auth mode from VONAGE_API_HOST and VONAGE_AUTH', () => {
    const env = { VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's', VONAGE_AUTH: 'PARAMS' }
    expect(
      resolveSettings({ ...env, VONAGE_API_HOST: 'http://127.0.0.1:4010/' }, defaults).live,
    ).toMatchObject({
      host: 'http://127.0.0.1:4010',
      auth: 'params',
    })
    expect(
      resolveSettings({ ...env, VONAGE_API_HOST: 'api-eu.vonage.com' }, defaults).live?.host,
    ).toBe('https://api-eu.vonage.com')
  })

  it('refuses http:// to another machine (the secret would travel unencrypted), keeps it for this one', () => {
    const env = { VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' }
    for (const host of ['http://remote-host', 'http://api.nexmo.com:80/', 'http://10.0.0.5:4010']) {
      expect(() => resolveSettings({ ...env, VONAGE_API_HOST: host }, defaults), host).toThrow(
        /^VONAGE_API_HOST must use https for a host other than this machine: .* unencrypted/,
      )
    }
    expect(() =>
      resolveSettings({ ...env, VONAGE_API_HOST: 'http://remote-host' }, defaults),
    ).toThrow('Use https://remote-host (http:// is accepted only for localhost, 127.0.0.1 or [::1]')
    // The plugin's own liveHost default is held to the same rule.
    expect(() => resolveSettings(env, { ...defaults, liveHost: 'http://remote-host' })).toThrow(
      SettingsError,
    )
    for (const host of ['http://localhost:4010', 'http://127.0.0.1:4010', 'http://[::1]:4010']) {
      expect(resolveSettings({ ...env, VONAGE_API_HOST: host }, defaults).live?.host).toBe(host)
    }
  })

  it('refuses settings that cannot work, with the variable name in the message', () => {
    const env = { VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' }
    expect(() => resolveSettings({ ...env, VONAGE_AUTH: 'digest' }, defaults)).toThrow(
      /VONAGE_AUTH/,
    )
    expect(() => resolveSettings({ ...env, VONAGE_API_HOST: 'ftp://x' }, defaults)).toThrow(
      SettingsError,
    )
    expect(() => resolveSettings({ ...env, VONAGE_API_HOST: 'https://u:p@x' }, defaults)).toThrow(
      /credentials/,
    )
    expect(() => resolveSettings({ VERIFY_DESK_SEARCH_RATE: 'fast' }, defaults)).toThrow(
      'VERIFY_DESK_SEARCH_RATE must be a number of searches per second above 0 and at most 30 ' +
        '(1, 2.5 and 0.5 are all fine), not "fast".',
    )
  })

  it('reads extra allowed origins and refuses one that is not an origin', () => {
    expect(
      resolveSettings(
        { VERIFY_DESK_ALLOWED_ORIGINS: 'https://desk.example.com/, http://10.0.0.5:8080' },
        defaults,
      ).allowedOrigins,
    ).toEqual(['https://desk.example.com', 'http://10.0.0.5:8080'])
    expect(() =>
      resolveSettings({ VERIFY_DESK_ALLOWED_ORIGINS: 'desk.example.com' }, defaults),
    ).toThrow(/VERIFY_DESK_ALLOWED_ORIGINS/)
  })

  it('reads the token, extra allowed hosts and the live search rate', () => {
    const settings = resolveSettings(
      {
        VERIFY_DESK_TOKEN: 'short',
        VERIFY_DESK_ALLOWED_HOSTS: 'desk.lan, .corp.example ,',
        VERIFY_DESK_SEARCH_RATE: '2',
      },
      defaults,
    )
    expect(settings.token).toBe('short')
    expect(settings.warnings.join(' ')).toMatch(/shorter than 16/)
    expect(settings.allowedHosts).toEqual(['desk.lan', '.corp.example'])
    expect(settings.liveSearchPerSecond).toBe(2)
  })
})

describe('searchKey', () => {
  const search = (path: string, body?: string, method = 'GET') => ({
    method,
    path,
    headers: {},
    body,
  })
  it('is the same only for the same upstream call', () => {
    const q = search('/verify/search/json?request_id=a')
    expect(searchKey('live', q)).toBe(searchKey('live', search('/verify/search/json?request_id=a')))
    const keys = new Set([
      searchKey('live', q),
      searchKey('sandbox', q),
      searchKey('live', search('/verify/search/xml?request_id=a')),
      searchKey('live', search('/verify/search/json?request_id=b')),
      searchKey('live', search('/verify/search/json?request_ids=a')),
      searchKey('live', search('/verify/search/json', 'request_id=a', 'POST')),
      searchKey('live', search('/verify/search/json', 'request_id=a&request_id=b', 'POST')),
      searchKey('live', search('/verify/search/json', 'request_id=b&request_id=a', 'POST')),
    ])
    expect(keys.size).toBe(8)
  })
})
