/**
 * @module The three loads of a head-to-head over HTTP, shared by the Hono and framework benches:
 * login start and session read under autocannon, and callbacks, each prepared untimed with its own
 * transaction (a login start and the tenant's answer) and then sent by concurrent callers.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import autocannon from 'autocannon'

/** A running benchmark server: a name for errors, where it listens, a signed-in Cookie header. */
export interface LoadTarget {
  name: string
  origin: string
  cookie: string
  /** The server's pid, to charge it CPU time per request. */
  pid?: number
}

/** Throughput, and the server's CPU time per request when its pid could be read (Linux /proc). */
export interface LoadResult {
  requestsPerSecond: number
  /** Microseconds of the server process's CPU (user + system) per request. */
  cpuMicros: number | undefined
}

let ticksPerSecond: number | undefined
/**
 * The CPU seconds (user + system) process `pid` has used so far, from /proc/<pid>/stat; undefined
 * off Linux. On a shared machine this moves far less than req/s: a server that waits for a core
 * is not charged for the wait.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start at state: utime is 14th, stime 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
  } catch {
    return undefined
  }
}

const cpuPerRequest = (before: number | undefined, after: number | undefined, requests: number) =>
  before === undefined || after === undefined || requests === 0 ? undefined : ((after - before) * 1e6) / requests

export interface LoadSettings {
  connections: number
  /** Callbacks prepared and sent per round. */
  callbacks: number
}

/** autocannon on one path for `seconds`; every answer must have `status`, or the benchmark fails. */
export async function load(target: LoadTarget, path: string, status: 200 | 302, connections: number, seconds: number): Promise<LoadResult> {
  const before = cpuSeconds(target.pid)
  const result = await autocannon({
    url: `${target.origin}${path}`,
    connections,
    pipelining: 1,
    duration: seconds,
    headers: status === 200 ? { cookie: target.cookie } : {},
  })
  const expected = status === 200 ? result['2xx'] : result['3xx']
  if (result.errors > 0 || expected !== result.requests.total) {
    throw new Error(`${target.name} ${path}: ${result.requests.total - expected} answers were not ${status}, ${result.errors} errors`)
  }
  return { requestsPerSecond: result.requests.average, cpuMicros: cpuPerRequest(before, cpuSeconds(target.pid), result.requests.total) }
}

/** One callback ready to send: its URL and the transaction cookie its login start set. */
interface PreparedCallback {
  /** Path and query of the callback URL. */
  path: string
  cookie: string
}

async function prepareCallback(target: LoadTarget): Promise<PreparedCallback> {
  const login = await fetch(`${target.origin}/auth/login`, { redirect: 'manual' })
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ')
  const authorize = await fetch(`${target.origin}/__bench/authorize`, { method: 'POST', body: login.headers.get('location') })
  const callback = new URL(await authorize.text())
  return { path: `${callback.pathname}${callback.search}`, cookie }
}

/** One GET over a keep-alive agent; resolves with the status and whether any cookie was set. */
function get(agent: http.Agent, origin: URL, path: string, cookie: string): Promise<{ status: number; setsCookie: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ agent, host: origin.hostname, port: origin.port, path, headers: { cookie } }, (response) => {
      response.resume()
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, setsCookie: (response.headers['set-cookie']?.length ?? 0) > 0 }),
      )
    })
    request.once('error', reject)
    request.end()
  })
}

/**
 * Prepares `callbacks` callbacks (untimed), then sends them from `connections` concurrent callers
 * over keep-alive connections (node:http, lighter than fetch; autocannon cannot give each request
 * its own cookie and stops only on whole-second ticks). Each must answer 302 with a cookie. req/s
 * over the batch.
 */
export async function sendCallbacks(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const prepared: PreparedCallback[] = []
  for (let i = 0; i < settings.callbacks; i++) prepared.push(await prepareCallback(target))
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.connections })
  const origin = new URL(target.origin)
  let next = 0
  try {
    const before = cpuSeconds(target.pid)
    const started = performance.now()
    await Promise.all(
      Array.from({ length: settings.connections }, async () => {
        for (let item = prepared[next++]; item; item = prepared[next++]) {
          const { status, setsCookie } = await get(agent, origin, item.path, item.cookie)
          if (status !== 302 || !setsCookie) throw new Error(`${target.name}: a callback answered ${status}`)
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    return { requestsPerSecond: settings.callbacks / seconds, cpuMicros: cpuPerRequest(before, cpuSeconds(target.pid), settings.callbacks) }
  } finally {
    agent.destroy()
  }
}
