// Before every run: (1) install the system programs the files of this run need when they are
// missing (redis-server, chromium; see system-packages.ts), and (2) build dist/ when it is missing
// or older than the sources, since the runtime, end-to-end, docs-example and cross-instance suites run
// apps that import the BUILT package, as users' apps do. Both make `npm install && npm test` work
// on a fresh clone; CI has done both already, so there is nothing to do then.

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { planProvisioning, provision, runVisibly, thisMachine } from './system-packages.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const SOURCES = ['core', 'adapters', 'doctor', 'testing', 'tsup.config.ts', 'package.json']
const OUTPUTS = [
  'index',
  'node',
  'bun',
  'deno',
  'sveltekit',
  'next',
  'redis',
  'hono',
  'cloudflare',
  'fastify',
  'nuxt',
  'react-router',
  'astro',
  'testing',
  'doctor',
  'cli',
].map((entry) => `dist/${entry}.js`)

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
  const sources = Math.max(
    ...SOURCES.map((source) => path.join(root, source))
      .filter(existsSync)
      .map(newestMtime),
  )
  return built >= sources
}

/**
 * The test files this run will execute, relative to the repository. Vitest hands the global setup
 * no list, but it keeps the command line's file filters on `filenamePattern` (not in its types);
 * if a later Vitest drops that field, every test file counts, which only means installing what
 * the whole suite needs.
 */
async function testFilesOfThisRun(project: TestProject): Promise<string[]> {
  const pattern: unknown = (project.vitest as { filenamePattern?: unknown }).filenamePattern
  const filters = Array.isArray(pattern) && pattern.every((filter) => typeof filter === 'string') ? pattern : undefined
  const { testFiles } = await project.globTestFiles(filters)
  return testFiles.map((file) => path.relative(root, file))
}

export default async function setup(project: TestProject): Promise<void> {
  const machine = thisMachine()
  try {
    provision(planProvisioning(await testFilesOfThisRun(project), machine), machine, runVisibly, (line) => console.log(line))
  } catch (error) {
    // The message is the whole story (what is missing, the command to run): no stack under it.
    const failure = new Error(error instanceof Error ? error.message : String(error))
    failure.stack = `Error: ${failure.message}`
    throw failure
  }
  if (distIsFresh()) return
  // One line instead of tsup's file listing; built beside dist/ and swapped in under a lock, so a
  // run already using dist/ never sees it half-built (scripts/build-quiet.mjs).
  execFileSync(process.execPath, [path.join(root, 'scripts/build-quiet.mjs')], { cwd: root, stdio: 'inherit' })
}
