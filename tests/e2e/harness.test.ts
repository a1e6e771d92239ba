/**
 * The test servers never touch a dashboard a developer runs from the same checkout: their sandbox
 * state stays in memory, so nothing they do lands in `.data/sandbox/state.json` (what `npm run dev`
 * reads and writes) or carries over to the next test server.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { projectRoot, randomNumber, startServer, type RunningServer } from './support'

const developerState = join(projectRoot, '.data/sandbox/state.json')

/** What `npm run dev` keeps of its sandbox (its state file and journal), or '' when it has none. */
function developerSandboxData(): string {
  return [developerState, `${developerState}.journal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n')
}

async function startRequest(server: RunningServer): Promise<string> {
  const response = await fetch(
    `${server.url}/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=${randomNumber().digits}&brand=Harness`,
  )
  const answer = (await response.json()) as { status: string; request_id: string }
  expect(answer.status).toBe('0')
  return answer.request_id
}

describe('the test servers', () => {
  const started: RunningServer[] = []
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()))
  })

  test("keep the sandbox in memory: a request is neither in the developer's state file nor in the next server", async () => {
    const first = await startServer()
    started.push(first)
    const id = await startRequest(first)
    // Stopping the server is when a file-backed sandbox writes everything it holds.
    await first.close()
    expect(developerSandboxData()).not.toContain(id)

    const next = await startServer()
    started.push(next)
    const lookedUp = await fetch(`${next.url}/api/sandbox/__admin/requests/${id}`)
    expect(lookedUp.status).toBe(404)
    await lookedUp.body?.cancel()
  })
})
