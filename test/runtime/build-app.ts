/**
 * @module Builds a framework example once per test run with the framework's own CLI, on the Node
 * binary it needs (node_modules/node22 for the current Nuxt, React Router and Astro majors).
 * The build is a child process killed by its pid if it outlives its time limit or the run ends.
 * Suites that serve the same example (test/runtime and test/e2e) share one build: it runs under a
 * lock per example, and a suite that finds it already built in this run does not build it again,
 * so no build ever rewrites an app another suite is serving.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Node 22 from the `node22` devDependency: what the current framework majors need to build and run. */
export const NODE22 = `${root}node_modules/node22/bin/node`
/** Node 24 from the `node24` devDependency: Astro 7 needs Node ≥ 22.23.4, newer than the pinned node22 (22.23.3). */
export const NODE24 = `${root}node_modules/node24/bin/node`

const builds = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of builds) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
})

const FLOCK = '/usr/bin/flock'
/** Set once per `vitest run` by vitest.config.ts and inherited by every worker. */
const RUN_ID = process.env.AUTH0_LINK_KIT_TEST_RUN

/**
 * Holds an exclusive lock on `file` while `work` runs. The lock belongs to a `flock … cat`
 * child: closing its stdin releases it, and so does this process dying, so no lock outlives its
 * holder. Without flock (not Debian) the work runs unlocked, as before.
 */
async function withLock<T>(file: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  if (!existsSync(FLOCK)) return work()
  const seconds = String(Math.ceil(timeoutMs / 1000))
  const holder = spawn(FLOCK, ['--wait', seconds, file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  builds.add(holder)
  const released = new Promise<void>((resolve) => holder.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve())
      holder.once('exit', (code) => reject(new Error(`could not lock ${file} within ${seconds} s (flock exited with ${code})`)))
    })
    return await work()
  } finally {
    holder.stdin.end()
    await released
    builds.delete(holder)
  }
}

/**
 * Builds the example in `cwd` once per test run (see the module comment): `build` runs under the
 * example's lock unless this run built it already.
 */
async function oncePerRun(cwd: string, timeoutMs: number, build: () => Promise<void>): Promise<void> {
  // resolve: `examples/nuxt/` and `examples/nuxt` are one example.
  const key = createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16)
  const stamp = `/tmp/auth0-link-kit-app-build-${key}.run`
  await withLock(`/tmp/auth0-link-kit-app-build-${key}.lock`, timeoutMs, async () => {
    // The run and what the build reads: an edit between two runs of a watch-mode session rebuilds.
    const current = `${RUN_ID} ${newestSource(cwd)} ${newestSource(path.join(root, 'dist'), false)}`
    if (RUN_ID && existsSync(stamp) && readFileSync(stamp, 'utf8') === current) {
      console.log(`${path.basename(cwd)}: already built in this test run`)
      return
    }
    await build()
    if (RUN_ID) writeFileSync(stamp, current)
  })
}

/** What the frameworks write (and npm installs) in an example: not its sources. */
const NOT_SOURCES = new Set(['node_modules', '.output', '.nuxt', 'build', '.react-router', 'dist', '.astro'])

/** The newest modification time among the files under `dir` (its build outputs skipped when `skipOutputs`); 0 when it is missing. */
function newestSource(dir: string, skipOutputs = true): number {
  if (!existsSync(dir)) return 0
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipOutputs && NOT_SOURCES.has(entry.name)) continue
    const file = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file, false) : statSync(file).mtimeMs)
  }
  return newest
}

/**
 * Runs `node <root>/node_modules/<cli> ...args` in `cwd` with `node` (default Node 22) first on PATH (tools the
 * CLI spawns get it too); rejects with the output when it fails or takes longer than `timeoutMs`.
 * Once per test run per `cwd`: a second call in the same run waits for the first build and reuses it.
 */
export function buildApp(cli: string, args: string[], cwd: string, timeoutMs: number, node = NODE22): Promise<void> {
  if (!existsSync(node)) return Promise.reject(new Error(`${node} is missing: install the devDependencies (npm ci)`))
  // Waiting for another suite's build counts against the time limit too (it is the same build).
  return oncePerRun(cwd, timeoutMs, () => runBuild(cli, args, cwd, timeoutMs, node))
}

function runBuild(cli: string, args: string[], cwd: string, timeoutMs: number, node: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(node, [`${root}node_modules/${cli}`, ...args], {
      cwd,
      env: {
        ...process.env,
        PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
        NUXT_TELEMETRY_DISABLED: '1',
        ASTRO_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    builds.add(child)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      builds.delete(child)
      if (code !== 0) return reject(new Error(`${cli} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${output}`))
      console.log(`${cli} ${args.join(' ')} took ${((performance.now() - started) / 1000).toFixed(1)} s`)
      resolve()
    })
  })
}
