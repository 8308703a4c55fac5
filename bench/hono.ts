// Hono head to head over HTTP: the same Hono app with our middleware and with @auth0/auth0-hono,
// one server process each (bench/servers/hono-server.ts), on Node and on Bun, against the same
// in-process tenant. Login start and session read are loaded with autocannon; a callback needs a
// fresh transaction per request, so those are prepared first (untimed: a login start and the
// tenant's answer each) and then sent by 16 concurrent callers, the only timed part.
import type { ChildProcess } from 'node:child_process'
import { startServer, stopServer } from './http.js'
import { type LoadTarget, load, sendCallbacks } from './load.js'
import type { HonoLibrary } from './servers/hono-server.js'

export type HonoRuntime = 'node' | 'bun'
export type HonoOperation = 'login start' | 'callback' | 'session read'

export interface HonoMeasurement {
  runtime: HonoRuntime
  library: HonoLibrary
  operation: HonoOperation
  requestsPerSecond: number
}

export interface HonoSettings {
  connections: number
  warmupSeconds: number
  seconds: number
  rounds: number
  /** Callbacks prepared and sent per round. */
  callbacks: number
}

/** The ratios the issue asks for (ours / theirs, req/s). */
export const HONO_TARGETS: Record<HonoOperation, number> = { 'login start': 3, callback: 3, 'session read': 8 }

interface Server {
  runtime: HonoRuntime
  library: HonoLibrary
  child: ChildProcess
  origin: string
  cookie: string
}

async function start(
  runtime: HonoRuntime,
  library: HonoLibrary,
  executables: { node: string; bun: string },
  bundleDir: string,
): Promise<Server> {
  const [file, args] =
    runtime === 'node'
      ? [executables.node, [`${bundleDir}hono-server.mjs`, library]]
      : [executables.bun, [`${bundleDir}hono-web-server.mjs`, library]]
  const { child, ready } = await startServer(file, args)
  return { runtime, library, child, origin: `http://127.0.0.1:${ready.port}`, cookie: ready.cookie }
}

const target = (server: Server): LoadTarget => ({
  name: `${server.library} on ${server.runtime}`,
  origin: server.origin,
  cookie: server.cookie,
})

/**
 * Both libraries on each runtime, round-robin for `rounds` rounds (best round kept), so load
 * from other processes cannot fall on one library only. Every server is stopped by its pid.
 */
export async function measureHono(
  runtimes: readonly HonoRuntime[],
  settings: HonoSettings,
  executables: { node: string; bun: string },
  bundleDir: string,
): Promise<HonoMeasurement[]> {
  const servers: Server[] = []
  const best = new Map<string, HonoMeasurement>()
  const record = (server: Server, operation: HonoOperation, requestsPerSecond: number) => {
    const key = `${server.runtime}/${server.library}/${operation}`
    const previous = best.get(key)
    if (!previous || requestsPerSecond > previous.requestsPerSecond)
      best.set(key, { runtime: server.runtime, library: server.library, operation, requestsPerSecond })
  }
  try {
    for (const runtime of runtimes)
      for (const library of ['ours', 'theirs', 'bare'] as const) servers.push(await start(runtime, library, executables, bundleDir))
    // The bare app gets our session cookie too, so its session-read ceiling parses the same bytes.
    for (const server of servers) {
      if (server.library === 'bare')
        server.cookie = servers.find((other) => other.runtime === server.runtime && other.library === 'ours')?.cookie ?? ''
    }
    for (const server of servers) {
      await load(target(server), '/auth/login', 302, settings.connections, settings.warmupSeconds)
      await load(target(server), '/home', 200, settings.connections, settings.warmupSeconds)
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const server of servers) {
        record(
          server,
          'login start',
          (await load(target(server), '/auth/login', 302, settings.connections, settings.seconds)).requestsPerSecond,
        )
        record(server, 'session read', (await load(target(server), '/home', 200, settings.connections, settings.seconds)).requestsPerSecond)
        // The bare app has no callback: nothing to compare it with.
        if (server.library !== 'bare') record(server, 'callback', (await sendCallbacks(target(server), settings)).requestsPerSecond)
      }
    }
  } finally {
    await Promise.all(servers.map(({ child }) => stopServer(child)))
  }
  return [...best.values()]
}

/**
 * Ours over theirs per runtime and operation, with the bare Hono app's req/s on the same route
 * (the ceiling both share: where ours is near it, the ratio is bounded by Hono and the load
 * generator, not by either library).
 */
export function compareHono(measurements: readonly HonoMeasurement[]) {
  const find = (library: HonoLibrary, like: HonoMeasurement) =>
    measurements.find((m) => m.library === library && m.runtime === like.runtime && m.operation === like.operation)
  return measurements
    .filter((m) => m.library === 'ours')
    .flatMap((ours) => {
      const theirs = find('theirs', ours)
      const bare = find('bare', ours)
      return theirs
        ? [
            {
              runtime: ours.runtime,
              operation: ours.operation,
              ours: ours.requestsPerSecond,
              theirs: theirs.requestsPerSecond,
              bare: bare?.requestsPerSecond,
              ratio: ours.requestsPerSecond / theirs.requestsPerSecond,
              target: HONO_TARGETS[ours.operation],
            },
          ]
        : []
    })
}
