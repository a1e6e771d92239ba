/**
 * `npm run sandbox`: the Verify v1 sandbox alone, at the root of its own port.
 * Options: --port N, --host H (or SANDBOX_PORT / SANDBOX_HOST), --accounts key:secret[:pin_code],...
 * (or SANDBOX_ACCOUNTS), --state FILE | --no-state (or SANDBOX_STATE_FILE), --no-throttle.
 */
import { createServer } from 'node:http'
import { createSandbox } from './index.ts'
import type { SandboxOptions } from './index.ts'

interface CliOptions {
  port: number
  host: string
  sandbox: SandboxOptions
}

function fail(message: string): never {
  console.error(`sandbox: ${message}`)
  process.exit(1)
}

function parseArgs(argv: string[]): CliOptions {
  const env = process.env
  let port = env.SANDBOX_PORT ?? '4010'
  let host = env.SANDBOX_HOST ?? '127.0.0.1'
  const sandbox: SandboxOptions = {}
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
      case '--help':
      case '-h':
        console.log(
          'Usage: npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--accounts key:secret[:pin_code],...] [--state FILE | --no-state] [--no-throttle]',
        )
        process.exit(0)
        break
      default:
        fail(`unknown option ${arg} (try --help)`)
    }
  }
  if (!/^[0-9]+$/.test(port) || Number(port) > 65535) fail(`invalid port "${port}"`)
  return { port: Number(port), host, sandbox }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2))
  let sandbox: ReturnType<typeof createSandbox>
  try {
    sandbox = createSandbox(options.sandbox)
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  const server = createServer((req, res) => sandbox.middleware(req, res))
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

main()
