import type { BreakdownRow } from './breakdown.js'
import type { OperationName } from './flows.js'
import { compareFrameworks, type FrameworkComparison, type FrameworkMeasurement } from './frameworks.js'
import { compareHono, type HonoMeasurement } from './hono.js'
import type { HttpMeasurement } from './http.js'
import { HTTP_TARGETS } from './http.js'
import type { MemoryMeasurement } from './memory.js'
import { FLOOR, FLOOR_TARGETS, OPERATION_TARGETS, type OperationMeasurement } from './operations.js'

export interface Environment {
  date: string
  cpu: string
  cores: number
  loadAverage: number[]
  node: string
  bun: string | undefined
  deno: string | undefined
  auth0ServerJs: string
  auth0Hono: string
  hono: string
  /** The framework head to head: the peer and the frameworks' versions, and the Node serving Nuxt. */
  auth0Nuxt: string
  nuxt: string
  fastify: string
  node22: string | undefined
}

export interface BenchReport {
  environment: Environment
  operations: OperationMeasurement[]
  /** Runtimes whose HTTP scenarios were skipped, and why. */
  httpSkipped: string[]
  http: HttpMeasurement[]
  /** Our Hono adapter against @auth0/auth0-hono, per runtime and operation. */
  hono: HonoMeasurement[]
  memory: MemoryMeasurement[]
  /** Nuxt: ours vs @auth0/auth0-nuxt; Fastify: our plugin vs our Node adapter; each with the framework alone. */
  frameworks: FrameworkMeasurement[]
  /** Framework servers or peers that could not run here, and why. */
  frameworksSkipped: string[]
  /** The 1/5/15-minute load averages when the framework section started and ended (the machine is shared). */
  frameworksLoad?: { start: number[]; end: number[] }
  /** Primitive by primitive: bare and as the library reaches it. */
  breakdown?: BreakdownRow[]
  /** Plaintext bytes the floor encrypts, as ours stores them. */
  floorSizes?: { session: number; transaction: number }
}

export { compareFrameworks, compareHono }

export interface OperationComparison {
  operation: OperationName
  callers: number
  ours: OperationMeasurement
  theirs: OperationMeasurement
  ratio: number
  target: number
}

export function compareOperations(measurements: readonly OperationMeasurement[], ours: string, theirs: string): OperationComparison[] {
  const comparisons: OperationComparison[] = []
  for (const mine of measurements) {
    if (mine.library !== ours) continue
    const other = measurements.find((m) => m.library === theirs && m.operation === mine.operation && m.callers === mine.callers)
    if (!other) continue
    const target = OPERATION_TARGETS[mine.operation]
    comparisons.push({
      operation: mine.operation,
      callers: mine.callers,
      ours: mine,
      theirs: other,
      ratio: mine.opsPerSecond / other.opsPerSecond,
      target,
    })
  }
  return comparisons
}

export interface FloorComparison {
  operation: OperationName
  callers: number
  ours: OperationMeasurement
  floor: OperationMeasurement
  /** Our time per call ÷ the floor's: 1 is the floor itself. */
  ratio: number
  target: number
}

export function compareFloor(measurements: readonly OperationMeasurement[], ours: string): FloorComparison[] {
  return measurements.flatMap((mine) => {
    if (mine.library !== ours) return []
    const floor = measurements.find((m) => m.library === FLOOR && m.operation === mine.operation && m.callers === mine.callers)
    if (!floor) return []
    return [
      {
        operation: mine.operation,
        callers: mine.callers,
        ours: mine,
        floor,
        ratio: floor.opsPerSecond / mine.opsPerSecond,
        target: FLOOR_TARGETS[mine.operation],
      },
    ]
  })
}

export function compareHttp(measurements: readonly HttpMeasurement[]) {
  return HTTP_TARGETS.flatMap((target) => {
    const ours = measurements.find((m) => m.id === target.ours)
    const theirs = measurements.find((m) => m.id === target.theirs)
    return ours && theirs ? [{ ...target, ratio: ours.requestsPerSecond / theirs.requestsPerSecond }] : []
  })
}

