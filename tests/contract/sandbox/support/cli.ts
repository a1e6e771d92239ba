import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../..', import.meta.url))

/** The standalone sandbox (`npm run sandbox`) as a child process, from the project root. */
export function cli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ['--import', 'tsx', 'server/sandbox/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, SANDBOX_PORT: '', SANDBOX_HOST: '', SANDBOX_STATE_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export interface RunningCli {
  base: string
  pid: number
  /** Everything it printed on stdout so far. */
  output(): string
  /** Everything it printed on stderr so far. */
  errors(): string
  /** Stops it (SIGTERM lets it shut down, SIGKILL gives it no chance) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts the CLI and resolves once its whole banner is out (stops it if it never comes). */
export async function spawnCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<RunningCli> {
  const child = cli(args, env)
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  let out = ''
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  try {
    const base = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /listening at (http:\/\/\S+)\n[\s\S]*SDK: +.*\n/.exec(out)
        if (m) ok(m[1] as string)
      })
      child.once('exit', (code) => fail(new Error(`cli exited with ${code}: ${out}${err}`)))
    })
    return { base, pid: child.pid as number, output: () => out, errors: () => err, stop }
  } catch (error) {
    await stop('SIGKILL')
    throw error
  }
}

/**
 * Runs the CLI to its exit: the exit code and everything it printed. One that starts listening
 * instead is stopped at once (its exit code then is 0). Resolved on 'close', not 'exit': at 'exit'
 * the last lines it wrote (the message before `process.exit(1)`) may still be unread in the pipes.
 */
export async function runCliToExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
    if (stdout.includes('listening at')) child.kill('SIGTERM')
  })
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const code = await new Promise<number | null>((r) => child.once('close', r))
  return { code, stdout, stderr }
}
