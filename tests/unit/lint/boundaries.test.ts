import { describe, expect, test } from 'vitest'
import { lintErrors } from './support'

/** The `no-restricted-imports` errors ESLint reports for `code` as if it were the file at `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  return (await lintErrors(filePath, code))
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message)
}

// The first lint loads ESLint and its TypeScript rules: many seconds on a busy machine (well past
// half a minute beside a full test run). The limit only catches a hang.
describe('lint enforces the folder boundaries', { timeout: 120_000 }, () => {
  test.each([
    ['src/stores/history.ts', "import { createSandbox } from '../../server/sandbox/index'\n"],
    [
      'src/views/HistoryView.vue',
      '<script setup lang="ts">\nimport { verifyDesk } from \'../../server/plugin\'\nvoid verifyDesk\n</script>\n',
    ],
    ['src/utils/format.ts', "import { readFileSync } from 'node:fs'\n"],
  ])('%s importing the Node side fails', async (file, code) => {
    const errors = await restrictedImports(file, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/src\/ never imports server\/ or Node APIs/)
  })

  test.each([
    ['vue', "import { ref } from 'vue'\n"],
    ['node:fs', "import { readFileSync } from 'node:fs'\n"],
    ['../src/x', "import { x } from '../src/x'\n"],
    ['@/utils/format', "import { x } from '@/utils/format'\n"],
    ['ky', "import ky from 'ky'\n"],
  ])('contract/ importing %s fails', async (_name, code) => {
    const errors = await restrictedImports('contract/status.ts', code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/contract\/ (imports nothing outside itself|is plain TypeScript)/)
  })

  test('a view importing ky fails: only src/api/client.ts talks HTTP', async () => {
    const errors = await restrictedImports(
      'src/views/HistoryView.vue',
      '<script setup lang="ts">\nimport ky from \'ky\'\nvoid ky\n</script>\n',
    )
    expect(errors).toEqual([expect.stringMatching(/Only src\/api\/client\.ts imports ky/)])
  })

  test('src/api/client.ts may import ky but still not Node APIs', async () => {
    const errors = await restrictedImports(
      'src/api/client.ts',
      "import ky from 'ky'\nimport { env } from 'node:process'\nexport const client = ky.create({ prefixUrl: env.API })\n",
    )
    expect(errors).toEqual([expect.stringMatching(/src\/ never imports server\/ or Node APIs/)])
  })

  test('a store importing a component fails', async () => {
    const errors = await restrictedImports(
      'src/stores/requests.ts',
      "import BasePlaceholder from '@/components/BasePlaceholder.vue'\n",
    )
    expect(errors).toEqual([expect.stringMatching(/Logic layers never import UI/)])
  })

  test('the API layer importing a store fails', async () => {
    const errors = await restrictedImports(
      'src/api/verify.ts',
      "import { useSettingsStore } from '@/stores/settings'\n",
    )
    expect(errors).toEqual([expect.stringMatching(/The API layer never imports stores/)])
  })

  test('server/ importing src/ fails', async () => {
    const errors = await restrictedImports(
      'server/proxy/index.ts',
      "import { routes } from '../../src/router/index'\n",
    )
    expect(errors).toEqual([expect.stringMatching(/server\/ never imports src\//)])
  })

  test.each([
    [
      'src/api/client.ts',
      "import ky from 'ky'\nexport const client = ky.create({ prefixUrl: '/api' })\n",
    ],
    [
      'src/stores/requests.ts',
      "import { statusText } from '@contract/status'\nexport const text = statusText\n",
    ],
    [
      'src/views/HistoryView.vue',
      "<script setup lang=\"ts\">\nimport { ref } from 'vue'\nimport { statusText } from '@contract/status'\nconst text = ref(statusText)\n</script>\n<template><h1>{{ text }}</h1></template>\n",
    ],
    [
      'contract/params.ts',
      "import type { VerifyRequest } from './types'\nexport type Params = VerifyRequest\n",
    ],
    [
      'server/plugin.ts',
      "import type { VerifyRequest } from '../contract/types'\nimport { readFileSync } from 'node:fs'\nexport type R = VerifyRequest\nexport const read = readFileSync\n",
    ],
  ])('a legitimate import in %s passes', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([])
  })
})