const integer = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(2)} ms`)
const ratio = (n: number) => `${n.toFixed(1)}×`
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`
const verdict = (value: number, target: number) => (value >= target ? 'met' : 'MISSED')

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The report as Markdown: printed on stdout and written to bench/RESULTS.md. */
export function renderMarkdown(report: BenchReport, ours: string, theirs: string): string {
  const { environment: env } = report
  const parts: string[] = []
  parts.push(
    `Run on ${env.date}: ${env.cpu}, ${env.cores} cores, Node ${env.node}` +
      `${env.bun ? `, Bun ${env.bun}` : ''}${env.deno ? `, Deno ${env.deno}` : ''}; ${theirs} ${env.auth0ServerJs}. ` +
      `Load average at start: ${env.loadAverage.map((n) => n.toFixed(2)).join(' / ')} (a shared machine: compare ratios, not absolute numbers).`,
  )
  const comparisons = compareOperations(report.operations, ours, theirs)
  if (comparisons.length > 0) {
    parts.push('## Library operations (in process, same tenant, same inputs)')
    for (const callers of [...new Set(comparisons.map((c) => c.callers))]) {
      parts.push(
        callers === 1 ? '### Sequential (one caller)' : `### ${callers} concurrent callers (p50/p99 are of one batch of ${callers} calls)`,
      )
      parts.push(
        table(
          ['operation', `${ours} ops/s`, 'p50', 'p99', `${theirs} ops/s`, 'p50', 'p99', 'ours/theirs', 'target', ''],
          comparisons
            .filter((c) => c.callers === callers)
            .map((c) => [
              c.operation,
              integer(c.ours.opsPerSecond),
              ms(c.ours.p50),
              ms(c.ours.p99),
              integer(c.theirs.opsPerSecond),
              ms(c.theirs.p50),
              ms(c.theirs.p99),
              ratio(c.ratio),
              `≥ ${c.target}×`,
              verdict(c.ratio, c.target),
            ]),
        ),
      )
    }
  }
  const floors = compareFloor(report.operations, ours)
  if (floors.length > 0) {
    parts.push('## Against the crypto floor (same process, same round, same sizes)')
    parts.push(
      `The floor of an operation is the Web Crypto work it cannot avoid, run back to back with keys imported once (bench/floor.ts: ${report.floorSizes ? `a ${report.floorSizes.transaction}-byte transaction and a ${report.floorSizes.session}-byte session, ` : ''}AES-256-GCM, RS256 verify of the tenant's ID token, SHA-256 for PKCE, 32-byte random values). ours/floor is our time per call over the floor's; lower is better, 1.0× is the floor.`,
    )
    parts.push(
      table(
        ['operation', 'callers', `${ours} p50`, 'floor p50', 'ours/floor', 'target', ''],
        floors.map((c) => [
          c.operation,
          String(c.callers),
          ms(c.ours.p50),
          ms(c.floor.p50),
          ratio(c.ratio),
          `≤ ${c.target}×`,
          c.ratio <= c.target ? 'met' : 'MISSED',
        ]),
      ),
    )
  }
  if (report.breakdown && report.breakdown.length > 0) {
    parts.push('### Where the time goes beyond the floor (sequential, per call)')
    parts.push(
      table(
        ['primitive', 'bare', 'as the library reaches it', 'extra'],
        report.breakdown.map((row) => [
          row.what,
          `${row.bare.toFixed(0)} µs`,
          `${row.library.toFixed(0)} µs`,
          `+${(row.library - row.bare).toFixed(0)} µs`,
        ]),
      ),
    )
  }
  if (report.http.length > 0 || report.httpSkipped.length > 0) {
    parts.push('## HTTP on 127.0.0.1 (autocannon, session-read route unless "no crypto")')
    if (report.http.length > 0) {
      parts.push(
        table(
          ['server', 'req/s', 'share of bare', 'p50', 'p99'],
          report.http.map((m) => [
            m.label,
            integer(m.requestsPerSecond),
            `${(m.shareOfBare * 100).toFixed(0)} %`,
            `${m.p50} ms`,
            `${m.p99} ms`,
          ]),
        ),
      )
      const targets = compareHttp(report.http)
      if (targets.length > 0) {
        parts.push(
          table(
            ['comparison', 'ratio', 'target', ''],
            targets.map((t) => [t.name, ratio(t.ratio), `≥ ${t.target}×`, verdict(t.ratio, t.target)]),
          ),
        )
      }
    }
    for (const skipped of report.httpSkipped) parts.push(`Skipped: ${skipped}`)
  }
  const hono = compareHono(report.hono)
  if (hono.length > 0) {
    parts.push(
      `## Hono over HTTP: our middleware vs @auth0/auth0-hono ${env.auth0Hono} (Hono ${env.hono}, same app, same runtime, same tenant)\n\n` +
        'Login start and session read under autocannon (16 connections); callbacks prepared untimed (a login start and the ' +
        "tenant's answer each), then sent by 16 concurrent callers. Ours also verifies the ID token's RS256 signature against the tenant's JWKS on every callback.",
    )
    parts.push(
      table(
        ['runtime', 'operation', 'ours req/s', '@auth0/auth0-hono req/s', 'Hono alone req/s (ceiling)', 'ours/theirs', 'target', ''],
        hono.map((c) => [
          c.runtime,
          c.operation,
          integer(c.ours),
          integer(c.theirs),
          c.bare === undefined ? '–' : integer(c.bare),
          ratio(c.ratio),
          `≥ ${c.target}×`,
          verdict(c.ratio, c.target),
        ]),
      ),
    )
  }
  const frameworks = compareFrameworks(report.frameworks)
  if (frameworks.length > 0 || report.frameworksSkipped.length > 0) {
    const percent = (n: number) => (Number.isNaN(n) ? '–' : `${Math.round(n * 100)} %`)
    const perSecond = (n: number | undefined) => (n === undefined ? '–' : integer(n))
    const times = (n: number) => (Number.isNaN(n) ? '–' : ratio(n))
    // One row layout for both sections: ours, the peer, the ceiling, their ratios, then CPU per request.
    const frameworkRow = (c: FrameworkComparison) => [
      c.operation,
      integer(c.ours),
      perSecond(c.peer),
      perSecond(c.ceiling),
      times(c.ratio),
      percent(c.shareOfCeiling),
      perSecond(c.oursCpu),
      perSecond(c.peerCpu),
      perSecond(c.ceilingCpu),
      times(c.cpuRatio),
    ]
    parts.push(
      `## Nuxt over HTTP: our middleware vs @auth0/auth0-nuxt ${env.auth0Nuxt} (Nuxt ${env.nuxt}, one build, Node ${env.node22 ?? '22 missing'})\n\n` +
        'One `nuxt build` of bench/servers/nuxt carries both libraries; BENCH_AUTH picks which answers when each server process starts ' +
        '(`bare`: neither, fixed answers on the same paths, the ceiling). Same tenant, in process, for both. ' +
        'Login start and session read under autocannon (16 connections), callbacks prepared untimed and sent by 16 concurrent callers; best of the rounds. ' +
        "CPU µs/request is the server process's user + system CPU time (Linux /proc) over one load's requests, lowest of the rounds: " +
        'on a shared machine it moves far less than req/s, since a server waiting for a core is not charged for the wait.' +
        (report.frameworksLoad
          ? ` Load average when this section started: ${report.frameworksLoad.start.map((n) => n.toFixed(2)).join(' / ')}; when it ended: ${report.frameworksLoad.end.map((n) => n.toFixed(2)).join(' / ')}.`
          : ''),
    )
    const nuxt = frameworks.filter((c) => c.framework === 'nuxt')
    if (nuxt.length > 0)
      parts.push(
        table(
          [
            'operation',
            'ours req/s',
            '@auth0/auth0-nuxt req/s',
            'Nuxt alone req/s (ceiling)',
            'ours/theirs req/s',
            'ours / ceiling',
            'CPU µs/request: ours',
            'theirs',
            'Nuxt alone',
            'theirs/ours CPU',
          ],
          nuxt.map(frameworkRow),
        ),
      )
    parts.push(
      `## Fastify over HTTP: our plugin vs our Node adapter on node:http (Fastify ${env.fastify}, Node ${env.node})\n\n` +
        "Auth0's @auth0/auth0-fastify is not on the registry this project reaches, so it is not measured: our Fastify plugin is set " +
        'against our own Node adapter (`authListener`) on bare node:http, and Fastify alone with fixed answers is the ceiling. Same loads as above.',
    )
    const fastify = frameworks.filter((c) => c.framework === 'fastify')
    if (fastify.length > 0)
      parts.push(
        table(
          [
            'operation',
            'Fastify + our plugin req/s',
            'node:http + our Node adapter req/s',
            'Fastify alone req/s (ceiling)',
            'plugin / Node adapter req/s',
            'plugin / ceiling',
            'CPU µs/request: plugin',
            'Node adapter',
            'Fastify alone',
            'Node adapter / plugin CPU',
          ],
          fastify.map(frameworkRow),
        ),
      )
    for (const skipped of report.frameworksSkipped) parts.push(`Not measured: ${skipped}`)
  }
  if (report.memory.length > 0) {
    parts.push('## Memory (heap used after a full GC)')
    parts.push(
      table(
        ['library', 'at start', 'after getSession ×N', 'then after login flows ×N', 'then after connect + Token Vault ×N'],
        report.memory.map((m) => [
          m.library,
          mib(m.heapAtStart),
          `${signedMib(m.heapAfterGetSession - m.heapAtStart)} (N = ${integer(m.getSessionCalls)})`,
          `${signedMib(m.heapAfterFlows - m.heapAtStart)} (N = ${integer(m.loginFlows)})`,
          `${signedMib(m.heapAfterConnectedAccounts - m.heapAtStart)} (N = ${integer(m.connectedAccountCalls)})`,
        ]),
      ),
    )
  }
  return `${parts.join('\n\n')}\n`
}
