/**
 * @module The framework head to head over HTTP (`npm run bench -- --only=frameworks`).
 *
 * Nuxt: one build of bench/servers/nuxt carrying both our `auth0Middleware` and the
 * @auth0/auth0-nuxt module, served three times by Node 22 (bench/servers/nuxt-server.ts) with
 * BENCH_AUTH = ours, theirs, or bare (neither: the ceiling). Fastify: Auth0's @auth0/auth0-fastify
 * is not on the registry this project reaches, so our Fastify plugin is set against our own Node
 * adapter on bare node:http, and bare Fastify is the ceiling (bench/servers/fastify-server.ts).
 * Every server talks to its own copy of the same in-process tenant. Login start and session read
 * run under autocannon, callbacks are prepared untimed and sent by concurrent callers
 * (bench/load.ts); servers are loaded round-robin for `rounds` rounds and keep their best.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { startServer, stopServer } from './http.js'
import { type LoadResult, type LoadTarget, load, sendCallbacks } from './load.js'

export type Framework = 'nuxt' | 'fastify'
export type FrameworkOperation = 'login start' | 'callback' | 'session read'

/** Who answers: for Nuxt `ours`/`theirs`/`bare`, for Fastify the fastify-server.ts modes. */
export type FrameworkContender = 'ours' | 'theirs' | 'bare' | 'fastify-ours' | 'node-ours' | 'fastify-bare'

export const CONTENDER_LABELS: Record<FrameworkContender, string> = {
  ours: 'Nuxt + auth0-link-kit/nuxt (`auth0Middleware`)',
  theirs: 'Nuxt + @auth0/auth0-nuxt',
  bare: 'Nuxt alone, fixed answers (ceiling)',
  'fastify-ours': 'Fastify + auth0-link-kit/fastify (plugin)',
  'node-ours': 'node:http + auth0-link-kit/node (`authListener`)',
  'fastify-bare': 'Fastify alone, fixed answers (ceiling)',
}

export interface FrameworkMeasurement {
  framework: Framework
  contender: FrameworkContender
  operation: FrameworkOperation
  requestsPerSecond: number
  /** The server's CPU microseconds per request, lowest of the rounds (Linux only). */
  cpuMicros: number | undefined
}

export interface FrameworkSettings {
  connections: number
  warmupSeconds: number
  seconds: number
  rounds: number
  callbacks: number
}

export interface FrameworkPlaces {
  /** The Node running the Fastify and node:http servers (this process's). */
  node: string
  /** Node 22, for the Nuxt 4 build and its server. */
  node22: string
  /** The repository root. */
  root: string
  /** Where bench/index.mjs wrote the compiled servers. */
  bundleDir: string
}

/** `nuxt build` of the fixture takes 20–60 s on a busy two-core machine. */
const BUILD_TIMEOUT_MS = 300_000

/** Builds bench/servers/nuxt with the Nuxt CLI under Node 22; the build is killed by its pid past its time limit. */
function buildNuxt(places: FrameworkPlaces): Promise<string> {
  const output = path.join(places.root, 'node_modules/.cache/auth0-link-kit-bench/nuxt/.output')
  return new Promise((resolve, reject) => {
    const child = spawn(places.node22, [path.join(places.root, 'node_modules/nuxt/bin/nuxt.mjs'), 'build', 'bench/servers/nuxt'], {
      cwd: places.root,
      env: { ...process.env, PATH: `${path.dirname(places.node22)}:${process.env.PATH ?? ''}`, NUXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
    }, BUILD_TIMEOUT_MS)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else reject(new Error(`nuxt build failed (code ${code}, signal ${signal}):\n${log.slice(-2000)}`))
    })
  })
}

interface Server extends LoadTarget {
  framework: Framework
  contender: FrameworkContender
  child: ChildProcess
}

async function start(framework: Framework, contender: FrameworkContender, file: string, args: string[]): Promise<Server> {
  const { child, ready } = await startServer(file, args)
  return {
    framework,
    contender,
    child,
    pid: child.pid,
    name: `${framework}/${contender}`,
    origin: `http://127.0.0.1:${ready.port}`,
    cookie: ready.cookie,
  }
}

/**
 * Starts every server it can (a framework or peer that cannot run here is named in `skipped`,
 * with why), then measures them round-robin. Every server is stopped by its pid, also on failure.
 */
