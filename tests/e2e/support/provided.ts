// What tests/e2e/support/global-setup.ts hands to the end-to-end tests (read with `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the dev server started for the run, e.g. `http://127.0.0.1:41234`. */
    baseURL: string
    /** The Chromium / Chrome executable the tests drive. */
    browserPath: string
    /** The Chromium every test file connects to (one browser process for the whole run). */
    browserWSEndpoint: string
    /**
     * An empty folder of the run (removed at its end) where {@link sharedBuild} puts the one
     * production build that the test files serving it share.
     */
    sharedBuildDir: string
  }
}

export {}
