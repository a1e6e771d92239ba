import { accessSync, constants } from 'node:fs'

/** Environment variables checked, in order, for the browser the end-to-end tests drive. */
export const BROWSER_ENV_VARS = ['VERIFY_DESK_CHROMIUM', 'CHROME_PATH'] as const

/** Usual install paths of Chromium / Chrome, checked after the variables. */
export const BROWSER_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The outcome of looking for a browser: its path, or one sentence saying how to get one. */
export type BrowserLookup = { path: string } | { error: string }

/**
 * Finds a Chromium or Chrome executable: `VERIFY_DESK_CHROMIUM`, then `CHROME_PATH`, then the usual
 * install paths. A variable that is set but points nowhere is an error (it is never silently ignored).
 */
export function findBrowser(
  env: NodeJS.ProcessEnv = process.env,
  paths: readonly string[] = BROWSER_PATHS,
): BrowserLookup {
  for (const name of BROWSER_ENV_VARS) {
    const value = env[name]
    if (!value) continue
    if (isExecutable(value)) return { path: value }
    return {
      error: `${name} is set to "${value}", which is not an executable file: point it at a Chromium or Chrome binary, or unset it.`,
    }
  }
  const found = paths.find(isExecutable)
  if (found) return { path: found }
  return {
    error:
      'No Chromium or Chrome found for the end-to-end tests: install one (on Debian/Ubuntu: `sudo apt-get install -y chromium`) or set VERIFY_DESK_CHROMIUM to the path of a Chromium or Chrome executable.',
  }
}

/** Flags for a headless Chromium in containers and CI: no sandbox, GPU, QUIC or background traffic. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
