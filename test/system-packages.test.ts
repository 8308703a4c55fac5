// What the global setup does about redis-server and chromium on a given machine, decided from an
// injected `which`, uid and apt-get, and carried out with an injected runner: no real apt-get runs.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { installCommand, type Machine, OPT_OUT, planProvisioning, provision, SYSTEM_TOOLS } from './system-packages.js'

const REDIS_TEST = 'test/stores/redis-state-store.test.ts'
const CROSS_INSTANCE_TEST = 'test/stores/redis-cross-instance.test.ts'
const BROWSER_TEST = 'test/e2e/demo.test.ts'
const PLAIN_TEST = 'test/core/error-page.test.ts'
const WHOLE_SUITE = [PLAIN_TEST, REDIS_TEST, CROSS_INSTANCE_TEST, BROWSER_TEST, 'test/e2e/demo-error-page.test.ts']

/** A machine with exactly `installed` on PATH; root with apt-get unless told otherwise. */
function machine(installed: string[], overrides: Partial<Machine> = {}): Machine & { installed: Set<string> } {
  const onPath = new Set(installed)
  return { has: (command) => onPath.has(command), uid: 0, hasAptGet: true, env: {}, ...overrides, installed: onPath }
}

/** A runner that records commands and, like apt-get would, puts installed packages on PATH. */
function recordingRunner(target: { installed: Set<string> }, options: { fails?: boolean; installs?: boolean } = {}) {
  const commands: string[] = []
  const run = (command: string, args: string[]) => {
    commands.push([command, ...args].join(' '))
    if (options.fails) throw new Error('E: Unable to locate package')
    const install = args.indexOf('install')
    if (install >= 0 && options.installs !== false) for (const name of args.slice(install + 2)) target.installed.add(name)
  }
  return { run, commands }
}

describe('planProvisioning', () => {
  it('does nothing when the files of the run need neither program', () => {
    expect(planProvisioning([PLAIN_TEST, 'test/e2e/demo-error-page.test.ts'], machine([]))).toEqual({ action: 'none' })
  })

  it('does nothing when what the run needs is installed', () => {
    expect(planProvisioning(WHOLE_SUITE, machine(['redis-server', 'chromium']))).toEqual({ action: 'none' })
  })

  it('installs only what is missing and needed, as root with apt-get, saying why', () => {
    const plan = planProvisioning(WHOLE_SUITE, machine(['chromium']))
    expect(plan.action).toBe('install')
    if (plan.action !== 'install') return
    expect(plan.tools.map((tool) => tool.aptPackage)).toEqual(['redis-server'])
    expect(plan.announcement).toContain('Installing redis-server with apt-get')
    expect(plan.announcement).toContain('the Redis session store is tested against a real server')
    expect(plan.announcement).toContain(OPT_OUT)
  })

  it('installs both for the whole suite on a fresh machine', () => {
    const plan = planProvisioning(WHOLE_SUITE, machine([]))
    expect(plan.action === 'install' && plan.tools.map((tool) => tool.aptPackage)).toEqual(['redis-server', 'chromium'])
  })

  it('asks only for chromium when the run is the browser test alone (Windows-style paths too)', () => {
    const plan = planProvisioning(['C:\\work\\repo\\test\\e2e\\demo.test.ts'], machine([]))
    expect(plan.action === 'install' && plan.tools.map((tool) => tool.command)).toEqual(['chromium'])
  })

  it('fails with the sudo command when not root', () => {
    const plan = planProvisioning(WHOLE_SUITE, machine([], { uid: 1000 }))
    expect(plan).toEqual({
      action: 'fail',
      message: expect.stringContaining('sudo apt-get update && sudo apt-get install -y redis-server chromium'),
    })
    expect(plan.action === 'fail' && plan.message).toContain('needs root')
  })

  it('fails with the command when there is no apt-get, naming what to install', () => {
    const plan = planProvisioning([REDIS_TEST], machine([], { uid: 501, hasAptGet: false }))
    expect(plan.action).toBe('fail')
    if (plan.action !== 'fail') return
    expect(plan.message).toContain('no apt-get here: install redis-server')
    expect(plan.message).toContain('sudo apt-get update && sudo apt-get install -y redis-server)')
    expect(plan.message).not.toContain('chromium')
  })

  it(`fails with the command instead of installing when ${OPT_OUT}=1, even as root`, () => {
    const plan = planProvisioning(WHOLE_SUITE, machine([], { env: { [OPT_OUT]: '1' } }))
    expect(plan).toEqual({
      action: 'fail',
      message: expect.stringContaining('\n  apt-get update && apt-get install -y redis-server chromium'),
    })
  })

  it(`installs when ${OPT_OUT} is anything but 1`, () => {
    expect(planProvisioning([REDIS_TEST], machine([], { env: { [OPT_OUT]: '0' } })).action).toBe('install')
  })
})

