import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { findBrowser } from '../../e2e/support/browser-path'

const dir = mkdtempSync(join(tmpdir(), 'verify-desk-browser-'))
const fakeChrome = join(dir, 'chrome')
writeFileSync(fakeChrome, '#!/bin/sh\n')
chmodSync(fakeChrome, 0o755)
const notExecutable = join(dir, 'readme.txt')
writeFileSync(notExecutable, 'not a browser')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('finding the browser for the end-to-end tests', () => {
  test('VERIFY_DESK_CHROMIUM wins over CHROME_PATH', () => {
    expect(findBrowser({ VERIFY_DESK_CHROMIUM: fakeChrome, CHROME_PATH: '/nowhere' })).toEqual({
      path: fakeChrome,
    })
  })

  test('CHROME_PATH is used when VERIFY_DESK_CHROMIUM is unset', () => {
    expect(findBrowser({ CHROME_PATH: fakeChrome })).toEqual({ path: fakeChrome })
  })

  test.each([join(dir, 'missing'), notExecutable])(
    'a variable pointing at %s is an error naming the variable, never silently skipped',
    (value) => {
      const found = findBrowser({ VERIFY_DESK_CHROMIUM: value })
      expect(found).toEqual({
        error: expect.stringContaining(`VERIFY_DESK_CHROMIUM is set to "${value}"`),
      })
    },
  )

  test('without variables the first executable install path is used', () => {
    expect(findBrowser({}, [join(dir, 'missing'), notExecutable, fakeChrome])).toEqual({
      path: fakeChrome,
    })
  })

  test('when nothing is found the error is one sentence saying how to get a browser', () => {
    const found = findBrowser({}, [join(dir, 'missing')])
    expect(found).toEqual({ error: expect.stringMatching(/apt-get install -y chromium/) })
    const { error } = found as { error: string }
    expect(error).toMatch(/VERIFY_DESK_CHROMIUM/)
    expect(error.split(/\.\s/)).toHaveLength(1)
  })
})
