// `npm start` and the example scripts build first; the build must say one line, not tsup's ~90,
// and still show everything when it fails. The script is exercised on a copy of itself beside
// fake build tools (fast, and able to fail on demand), then `npm start` is run for real.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const ONE_LINE = /^Built fake-kit in \d+\.\d s\n$/

let sandbox: string | undefined

/** A repository-shaped folder with scripts/build-quiet.mjs and a fake `tool` that runs `body` (sh). */
function sandboxWith(tool: string, body: string): string {
  sandbox = mkdtempSync(join(tmpdir(), 'link-kit-build-quiet-'))
  mkdirSync(join(sandbox, 'scripts'))
  copyFileSync(join(ROOT, 'scripts/build-quiet.mjs'), join(sandbox, 'scripts/build-quiet.mjs'))
  writeFileSync(join(sandbox, 'package.json'), JSON.stringify({ name: 'fake-kit' }))
  mkdirSync(join(sandbox, 'node_modules/.bin'), { recursive: true })
  writeFileSync(join(sandbox, 'node_modules/.bin', tool), `#!/bin/sh\n${body}\n`)
  chmodSync(join(sandbox, 'node_modules/.bin', tool), 0o755)
  return sandbox
}

/** tsup's success: a file listing on stdout, the output written where `--out-dir` says. */
const LISTING = 'i=0; while [ $i -lt 90 ]; do echo "ESM dist/chunk-$i.js 1.2 KB"; i=$((i+1)); done'
const WRITES_OUT_DIR = 'mkdir -p "$2" && echo "export {}" > "$2/index.js"'

function runScript(dir: string, args: string[] = []) {
  // The lock is for builds of the real checkout; these sandboxes cannot collide.
  return spawnSync(process.execPath, [join(dir, 'scripts/build-quiet.mjs'), ...args], {
    cwd: dir,
    env: { ...process.env, AUTH0_LINK_KIT_BUILD_LOCKED: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  })
}

afterEach(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true })
  sandbox = undefined
})

describe('scripts/build-quiet.mjs', () => {
  it('prints one line for a build that worked and swaps the output into dist/', () => {
    const dir = sandboxWith('tsup', `${LISTING}\n${WRITES_OUT_DIR}`)
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist/stale.js'), 'old build')
    const result = runScript(dir)
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(ONE_LINE)
    expect(result.stderr).toBe('')
    expect(readdirSync(join(dir, 'dist'))).toEqual(['index.js'])
    // No staging folder left behind.
    expect(readdirSync(join(dir, 'node_modules/.cache'))).toEqual([])
  })

  it('writes to --out-dir when given', () => {
    const dir = sandboxWith('tsup', WRITES_OUT_DIR)
    const result = runScript(dir, ['--out-dir', 'elsewhere'])
    expect(result.stdout).toMatch(ONE_LINE)
    expect(existsSync(join(dir, 'elsewhere/index.js'))).toBe(true)
    expect(existsSync(join(dir, 'dist'))).toBe(false)
  })

  it("keeps tsup's warnings visible on success", () => {
    const dir = sandboxWith('tsup', `${LISTING}\necho "▲ [WARNING] Duplicate key \\"a\\" in object literal" >&2\n${WRITES_OUT_DIR}`)
    const result = runScript(dir)
    expect(result.status).toBe(0)
    expect(result.stderr).toBe('▲ [WARNING] Duplicate key "a" in object literal\n')
    expect(result.stdout).toMatch(ONE_LINE)
  })

  it("shows tsup's whole output and its exit code when the build fails, and leaves dist/ alone", () => {
    // Half the output written, then a type error: what a failing dts build looks like.
    const dir = sandboxWith(
      'tsup',
      `${LISTING}\n${WRITES_OUT_DIR}\necho "core/auth.ts(12,3): error TS2322: Type 'string' is not assignable to type 'number'." >&2\nexit 3`,
    )
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist/index.js'), 'the last good build')
    const result = runScript(dir)
    expect(result.status).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain("error TS2322: Type 'string' is not assignable to type 'number'.")
    expect(result.stderr).toContain('ESM dist/chunk-89.js')
    expect(result.stderr).toContain('Building fake-kit failed (tsup exited with 3)')
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8')).toBe('the last good build')
    expect(readdirSync(join(dir, 'node_modules/.cache'))).toEqual([])
  })

  it('says to install when tsup is not there', () => {
    const dir = sandboxWith('vite', 'exit 0')
    const result = runScript(dir)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('tsup is not installed: run `npm install` first')
  })

  it('builds a Vite app with --app in one line too', () => {
    const dir = sandboxWith(
      'vite',
      '[ "$1" = build ] && pwd > built-here && echo "vite v8 building for production..." && echo "✓ 120 modules transformed."',
    )
    mkdirSync(join(dir, 'examples/app'), { recursive: true })
    const result = runScript(dir, ['--app', 'examples/app'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Built examples\/app in \d+\.\d s\n$/)
    expect(readFileSync(join(dir, 'examples/app/built-here'), 'utf8').trim()).toBe(join(dir, 'examples/app'))
  })
})

describe('npm start', () => {
  let child: ChildProcess | undefined

  afterAll(async () => {
    // npm runs sh, which runs node: the whole process group goes, by the group id of our child.
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      process.kill(-child.pid, 'SIGTERM')
      await exited
    }
  })

  it("prints one line for the build, then the demo's addresses and LISTENING <port>", async () => {
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not print LISTENING within 90 s:\n${stdout}\n${stderr}`)), 90_000)
      child!.stdout!.on('data', () => {
        if (/^LISTENING \d+$/m.test(stdout)) {
          clearTimeout(timer)
          resolve()
        }
      })
      child!.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`npm start exited with ${code}:\n${stdout}\n${stderr}`))
      })
    })
    // npm's own two-line header ("> auth0-link-kit@… start", "> the command") and blank lines aside.
    const lines = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '))
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/^Built auth0-link-kit in \d+\.\d s$/)
    expect(lines[1]).toMatch(/^Auth0 emulator on http:\/\/127\.0\.0\.1:\d+ /)
    expect(lines[2]).toMatch(/^Demo app on http:\/\/127\.0\.0\.1:\d+ /)
    expect(lines[3]).toMatch(/^LISTENING \d+$/)
    // Nor is the listing on stderr (npm may put notices of its own there, so only that is checked).
    expect(stderr).not.toMatch(/dist\/|Build start|Build success/)
  }, 120_000)
})
