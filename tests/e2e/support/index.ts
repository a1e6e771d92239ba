// The end-to-end harness: import from 'tests/e2e/support' in any tests/e2e/**/*.test.ts file.
export {
  baseURL,
  chromiumArgs,
  connectBrowser,
  launchBrowser,
  newPage,
  saveArtifacts,
  useBrowser,
} from './browser'
export type { BrowserFixture, OpenPage } from './browser'
export { buildApp, projectRoot, restartablePort, startServer } from './server'
export type { RunningServer, StartServerOptions } from './server'
export { sharedBuild } from './shared-build'
export { findBrowser } from './browser-path'
export { axeViolations, horizontalOverflow, unnamedControls } from './a11y'
export type { A11yProblem } from './a11y'
export {
  adminRequest,
  advanceClock,
  checkCode,
  holdRequests,
  navigateTo,
  PIN_LABEL,
  POLL,
  randomNumber,
  REQUEST_URL,
  requestStatus,
  startFromOwnApp,
  startVerification,
  waitForStatus,
} from './flows'
