// What tests/e2e/support/global-setup.ts hands to the end-to-end tests (read with `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Base URLs of the dev servers started for the run, e.g. `http://127.0.0.1:41234`: one per test
     * file that may run at once (see `baseURL`).
     */
    baseURLs: string[]
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