describe('provision', () => {
  it('runs apt-get update once and one install of every missing package, then finds them', () => {
    const target = machine(['flock'])
    const { run, commands } = recordingRunner(target)
    const lines: string[] = []
    provision(planProvisioning(WHOLE_SUITE, target), target, run, (line) => lines.push(line))
    expect(commands).toEqual([
      'flock /tmp/auth0-link-kit-provision.lock apt-get -o DPkg::Lock::Timeout=300 -qq update',
      'flock /tmp/auth0-link-kit-provision.lock apt-get -o DPkg::Lock::Timeout=300 -qq install -y redis-server chromium',
    ])
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Installing redis-server and chromium with apt-get/)
  })

  it('runs apt-get directly where there is no flock', () => {
    const target = machine([])
    const { run, commands } = recordingRunner(target)
    provision(planProvisioning([REDIS_TEST], target), target, run, () => {})
    expect(commands[0]).toBe('apt-get -o DPkg::Lock::Timeout=300 -qq update')
  })

  it('runs nothing for a plan of nothing, and throws the message of a plan to fail', () => {
    const target = machine([], { uid: 1000 })
    const { run, commands } = recordingRunner(target)
    provision({ action: 'none' }, target, run, () => {})
    expect(() => provision(planProvisioning([BROWSER_TEST], target), target, run, () => {})).toThrow(
      'sudo apt-get update && sudo apt-get install -y chromium',
    )
    expect(commands).toEqual([])
  })

  it('says what to run when apt-get fails', () => {
    const target = machine([])
    const { run } = recordingRunner(target, { fails: true })
    expect(() => provision(planProvisioning([REDIS_TEST], target), target, run, () => {})).toThrow(
      /Installing redis-server failed[\s\S]*apt-get update && apt-get install -y redis-server/,
    )
  })

  it('says so when apt-get succeeded but the program is still not on PATH', () => {
    const target = machine([])
    const { run } = recordingRunner(target, { installs: false })
    expect(() => provision(planProvisioning([BROWSER_TEST], target), target, run, () => {})).toThrow(/chromium is still not on PATH/)
  })
})

describe('the tools table', () => {
  it('matches the suites that start redis-server or Chromium', () => {
    const needing = (file: string) => SYSTEM_TOOLS.filter((tool) => tool.neededBy.test(file)).map((tool) => tool.command)
    expect(needing(REDIS_TEST)).toEqual(['redis-server'])
    expect(needing(CROSS_INSTANCE_TEST)).toEqual(['redis-server'])
    expect(needing('/abs/path/to/repo/test/e2e/demo.test.ts')).toEqual(['chromium'])
    expect(needing('test/e2e/demo-suggestions.test.ts')).toEqual(['chromium'])
    expect(needing('test/e2e/frameworks.test.ts')).toEqual(['chromium'])
    expect(needing('test/stores/memory-state-store.test.ts')).toEqual([])
    expect(needing('test/e2e/demo-error-page.test.ts')).toEqual([])
  })

  it('spells the root and non-root install commands', () => {
    expect(installCommand(SYSTEM_TOOLS, true)).toBe('apt-get update && apt-get install -y redis-server openssl chromium')
    expect(installCommand(SYSTEM_TOOLS, false)).toBe('sudo apt-get update && sudo apt-get install -y redis-server openssl chromium')
  })
})

describe('the global setup on a machine without redis-server', () => {
  it(`stops a run of the Redis tests before any test, with the command, when ${OPT_OUT}=1`, () => {
    // A PATH holding only node and sh: redis-server, chromium and apt's friends are all "missing".
    const bin = mkdtempSync(join(tmpdir(), 'link-kit-path-'))
    try {
      symlinkSync(process.execPath, join(bin, 'node'))
      symlinkSync('/bin/sh', join(bin, 'sh'))
      const vitest = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs')
      const result = spawnSync(process.execPath, [vitest, 'run', REDIS_TEST], {
        cwd: join(import.meta.dirname, '..'),
        env: { PATH: bin, HOME: tmpdir(), [OPT_OUT]: '1', NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      })
      const output = `${result.stdout}${result.stderr}`
      expect(result.status, output).toBe(1)
      expect(output).toContain('redis-server: the Redis session store is tested against a real server')
      expect(output).toContain('apt-get update && apt-get install -y redis-server\n')
      // Only what this run's files need: the browser test is not part of it. (Not a bare
      // 'chromium': the output names the checkout's folder, which may contain the word.)
      expect(output).not.toMatch(/^\s*chromium: |install -y [^\n]*chromium/m)
      expect(output).not.toMatch(/✓|Tests\s+\d+ passed/)
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  }, 60_000)
})
