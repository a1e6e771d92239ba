/**
 * `npm run sandbox`: the Verify v1 sandbox alone, at the root of its own port.
 * Options: --port N, --host H (or SANDBOX_PORT / SANDBOX_HOST), --accounts key:secret[:pin_code],...
 * (or SANDBOX_ACCOUNTS), --state FILE | --no-state (or SANDBOX_STATE_FILE), --no-throttle,
 * --search-per-second N (or SANDBOX_SEARCH_PER_SECOND), --max-finished N (or
 * SANDBOX_MAX_FINISHED_REQUESTS: finished requests kept, default 20000).
 * A state file another running process holds (its `<file>.lock`) is refused with exit code 1;
 * listening beyond the loopback address prints a warning (the admin API shows every PIN).
 */
import { createServer } from 'node:http'
import {
  SANDBOX_HEADER_LIMIT,
  StateFileInUseError,
  createSandbox,
  parseMaxFinished,
  parseSearchPerSecond,
  withSandboxLimitsFromEnv,
} from './index.ts'
import type { SandboxOptions } from './index.ts'
import { maskCommand } from './lock.ts'

interface CliOptions {
  port: number
  host: string
  sandbox: SandboxOptions
}

function fail(message: string): never {
  console.error(`sandbox: ${message}`)
  process.exit(1)
}

/** What `read` returns; when it throws, the CLI exits with the error's message. */
function orFail<T>(read: () => T): T {
  try {
    return read()
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
}

function parseArgs(argv: string[]): CliOptions {
  const env = process.env
  let port = env.SANDBOX_PORT ?? '4010'
  let host = env.SANDBOX_HOST ?? '127.0.0.1'
  // Two processes writing one state file would overwrite each other's requests: refuse instead.
  const sandbox: SandboxOptions = { whenStateFileInUse: 'refuse' }
  if (env.SANDBOX_ACCOUNTS) sandbox.accounts = env.SANDBOX_ACCOUNTS
  if (env.SANDBOX_STATE_FILE) sandbox.stateFile = env.SANDBOX_STATE_FILE
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined]
    const value = () => inline ?? argv[++i] ?? fail(`${name} needs a value`)
    switch (name) {
      case '--port':
      case '-p':
        port = value()
        break
      case '--host':
        host = value()
        break
      case '--accounts':
        sandbox.accounts = value()
        break
      case '--state':
        sandbox.stateFile = value()
        break
      case '--no-state':
        sandbox.stateFile = false
        break
      case '--no-throttle':
        sandbox.throttlePerSecond = null
        break
      case '--search-per-second':
        sandbox.searchPerSecond = orFail(() => parseSearchPerSecond(value(), '--search-per-second'))
        break
      case '--max-finished':
        sandbox.maxFinishedRequests = orFail(() => parseMaxFinished(value(), '--max-finished'))
        break
      case '--help':
      case '-h':
        console.log(
          'Usage: npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--accounts key:secret[:pin_code],...] [--state FILE | --no-state] [--no-throttle] [--search-per-second N] [--max-finished N]',
        )
        process.exit(0)
        break
      default:
        fail(`unknown option ${arg} (try --help)`)
    }
  }
  if (!/^[0-9]+$/.test(port) || Number(port) > 65535) fail(`invalid port "${port}"`)
  // The limit variables fill in what no flag gave, as for the app server.
  return { port: Number(port), host, sandbox: orFail(() => withSandboxLimitsFromEnv(sandbox, env)) }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2))
  let sandbox: ReturnType<typeof createSandbox>
  try {
    sandbox = createSandbox(options.sandbox)
  } catch (error) {
    if (error instanceof StateFileInUseError) fail(inUseMessage(error))
    fail(error instanceof Error ? error.message : String(error))
  }
  const server = createServer({ maxHeaderSize: SANDBOX_HEADER_LIMIT }, (req, res) =>
    sandbox.middleware(req, res),
  )
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      fail(
        `port ${options.port} on ${options.host} is already in use; choose another with --port or SANDBOX_PORT.`,
      )
    }
    if (error.code === 'EACCES') fail(`no permission to listen on ${options.host}:${options.port}.`)
    fail(error.message)
  })
  server.listen(options.port, options.host, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : options.port
    const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host
    const base = `http://${shownHost}:${port}`
    const { apiKey, apiSecret } = sandbox.defaultAccount
    console.log(`Verify v1 sandbox listening at ${base}`)
    console.log(`  API key:    ${apiKey}`)
    console.log(`  API secret: ${apiSecret}`)
    console.log(
      `  Try:        curl "${base}/verify/json?api_key=${apiKey}&api_secret=${apiSecret}&number=447700900000&brand=Acme"`,
    )
    console.log(`  Handset:    curl "${base}/__admin/messages"`)
    console.log(
      `  SDK:        new Vonage({ apiKey: '${apiKey}', apiSecret: '${apiSecret}' }, { apiHost: '${base}' })`,
    )
    if (!isLoopback(options.host)) {
      console.warn(
        `sandbox: warning: listening on ${options.host || 'every interface'}, beyond this machine: anyone who can reach port ${port} can read every PIN at /__admin/requests; use --host 127.0.0.1 to keep it local.`,
      )
    }
  })
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.close()
    server.closeAllConnections()
    void sandbox.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** Whether `host` is reachable from this machine only. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.[0-9]{1,3}){3}$/.test(h) ||
    h === '::1' ||
    /^::ffff:127(\.[0-9]{1,3}){3}$/.test(h)
  )
}

function inUseMessage(error: StateFileInUseError): string {
  const { file, lockFile, holder } = error
  // A lock written by an older version holds the command line as it was, secrets and all.
  const shown = holder.command === undefined ? '' : maskCommand(holder.command)
  const command = shown ? `: ${shown.length > 120 ? `${shown.slice(0, 119)}…` : shown}` : ''
  return (
    `the state file ${file} is in use by another running process (pid ${holder.pid}${command}): ` +
    `a dev server, \`npm run serve\` or another \`npm run sandbox\`. Two processes writing one ` +
    `file would overwrite each other's requests, so this sandbox does not start. Stop the other ` +
    `process, or give this one its own file with --state OTHER_FILE (or ` +
    `SANDBOX_STATE_FILE=OTHER_FILE), or keep its state in memory with --no-state. If process ` +
    `${holder.pid} is not a Verify Desk server, delete ${lockFile}.`
  )
}

main()
