// The runtime suites run apps that import the BUILT package (dist/), as users' apps do. Before a
// run that includes them, build dist/ when it is missing or older than the sources (CI builds
// first, so there this does nothing).

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const SOURCES = ['core', 'adapters', 'testing', 'tsup.config.ts', 'package.json']
const OUTPUTS = ['index', 'node', 'bun', 'deno', 'testing'].map((entry) => `dist/${entry}.js`)

function newestMtime(target: string): number {
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)))
  return newest
}

function distIsFresh(): boolean {
  const outputs = OUTPUTS.map((file) => path.join(root, file))
  if (!outputs.every((file) => existsSync(file))) return false
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  const sources = Math.max(...SOURCES.map((source) => path.join(root, source)).filter(existsSync).map(newestMtime))
  return built >= sources
}

/** False when the command line names test files and none of them is a runtime suite. */
function runIncludesRuntimeSuites(): boolean {
  const runIndex = process.argv.findIndex((arg) => arg === 'run' || arg.endsWith('vitest') || arg.endsWith('vitest.mjs'))
  const filters = process.argv.slice(runIndex + 1).filter((arg) => arg !== 'run' && !arg.startsWith('-'))
  if (filters.length === 0) return true
  const runtimeFiles = readdirSync(path.join(root, 'test/runtime')).map((file) => `test/runtime/${file}`)
  return filters.some((filter) => runtimeFiles.some((file) => file.includes(filter.replace(/^\.\//, ''))))
}

export default function setup(): void {
  if (!runIncludesRuntimeSuites() || distIsFresh()) return
  // Build beside dist/ and swap it in, so a run already using dist/ never sees it half-built;
  // the lock keeps two runs on this checkout from building at once.
  const tsup = path.join(root, 'node_modules/.bin/tsup')
  const staging = path.join(root, `node_modules/.cache/auth0-link-kit-dist-${process.pid}`)
  const args = ['--out-dir', staging]
  const locked = existsSync('/usr/bin/flock')
  try {
    execFileSync(locked ? '/usr/bin/flock' : tsup, locked ? ['/tmp/auth0-link-kit-build.lock', tsup, ...args] : args, {
      cwd: root,
      stdio: 'inherit',
    })
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    throw error
  }
  const dist = path.join(root, 'dist')
  const old = `${staging}-old`
  if (existsSync(dist)) renameSync(dist, old)
  renameSync(staging, dist)
  rmSync(old, { recursive: true, force: true })
}
