/**
 * @module Builds a framework example once per test run with the framework's own CLI, on the Node
 * binary it needs (node_modules/node22 for the current Nuxt, React Router and Astro majors).
 * The build is a child process killed by its pid if it outlives its time limit or the run ends.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
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

/**
 * Runs `node <root>/node_modules/<cli> ...args` in `cwd` with `node` (default Node 22) first on PATH (tools the
 * CLI spawns get it too); rejects with the output when it fails or takes longer than `timeoutMs`.
 */
export function buildApp(cli: string, args: string[], cwd: string, timeoutMs: number, node = NODE22): Promise<void> {
  if (!existsSync(node)) return Promise.reject(new Error(`${node} is missing: install the devDependencies (npm ci)`))
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
