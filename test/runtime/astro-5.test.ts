/**
 * @module The Astro adapter under Astro 5 on the host Node (20), the newest Astro that runs there
 * (Astro 6 and 7 refuse Node 20): examples/astro's pages, middleware and config, copied into
 * test/.generated/astro5 next to the fixture in test/runtime/apps/astro5 (astro 5.18.2 and
 * @astrojs/node 9.5.5, pinned by its own lockfile and installed there with `npm ci`, since an
 * npm alias of `astro` in the root would be resolved as Astro 7 by Astro's own imports), built
 * with `astro build` and served standalone, against the emulated tenant over loopback HTTP. The
 * same two suites as the Astro 7 build (astro.test.ts) run against it. The install needs the npm
 * registry once; later runs reuse it while the lockfile is unchanged.
 */

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFrameworkSuite } from './framework-behaviours.js'
import { HttpBrowser, runBehaviourSuite, type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixture = `${root}test/runtime/apps/astro5/`
const example = `${root}examples/astro/`
const work = `${root}test/.generated/astro5/`
const ASTRO_VERSION = '5.18.2'
const INSTALL_TIMEOUT_MS = 240_000
const BUILD_TIMEOUT_MS = 180_000

/** Runs `command args` in `cwd`; rejects with its output when it fails or outlives `timeoutMs` (then it is killed by pid). */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', npm_config_loglevel: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
    }, timeoutMs)
    const killOnExit = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
    }
    process.once('exit', killOnExit)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      process.off('exit', killOnExit)
      if (code === 0) resolve()
      else reject(new Error(`${command} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${output}`))
    })
  })
}

/**
 * Lays out test/.generated/astro5: the fixture's package.json, lockfile and start script, Astro 5
 * installed with `npm ci` (skipped while the lockfile is the one installed), the package itself
 * linked as node_modules/auth0-link-kit (the fixture's own package.json hides the root's
 * self-reference), a fresh copy of examples/astro's src/ and config, then `astro build`.
 */
async function buildAstro5(): Promise<void> {
  mkdirSync(work, { recursive: true })
  for (const file of ['package.json', 'package-lock.json', 'start.mjs']) cpSync(`${fixture}${file}`, `${work}${file}`)
  const lock = createHash('sha256')
    .update(readFileSync(`${fixture}package-lock.json`))
    .digest('hex')
  const stamp = `${work}node_modules/.installed-lock`
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
    await run('npm', ['ci', '--no-audit', '--no-fund'], work, INSTALL_TIMEOUT_MS)
    writeFileSync(stamp, lock)
  }
  const link = `${work}node_modules/auth0-link-kit`
  if (!existsSync(link)) symlinkSync(root, link, 'dir')
  for (const out of ['src', 'dist', '.astro']) rmSync(`${work}${out}`, { recursive: true, force: true })
  cpSync(`${example}src`, `${work}src`, { recursive: true })
  cpSync(`${example}astro.config.mjs`, `${work}astro.config.mjs`)
  await run(process.execPath, ['node_modules/astro/astro.js', 'build'], work, BUILD_TIMEOUT_MS)
}

beforeAll(buildAstro5, INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS)

const startAstro5 = () => startSpawnedApp({ command: process.execPath, args: ['start.mjs'], cwd: work, timeout: 60_000 })

describe('the Astro 5 build', () => {
  let app: StartedApp | undefined
  beforeAll(async () => {
    app = await startAstro5()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it(`is Astro ${ASTRO_VERSION}, serving on the host Node`, async () => {
    // The built app resolves astro from test/.generated/astro5/node_modules, never the root's Astro 7.
    const installed = JSON.parse(readFileSync(`${work}node_modules/astro/package.json`, 'utf8')) as { version: string }
    expect(installed.version).toBe(ASTRO_VERSION)
    const response = await new HttpBrowser(app!.baseUrl).send('/hello')
    // Astro 5 has no import.meta.env.ASTRO_VERSION (Astro 7 fills it), so the example names no version.
    const text = await response.text()
    expect(text.startsWith('hello from astro ')).toBe(true)
    expect(text.endsWith(` on node ${process.version}`)).toBe(true)
  })
})

runBehaviourSuite(
  `Astro ${ASTRO_VERSION} (middleware, astro build + @astrojs/node 9.5 standalone on Node ${process.versions.node})`,
  startAstro5,
  {
    runtime: 'astro',
  },
)
runFrameworkSuite(`Astro ${ASTRO_VERSION}: Astro.locals.auth, app-code flows, prefetch, cross-site, cookies, error page`, startAstro5)
