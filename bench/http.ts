import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import type { ServerReady } from './servers/fixtures.js'

export type Runtime = 'node' | 'bun' | 'deno'

/** One server under load: which runtime, what answers, and which path the load hits. */
export interface HttpScenario {
  id: string
  runtime: Runtime
  mode: string
  label: string
  /** The bare server of the same runtime, to report this one as a share of the ceiling. */
  ceiling: string
}

export interface HttpMeasurement extends HttpScenario {
  requestsPerSecond: number
  /** Milliseconds. */
  p50: number
  p99: number
  /** This scenario's req/s over its runtime's bare server's. */
  shareOfBare: number
}

export interface HttpSettings {
  connections: number
  warmupSeconds: number
  /** Seconds per measured run, and how many rounds of runs. */
  seconds: number
  rounds: number
}

export const HTTP_SCENARIOS: readonly HttpScenario[] = [
  { id: 'node-bare', runtime: 'node', mode: 'bare', label: 'node:http, fixed response (ceiling)', ceiling: 'node-bare' },
  {
    id: 'node-hand-fixed',
    runtime: 'node',
    mode: 'hand-fixed',
    label: 'node:http + hand-written Request/Response, no crypto',
    ceiling: 'node-bare',
  },
  {
    id: 'node-adapter-fixed',
    runtime: 'node',
    mode: 'adapter-fixed',
    label: 'our toNodeListener (a full Request per hit), no crypto',
    ceiling: 'node-bare',
  },
  {
    id: 'node-listener-fixed',
    runtime: 'node',
    mode: 'listener-fixed',
    label: 'our Node adapter (authListener + Node route), no crypto',
    ceiling: 'node-bare',
  },
  {
    id: 'node-hand-theirs',
    runtime: 'node',
    mode: 'hand-theirs',
    label: 'hand-written conversion + auth0-server-js getSession',
    ceiling: 'node-bare',
  },
  {
    id: 'node-hand-ours',
    runtime: 'node',
    mode: 'hand-ours',
    label: 'hand-written conversion + auth0-link-kit getSession',
    ceiling: 'node-bare',
  },
  { id: 'node-adapter-ours', runtime: 'node', mode: 'adapter-ours', label: 'our toNodeListener + getSession', ceiling: 'node-bare' },
  {
    id: 'node-listener-ours',
    runtime: 'node',
    mode: 'listener-ours',
    label: 'our Node adapter (authListener + req.auth0.getSession())',
    ceiling: 'node-bare',
  },
  { id: 'bun-bare', runtime: 'bun', mode: 'bare', label: 'Bun.serve, fixed response (ceiling)', ceiling: 'bun-bare' },
  { id: 'bun-adapter-fixed', runtime: 'bun', mode: 'adapter-fixed', label: 'Bun.serve + withAuth, no crypto', ceiling: 'bun-bare' },
  { id: 'bun-adapter-ours', runtime: 'bun', mode: 'adapter-ours', label: 'Bun.serve + withAuth + getSession', ceiling: 'bun-bare' },
  { id: 'deno-bare', runtime: 'deno', mode: 'bare', label: 'Deno.serve, fixed response (ceiling)', ceiling: 'deno-bare' },
  { id: 'deno-adapter-fixed', runtime: 'deno', mode: 'adapter-fixed', label: 'Deno.serve + withAuth, no crypto', ceiling: 'deno-bare' },
  { id: 'deno-adapter-ours', runtime: 'deno', mode: 'adapter-ours', label: 'Deno.serve + withAuth + getSession', ceiling: 'deno-bare' },
]

/** Ratios the issue asks for, between two scenarios' req/s. */
export const HTTP_TARGETS = [
  {
    name: 'Node adapter session read vs auth0-server-js (hand-written conversion)',
    ours: 'node-listener-ours',
    theirs: 'node-hand-theirs',
    target: 5,
  },
  { name: 'Node adapter, no crypto, vs hand-written conversion', ours: 'node-listener-fixed', theirs: 'node-hand-fixed', target: 1.5 },
] as const

export interface Executables {
  node: string
  bun: string
  deno: string
}

function command(runtime: Runtime, executables: Executables, bundleDir: string, mode: string): [string, string[]] {
  switch (runtime) {
    case 'node':
      return [executables.node, [`${bundleDir}node-server.mjs`, mode]]
    case 'bun':
      return [executables.bun, [`${bundleDir}web-server.mjs`, mode]]
    case 'deno':
      return [executables.deno, ['run', '--allow-net=127.0.0.1', '--no-prompt', `${bundleDir}web-server.mjs`, mode]]
  }
}

export function runtimeAvailable(runtime: Runtime, executables: Executables): boolean {
  return runtime === 'node' || existsSync(executables[runtime])
}

/** Starts a benchmark server process and waits (30 s at most) for the JSON line saying where it listens. */
export async function startServer(file: string, args: string[]): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } })
  const lines = createInterface({ input: child.stdout! })
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
      reject(new Error(`${file} ${args.join(' ')} did not start within 30 s`))
    }, 30_000)
    child.once('exit', (code) => reject(new Error(`${file} ${args.join(' ')} exited with ${code}`)))
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return
      clearTimeout(timer)
      resolve(JSON.parse(line) as ServerReady)
    })
  })
  return { child, ready }
}

/** Stops a server from {@link startServer} by its pid and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(child.pid, 'SIGTERM')
  await exited
}

/**
 * Runs each scenario against its own server process (on 127.0.0.1, port 0) with a bounded load:
 * `connections` keep-alive connections, no pipelining. All servers start first and get a warm-up
 * run that is thrown away; then the measured runs go round-robin over the servers for `rounds`
 * rounds, and each server keeps its best round, so a burst of load from other processes on a
 * shared machine cannot land on one server only. Any non-2xx answer or connection error fails the
 * benchmark. Every server is stopped by its pid, also when a run fails.
 */
export async function measureHttp(
  scenarios: readonly HttpScenario[],
  settings: HttpSettings,
  executables: Executables,
  bundleDir: string,
): Promise<HttpMeasurement[]> {
  const servers: Array<{ scenario: HttpScenario; child: ChildProcess; options: Parameters<typeof autocannon>[0] }> = []
  const best = new Map<string, Omit<HttpMeasurement, 'shareOfBare'>>()
  try {
    for (const scenario of scenarios) {
      const [file, args] = command(scenario.runtime, executables, bundleDir, scenario.mode)
      const { child, ready } = await startServer(file, args)
      const options = {
        url: `http://127.0.0.1:${ready.port}/home`,
        connections: settings.connections,
        pipelining: 1,
        headers: (ready.cookie ? { cookie: ready.cookie } : {}) as Record<string, string>,
      }
      servers.push({ scenario, child, options })
      await autocannon({ ...options, duration: settings.warmupSeconds })
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const { scenario, options } of servers) {
        const result = await autocannon({ ...options, duration: settings.seconds })
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${scenario.id}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
        }
        const measured = { ...scenario, requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
        const previous = best.get(scenario.id)
        if (!previous || measured.requestsPerSecond > previous.requestsPerSecond) best.set(scenario.id, measured)
      }
    }
  } finally {
    await Promise.all(servers.map(({ child }) => stopServer(child)))
  }
  const results = [...best.values()]
  return results.map((result) => {
    const bare = best.get(result.ceiling)
    return { ...result, shareOfBare: bare ? result.requestsPerSecond / bare.requestsPerSecond : Number.NaN }
  })
}
