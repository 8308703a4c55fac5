// The Redis suites run a real redis-server and the browser suite drives Debian's Chromium; npm
// cannot install either. So that `npm install && npm test` works on a fresh Debian machine, the
// global setup installs what the files of this run need when it can (root, apt-get), says once
// what and why, and otherwise stops at once with the exact command to run. Deciding is kept apart
// from doing, so the decision is tested without a real apt-get.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** A program some suites need that only the system's package manager provides. */
export interface SystemTool {
  /** Looked up on PATH. */
  command: string
  /** The Debian package that provides it. */
  aptPackage: string
  why: string
  /** The test files (paths relative to the repository, `/`-separated) that need it. */
  neededBy: RegExp
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  {
    command: 'redis-server',
    aptPackage: 'redis-server',
    why: 'the Redis session store is tested against a real server',
    neededBy: /(^|\/)test\/stores\/redis-[^/]*\.test\.ts$/,
  },
  {
    command: 'openssl',
    aptPackage: 'openssl',
    why: 'the Workers suite makes a private test CA to prove NODE_EXTRA_CA_CERTS reaches workerd',
    neededBy: /(^|\/)test\/runtime\/workerd\.test\.ts$/,
  },
  {
    command: 'chromium',
    aptPackage: 'chromium',
    why: "the browser end-to-end tests drive Debian's Chromium (playwright-core downloads no browser)",
    neededBy: /(^|\/)test\/(e2e\/(demo|demo-suggestions|frameworks)|runtime\/next)\.test\.ts$/,
  },
]

/** Set to 1 to be told the command instead of having it run. */
export const OPT_OUT = 'AUTH0_LINK_KIT_NO_PROVISION'

/** What the machine looks like, as far as installing goes. */
export interface Machine {
  /** Whether `command` is on PATH. */
  has(command: string): boolean
  /** `process.getuid()`, or undefined where there is none (Windows). */
  uid: number | undefined
  hasAptGet: boolean
  env: Record<string, string | undefined>
}

export type ProvisionPlan =
  | { action: 'none' }
  | { action: 'install'; tools: SystemTool[]; announcement: string }
  | { action: 'fail'; message: string }

/** The command a person runs to install `tools`; `sudo` unless they are root already. */
export function installCommand(tools: readonly SystemTool[], asRoot: boolean): string {
  const sudo = asRoot ? '' : 'sudo '
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${tools.map((tool) => tool.aptPackage).join(' ')}`
}

/** One line per tool: what it is needed for. */
function describeNeeds(tools: readonly SystemTool[]): string {
  return tools.map((tool) => `  ${tool.command}: ${tool.why}`).join('\n')
}

/** Decides what to do for the test files of this run: nothing, install, or stop with the command. */
export function planProvisioning(
  testFiles: readonly string[],
  machine: Machine,
  tools: readonly SystemTool[] = SYSTEM_TOOLS,
): ProvisionPlan {
  const files = testFiles.map((file) => file.replaceAll('\\', '/'))
  const missing = tools.filter((tool) => files.some((file) => tool.neededBy.test(file)) && !machine.has(tool.command))
  if (missing.length === 0) return { action: 'none' }
  const needs = `These tests need ${missing.length === 1 ? 'a program that is' : 'programs that are'} not installed:\n${describeNeeds(missing)}`
  const root = machine.uid === 0
  if (machine.env[OPT_OUT] === '1') {
    return { action: 'fail', message: `${needs}\n${OPT_OUT}=1 is set, so nothing was installed. Run:\n  ${installCommand(missing, root)}` }
  }
  if (!machine.hasAptGet) {
    return {
      action: 'fail',
      message: `${needs}\nThere is no apt-get here: install ${missing.map((tool) => tool.command).join(' and ')} with this system's package manager (on Debian or Ubuntu: ${installCommand(missing, root)}).`,
    }
  }
  if (!root) return { action: 'fail', message: `${needs}\nInstalling them needs root. Run:\n  ${installCommand(missing, false)}` }
  return {
    action: 'install',
    tools: missing,
    announcement: `Installing ${missing.map((tool) => tool.aptPackage).join(' and ')} with apt-get, once for this machine (${OPT_OUT}=1 turns this off):\n${describeNeeds(missing)}`,
  }
}

/** Runs a command with the output visible; throws when it fails. */
export type Run = (command: string, args: string[]) => void

const APT_LOCK = '/tmp/auth0-link-kit-provision.lock'

/**
 * Carries out `plan`: `apt-get update` once, then one `apt-get install -y` of every missing
 * package, then checks each tool is there now. Throws an Error with the command to run when the
 * plan is to fail or installing did not work.
 */
export function provision(plan: ProvisionPlan, machine: Machine, run: Run, log: (line: string) => void): void {
  if (plan.action === 'none') return
  if (plan.action === 'fail') throw new Error(plan.message)
  log(plan.announcement)
  const packages = plan.tools.map((tool) => tool.aptPackage)
  // Two test runs starting together on a fresh machine take turns (apt holds its own lock and
  // would fail the second); an install the other run finished first is a quick no-op.
  const serialized = (args: string[]): [string, string[]] =>
    machine.has('flock') ? ['flock', [APT_LOCK, 'apt-get', ...args]] : ['apt-get', args]
  const aptOptions = ['-o', 'DPkg::Lock::Timeout=300', '-qq']
  try {
    run(...serialized([...aptOptions, 'update']))
    run(...serialized([...aptOptions, 'install', '-y', ...packages]))
  } catch (error) {
    throw new Error(
      `Installing ${packages.join(' and ')} failed (${String(error)}). Run it yourself:\n  ${installCommand(plan.tools, true)}`,
    )
  }
  const stillMissing = plan.tools.filter((tool) => !machine.has(tool.command))
  if (stillMissing.length > 0) {
    throw new Error(
      `apt-get finished but ${stillMissing.map((tool) => tool.command).join(' and ')} is still not on PATH. Run:\n  ${installCommand(stillMissing, true)}`,
    )
  }
}

/** This machine, looked at for real. */
export function thisMachine(): Machine {
  return {
    has: (command) => {
      try {
        execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' })
        return true
      } catch {
        return false
      }
    },
    uid: process.getuid?.(),
    hasAptGet: existsSync('/usr/bin/apt-get'),
    env: process.env,
  }
}

/** Runs a command for real with its output shown; apt-get is told nobody is there to answer. */
export const runVisibly: Run = (command, args) => {
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
