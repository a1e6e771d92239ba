// The end-to-end harness: import from 'tests/e2e/support' in any tests/e2e/**/*.test.ts file.
export { baseURL, chromiumArgs, launchBrowser, newPage, saveArtifacts, useBrowser } from './browser'
export type { BrowserFixture, OpenPage } from './browser'
export { buildApp, getFreePort, projectRoot, startServer } from './server'
export type { RunningServer, StartServerOptions } from './server'
export { findBrowser } from './browser-path'
