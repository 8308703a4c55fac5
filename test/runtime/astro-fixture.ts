/**
 * @module Builds examples/astro with an older Astro major than the root's Astro 7, for
 * astro-5.test.ts and astro-6.test.ts: examples/astro's pages, middleware and config are copied
 * into test/.generated/astro<major> next to a fixture from test/runtime/apps/astro<major> (astro
 * and @astrojs/node pinned by its own lockfile, installed there with `npm ci`, since an npm alias
 * of `astro` in the root would be resolved as Astro 7 by Astro's own imports), then built with
 * `astro build` (@astrojs/node standalone). The install needs the npm registry once; later runs
 * reuse it while the lockfile is unchanged.
 */

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const example = `${root}examples/astro/`
/** Time for `npm ci` of a fixture (a first install downloads ~400 packages). */
export const INSTALL_TIMEOUT_MS = 240_000
/** Time for `astro build` of the copy. */
export const BUILD_TIMEOUT_MS = 180_000

/** Runs `command args` in `cwd` with `node` first on PATH; rejects with its output when it fails or outlives `timeoutMs` (then it is killed by pid). */
function run(command: string, args: string[], cwd: string, timeoutMs: number, node: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
        ASTRO_TELEMETRY_DISABLED: '1',
        npm_config_loglevel: 'error',
      },
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

/** One older Astro major: where its fixture is installed and built, and how to serve the build. */
export interface AstroFixture {
  /** test/.generated/astro<major>/, the installed and built copy. */
  work: string
  /** The astro version the fixture's package.json pins. */
  version: string
  /** Installs (when the lockfile changed), copies examples/astro and runs `astro build` on `node`. */
  build(): Promise<void>
  /** Serves the build on `node` (start.mjs) against a fresh emulated tenant. */
  start(): Promise<StartedApp>
}

/**
 * The fixture of Astro `major`, built and served with the Node binary `node`.
 *
 * @example
 * ```ts
 * const astro5 = astroFixture(5, process.execPath)
 * beforeAll(astro5.build, INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS)
 * runBehaviourSuite('Astro 5', astro5.start, { runtime: 'astro' })
 * ```
 */
export function astroFixture(major: number, node: string): AstroFixture {
  const fixture = `${root}test/runtime/apps/astro${major}/`
  const work = `${root}test/.generated/astro${major}/`
  const pinned = JSON.parse(readFileSync(`${fixture}package.json`, 'utf8')) as { dependencies: Record<string, string> }
  const version = pinned.dependencies.astro ?? ''
  return {
    work,
    version,
    async build() {
      mkdirSync(work, { recursive: true })
      for (const file of ['package.json', 'package-lock.json']) cpSync(`${fixture}${file}`, `${work}${file}`)
      // One server script for every fixture: it only differs by the build next to it.
      cpSync(fileURLToPath(new URL('./apps/astro-start.mjs', import.meta.url)), `${work}start.mjs`)
      const lock = createHash('sha256')
        .update(readFileSync(`${fixture}package-lock.json`))
        .digest('hex')
      const stamp = `${work}node_modules/.installed-lock`
      if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
        await run('npm', ['ci', '--no-audit', '--no-fund'], work, INSTALL_TIMEOUT_MS, node)
        writeFileSync(stamp, lock)
      }
      // The fixture's own package.json hides the root's self-reference: link the package in.
      const link = `${work}node_modules/auth0-link-kit`
      if (!existsSync(link)) symlinkSync(root, link, 'dir')
      for (const out of ['src', 'dist', '.astro']) rmSync(`${work}${out}`, { recursive: true, force: true })
      cpSync(`${example}src`, `${work}src`, { recursive: true })
      cpSync(`${example}astro.config.mjs`, `${work}astro.config.mjs`)
      // Astro 5's CLI is astro.js, Astro 6's bin/astro.mjs: ask the installed package.
      const { bin } = JSON.parse(readFileSync(`${work}node_modules/astro/package.json`, 'utf8')) as { bin: { astro: string } }
      await run(node, [path.join('node_modules/astro', bin.astro), 'build'], work, BUILD_TIMEOUT_MS, node)
    },
    start: () => startSpawnedApp({ command: node, args: ['start.mjs'], cwd: work, timeout: 60_000 }),
  }
}
