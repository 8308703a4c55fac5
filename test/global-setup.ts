// The runtime, end-to-end, README and cross-instance suites run apps that import the BUILT package
// (dist/), as users' apps do. Before every run, build dist/ when it is missing or older than the
// sources, so `npm install && npm test` works on a fresh clone (CI builds first: nothing to do).

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const SOURCES = ['core', 'adapters', 'testing', 'tsup.config.ts', 'package.json']
const OUTPUTS = ['index', 'node', 'bun', 'deno', 'sveltekit', 'redis', 'hono', 'cloudflare', 'testing'].map((entry) => `dist/${entry}.js`)

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

export default function setup(): void {
  if (distIsFresh()) return
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
