#!/usr/bin/env node
/**
 * @module `npx auth0-link-kit doctor`: runs `doctor()` with the app's `AUTH0_*` variables (and
 * those of `--env-file`), prints one line per check (or `--json`), and exits 0 when every check
 * the configuration needs holds, 1 when one failed, 2 when some could not be made, 64 on a usage
 * error. Node APIs live here only; the checks themselves are Web-standard.
 */

import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { readRecord } from '../adapters/env.js'
import { type DoctorOptions, type DoctorReport, doctor, formatDoctorReport } from './index.js'

const USAGE = `Usage: auth0-link-kit doctor [options]

Checks the Auth0 tenant the app is configured for, read-only, and prints what is missing.
Reads AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL,
AUTH0_PUSHED_AUTHORIZATION_REQUESTS, AUTH0_ORGANIZATION, AUTH0_LINK_STRATEGY and, for a separate
Management API client, AUTH0_MANAGEMENT_AUDIENCE, AUTH0_MANAGEMENT_CLIENT_ID, AUTH0_MANAGEMENT_CLIENT_SECRET.

Options:
  --env-file PATH          read variables from a .env file too (the environment wins)
  --json                   print the report as JSON
  --connected-accounts     the app uses connected accounts and Token Vault (checks their prerequisites)
  --identities             the app reads users' identities (needs read:users)
  --strategy NAME          linking strategy: management-api (default) or tenant-action
  --action-name NAME       the name the kit's post-login Action is deployed under
  --timeout MS             milliseconds per call to the tenant (default 5000)
  -h, --help               this text

Exit code: 0 every needed check holds, 1 a check failed, 2 a check could not be made, 64 usage error.`

interface CliArguments {
  envFile: string | undefined
  json: boolean
  connectedAccounts: boolean
  identities: boolean
  strategy: string | undefined
  actionName: string | undefined
  timeout: number | undefined
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): CliArguments | 'help' {
  const [command, ...rest] = args
  if (command === '-h' || command === '--help' || command === 'help') return 'help'
  if (command !== 'doctor') throw new UsageError(command === undefined ? 'missing command' : `unknown command ${command}`)
  const parsed: CliArguments = {
    envFile: undefined,
    json: false,
    connectedAccounts: false,
    identities: false,
    strategy: undefined,
    actionName: undefined,
    timeout: undefined,
  }
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index] ?? ''
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? argument.split(/=(.*)/s, 2) : [argument, undefined]
    const value = (): string => {
      const next = inline ?? rest[++index]
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`)
      return next
    }
    switch (flag) {
      case '-h':
      case '--help':
        return 'help'
      case '--json':
        parsed.json = true
        break
      case '--connected-accounts':
        parsed.connectedAccounts = true
        break
      case '--identities':
        parsed.identities = true
        break
      case '--env-file':
        parsed.envFile = value()
        break
      case '--strategy':
        parsed.strategy = value()
        break
      case '--action-name':
        parsed.actionName = value()
        break
      case '--timeout': {
        const timeout = Number(value())
        if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout must be a positive number of milliseconds')
        parsed.timeout = timeout
        break
      }
      default:
        throw new UsageError(`unknown option ${flag}`)
    }
  }
  return parsed
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>
  } catch (error) {
    throw new UsageError(`cannot read --env-file ${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The doctor's options from the environment and the flags, as the app would configure itself. */
function optionsFor(cli: CliArguments, environment: Record<string, string | undefined>): DoctorOptions {
  const env = { ...(cli.envFile ? readEnvFile(cli.envFile) : {}), ...definedOnly(environment) }
  const managementApi = Object.fromEntries(
    Object.entries({
      audience: env.AUTH0_MANAGEMENT_AUDIENCE,
      clientId: env.AUTH0_MANAGEMENT_CLIENT_ID,
      clientSecret: env.AUTH0_MANAGEMENT_CLIENT_SECRET,
    }).filter(([, value]) => value),
  )
  return {
    env: readRecord(env),
    managementApi,
    ...(cli.connectedAccounts ? { connectedAccounts: { enabled: true } } : {}),
    ...(cli.identities ? { identities: { enabled: true } } : {}),
    ...(cli.strategy ? { linking: { strategy: cli.strategy } } : {}),
    ...(cli.actionName ? { linkingActionName: cli.actionName } : {}),
    ...(cli.timeout ? { httpTimeout: cli.timeout } : {}),
  }
}

function definedOnly(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''))
}

function exitCodeOf(report: DoctorReport): number {
  if (report.ok) return 0
  return report.checks.some((check) => check.status === 'fail') ? 1 : 2
}

async function main(): Promise<number> {
  let cli: CliArguments | 'help'
  let options: DoctorOptions
  try {
    cli = parseArguments(process.argv.slice(2))
    if (cli === 'help') {
      console.log(USAGE)
      return 0
    }
    options = optionsFor(cli, process.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`auth0-link-kit: ${error.message}\n\n${USAGE}`)
    return 64
  }
  const report = await doctor(options)
  console.log(cli.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report))
  return exitCodeOf(report)
}

// Not a top-level await: the same file is built as CommonJS too.
main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // An unexpected failure of the doctor itself: its message only (no stack of internals, no options).
    console.error(`auth0-link-kit doctor failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 70
  },
)