export async function measureFrameworks(
  settings: FrameworkSettings,
  places: FrameworkPlaces,
  skipped: string[],
  log: (message: string) => void,
): Promise<FrameworkMeasurement[]> {
  const servers: Server[] = []
  const best = new Map<string, FrameworkMeasurement>()
  // Best of the rounds, each measure on its own: the most req/s, the least CPU per request.
  const record = (server: Server, operation: FrameworkOperation, { requestsPerSecond, cpuMicros }: LoadResult) => {
    const key = `${server.name}/${operation}`
    const previous = best.get(key)
    const lower = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b))
    best.set(key, {
      framework: server.framework,
      contender: server.contender,
      operation,
      requestsPerSecond: Math.max(requestsPerSecond, previous?.requestsPerSecond ?? 0),
      cpuMicros: lower(cpuMicros, previous?.cpuMicros),
    })
  }
  const tryStart = async (framework: Framework, contender: FrameworkContender, file: string, args: string[]) => {
    try {
      servers.push(await start(framework, contender, file, args))
    } catch (error) {
      skipped.push(`${CONTENDER_LABELS[contender]}: did not start (${error instanceof Error ? error.message : String(error)})`)
    }
  }
  try {
    if (!existsSync(places.node22)) skipped.push(`Nuxt: ${places.node22} is missing (Nuxt 4 needs Node 22; run npm install)`)
    else {
      log('frameworks: nuxt build of bench/servers/nuxt (Node 22)…')
      let output: string | undefined
      try {
        output = await buildNuxt(places)
      } catch (error) {
        skipped.push(`Nuxt: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
      }
      if (output)
        for (const contender of ['ours', 'theirs', 'bare'] as const)
          await tryStart('nuxt', contender, places.node22, [`${places.bundleDir}nuxt-server.mjs`, contender, output])
    }
    for (const contender of ['fastify-ours', 'node-ours', 'fastify-bare'] as const)
      await tryStart('fastify', contender, places.node, [`${places.bundleDir}fastify-server.mjs`, contender])
    // The bare apps get our session cookie too, so their session-read ceiling parses the same bytes.
    for (const server of servers) {
      if (server.contender === 'bare') server.cookie = servers.find((other) => other.contender === 'ours')?.cookie ?? ''
      if (server.contender === 'fastify-bare') server.cookie = servers.find((other) => other.contender === 'fastify-ours')?.cookie ?? ''
    }
    log(
      `frameworks: ${servers.length} servers, ${settings.rounds} rounds × ${settings.seconds} s per load, ${settings.callbacks} callbacks…`,
    )
    for (const server of servers) {
      await load(server, '/auth/login', 302, settings.connections, settings.warmupSeconds)
      await load(server, '/home', 200, settings.connections, settings.warmupSeconds)
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const server of servers) {
        record(server, 'login start', await load(server, '/auth/login', 302, settings.connections, settings.seconds))
        record(server, 'session read', await load(server, '/home', 200, settings.connections, settings.seconds))
        // The bare apps have no callback: nothing to compare them with.
        if (server.contender !== 'bare' && server.contender !== 'fastify-bare')
          record(server, 'callback', await sendCallbacks(server, settings))
      }
    }
  } finally {
    await Promise.all(servers.map(({ child }) => stopServer(child)))
  }
  return [...best.values()]
}

/** One row of the report: ours against the peer on one operation, with the framework alone beside it. */
export interface FrameworkComparison {
  framework: Framework
  operation: FrameworkOperation
  ours: number
  peer: number | undefined
  ceiling: number | undefined
  /** ours / peer (req/s); NaN without a peer. */
  ratio: number
  /** ours / the framework alone (req/s); NaN without one. */
  shareOfCeiling: number
  /** CPU microseconds per request: ours, the peer's, the framework alone's. */
  oursCpu: number | undefined
  peerCpu: number | undefined
  ceilingCpu: number | undefined
  /** The peer's CPU per request over ours: how many times less CPU ours needs; NaN without both. */
  cpuRatio: number
}

const PAIRS: Record<Framework, { ours: FrameworkContender; peer: FrameworkContender; ceiling: FrameworkContender }> = {
  nuxt: { ours: 'ours', peer: 'theirs', ceiling: 'bare' },
  fastify: { ours: 'fastify-ours', peer: 'node-ours', ceiling: 'fastify-bare' },
}

export function compareFrameworks(measurements: readonly FrameworkMeasurement[]): FrameworkComparison[] {
  const find = (contender: FrameworkContender, operation: FrameworkOperation) =>
    measurements.find((m) => m.contender === contender && m.operation === operation)
  return measurements.flatMap((m) => {
    const pair = PAIRS[m.framework]
    if (m.contender !== pair.ours) return []
    const peer = find(pair.peer, m.operation)
    const ceiling = find(pair.ceiling, m.operation)
    return [
      {
        framework: m.framework,
        operation: m.operation,
        ours: m.requestsPerSecond,
        peer: peer?.requestsPerSecond,
        ceiling: ceiling?.requestsPerSecond,
        ratio: peer ? m.requestsPerSecond / peer.requestsPerSecond : Number.NaN,
        shareOfCeiling: ceiling ? m.requestsPerSecond / ceiling.requestsPerSecond : Number.NaN,
        oursCpu: m.cpuMicros,
        peerCpu: peer?.cpuMicros,
        ceilingCpu: ceiling?.cpuMicros,
        cpuRatio: m.cpuMicros && peer?.cpuMicros ? peer.cpuMicros / m.cpuMicros : Number.NaN,
      },
    ]
  })
}
