// The runtime suites run apps that import the BUILT package (dist/), as users' apps do. Build it
// once before any test when dist/ is missing or older than the sources; CI builds first anyway.

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
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

export default function setup(): void {
  if (distIsFresh()) return
  // tsup cleans dist/ first: one build at a time on this checkout, and none while another runs.
  const tsup = path.join(root, 'node_modules/.bin/tsup')
  const locked = existsSync('/usr/bin/flock')
  execFileSync(locked ? '/usr/bin/flock' : tsup, locked ? ['/tmp/auth0-link-kit-build.lock', tsup] : [], { cwd: root, stdio: 'inherit' })
}
