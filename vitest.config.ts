import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

const root = fileURLToPath(new URL('./', import.meta.url))

// Four suites, one command: `npm test` runs them all.
export default mergeConfig(
  {
    ...viteConfig,
    plugins: viteConfig.plugins?.filter(
      (p) => !(p && 'name' in p && p.name === 'verify-desk:server'),
    ),
  },
  defineConfig({
    test: {
      root,
      // A test file waits on servers, child processes and sockets much of its time: one worker per
      // core keeps every core busy (Vitest's default leaves one core free, a single worker on two).
      // The end-to-end files run one at a time (their own `maxWorkers`).
      maxWorkers: '100%',
      // Files share the cores, so a busy machine slows a computing test (a property run, thousands
      // of entries, a server started as a child process) many times past Vitest's 5 s default: a
      // limit for hung tests only, never a measure of speed, and the same for set-up and tear-down
      // (a page mounted before each test, a server started).
      testTimeout: 60_000,
      hookTimeout: 60_000,
      projects: [
        {
          extends: true,
          test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'] },
        },
        {
          extends: true,
          test: {
            name: 'component',
            environment: 'happy-dom',
            include: ['tests/component/**/*.test.ts'],
          },
        },
        {
          extends: true,
          test: {
            name: 'contract',
            environment: 'node',
            include: ['tests/contract/**/*.test.ts'],
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['tests/e2e/**/*.test.ts'],
            globalSetup: ['tests/e2e/support/global-setup.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            // One file at a time, against one dev server (and sandbox). The harness runs more at
            // once, each file against a server of its own (see the global setup), but two at once
            // slow every file, and a test that must reach a state within a wall-clock window (a
            // request cancellable only 30 s after its start) then misses it.
            // Their own group: in a run of every project they start once the other projects are done.
            maxWorkers: 1,
            // The files of a worker run in one process, which loads the harness (Playwright, the
            // support modules) once rather than once per file. They share no state through it: each
            // file connects to the browser and opens its pages itself, and closes what it started.
            isolate: false,
            sequence: { groupOrder: 1 },
          },
        },
      ],
    },
  }),
)
