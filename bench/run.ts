// `npm run bench` (see bench/index.mjs, which compiles this file): auth0-link-kit against
// @auth0/auth0-server-js in one process, then HTTP servers under load, then memory.
//
//   --json        print the report as JSON only (for machines)
//   --quick       shorter runs, for checking the harness (RESULTS.md is left alone)
//   --only=a,b    sections to run: operations, http, hono, frameworks, memory (RESULTS.md is left alone)
//   --ops=a,b     library operations to run (default: all five; RESULTS.md is left alone)
//   --servers=a,b HTTP scenarios to run, by id prefix (node-, node-listener, bun-…; RESULTS.md is left alone)
//   --no-write    do not regenerate bench/RESULTS.md
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { measureBreakdown } from './breakdown.js'
import { createAuth0ServerJs, createLinkKit } from './contenders.js'
import { CryptoFloor } from './floor.js'
import { checkOperations, OPERATIONS, type OperationName, signIn } from './flows.js'
import { compareFrameworks, measureFrameworks } from './frameworks.js'
import { measureHono } from './hono.js'
import { type Executables, HTTP_SCENARIOS, type HttpMeasurement, measureHttp, type Runtime, runtimeAvailable } from './http.js'
import { measureMemory } from './memory.js'
import { measureOperations } from './operations.js'
import { type BenchReport, compareFloor, compareHono, compareHttp, compareOperations, renderMarkdown } from './report.js'
import { BenchTenant } from './tenant.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const quick = args.includes('--quick')
const onlyArg = args.find((arg) => arg.startsWith('--only='))
const sections = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['operations', 'http', 'hono', 'frameworks', 'memory'])
const opsArg = args.find((arg) => arg.startsWith('--ops='))
const operations = opsArg ? (opsArg.slice('--ops='.length).split(',') as OperationName[]) : OPERATIONS
const serversArg = args.find((arg) => arg.startsWith('--servers='))
const servers = serversArg ? serversArg.slice('--servers='.length).split(',') : undefined
const write = !args.includes('--no-write') && !quick && !onlyArg && !opsArg && !serversArg

const root = process.cwd()
/** Node 22 from the `node22` devDependency: Nuxt 4 builds and runs on it, not on Node 20. */
const node22 = `${root}/node_modules/node22/bin/node`
const bundleDir = fileURLToPath(new URL('./', import.meta.url))
const executables: Executables = {
  node: process.execPath,
  bun: `${root}/node_modules/.bin/bun`,
  deno: `${root}/node_modules/.bin/deno`,
}

const log = (message: string) => {
  if (!json) process.stderr.write(`${message}\n`)
}

function version(file: string, flag: string[]): string | undefined {
  try {
    return execFileSync(file, flag, { encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } })
      .split('\n')[0]!
      .replace(/^(bun|deno)\s*/i, '')
      .trim()
  } catch {
    return undefined
  }
}

const versionOf = (name: string) =>
  (JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')) as { version: string }).version
const auth0ServerJsVersion = versionOf('@auth0/auth0-server-js')

const report: BenchReport = {
  environment: {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg(),
    node: process.version,
    bun: runtimeAvailable('bun', executables) ? version(executables.bun, ['--version']) : undefined,
    deno: runtimeAvailable('deno', executables) ? version(executables.deno, ['--version']) : undefined,
    auth0ServerJs: auth0ServerJsVersion,
    auth0Hono: versionOf('@auth0/auth0-hono'),
    hono: versionOf('hono'),
    auth0Nuxt: versionOf('@auth0/auth0-nuxt'),
    nuxt: versionOf('nuxt'),
    fastify: versionOf('fastify'),
    node22: existsSync(node22) ? version(node22, ['--version']) : undefined,
  },
  operations: [],
  httpSkipped: [],
  http: [],
  hono: [],
  frameworks: [],
  frameworksSkipped: [],
  memory: [],
}

const tenant = await BenchTenant.create()
const ours = createLinkKit(tenant)
const theirs = createAuth0ServerJs(tenant)

if (sections.has('operations')) {
  log('checking that every operation works for both libraries…')
  await checkOperations(ours, tenant)
  await checkOperations(theirs, tenant)
  const floor = await CryptoFloor.create(tenant, (storeOptions) => ours.getSession(storeOptions), await signIn(ours, tenant))
  report.floorSizes = floor.sizes
  log('where the time goes beyond the floor (bare Web Crypto vs jose, JSON vs undici)…')
  report.breakdown = await measureBreakdown(floor.sizes, quick ? 300 : 2000)
  const times = quick ? { time: 100, warmupTime: 30, rounds: 1 } : { time: 200, warmupTime: 80, rounds: 2 }
  for (const callers of [1, 16]) {
    log(`library operations, ${callers === 1 ? 'sequential' : `${callers} concurrent callers`}…`)
    report.operations.push(...(await measureOperations(tenant, [ours, theirs], callers, times, operations, floor)))
  }
}

if (sections.has('http')) {
  const runtimes: Runtime[] = ['node', 'bun', 'deno']
  const available = runtimes.filter((runtime) => {
    if (runtimeAvailable(runtime, executables)) return true
    report.httpSkipped.push(`${runtime}: ${executables[runtime]} not found`)
    return false
  })
  const scenarios = HTTP_SCENARIOS.filter(
    (scenario) => available.includes(scenario.runtime) && (!servers || servers.some((prefix) => scenario.id.startsWith(prefix))),
  )
  const settings = quick
    ? { connections: 16, warmupSeconds: 1, seconds: 1, rounds: 1 }
    : { connections: 16, warmupSeconds: 1, seconds: 2, rounds: 2 }
  log(`HTTP: ${scenarios.length} servers, ${settings.rounds} rounds × ${settings.seconds} s…`)
  const measured: HttpMeasurement[] = await measureHttp(scenarios, settings, executables, bundleDir)
  report.http.push(...measured)
}

if (sections.has('hono')) {
  const runtimes = (['node', 'bun'] as const).filter((runtime) => {
    if (runtimeAvailable(runtime, executables)) return true
    report.httpSkipped.push(`Hono on ${runtime}: ${executables[runtime]} not found`)
    return false
  })
  const settings = quick
    ? { connections: 16, warmupSeconds: 1, seconds: 1, rounds: 1, callbacks: 200 }
    : { connections: 16, warmupSeconds: 1, seconds: 2, rounds: 2, callbacks: 1000 }
  log(`Hono: ours vs @auth0/auth0-hono on ${runtimes.join(', ')}, ${settings.rounds} rounds…`)
  report.hono.push(...(await measureHono(runtimes, settings, executables, bundleDir)))
}

if (sections.has('frameworks')) {
  const settings = quick
    ? { connections: 16, warmupSeconds: 1, seconds: 1, rounds: 1, callbacks: 200 }
    : { connections: 16, warmupSeconds: 1, seconds: 2, rounds: 3, callbacks: 1000 }
  const start = os.loadavg()
  report.frameworks.push(
    ...(await measureFrameworks(settings, { node: process.execPath, node22, root, bundleDir }, report.frameworksSkipped, log)),
  )
  report.frameworksLoad = { start, end: os.loadavg() }
}

if (sections.has('memory')) {
  const counts = quick ? { reads: 10_000, flows: 500, connected: 500 } : { reads: 100_000, flows: 10_000, connected: 5_000 }
  log(
    `memory: ${counts.reads} getSession calls, ${counts.flows} login flows, ${counts.connected} connect starts and Token Vault exchanges…`,
  )
  report.memory.push(await measureMemory(tenant, ours, counts.reads, counts.flows, counts.connected))
}

const markdown = renderMarkdown(report, ours.name, theirs.name)
if (json) {
  const ratios = {
    operations: compareOperations(report.operations, ours.name, theirs.name).map(({ operation, callers, ratio, target }) => ({
      operation,
      callers,
      ratio,
      target,
    })),
    floor: compareFloor(report.operations, ours.name).map(({ operation, callers, ratio, target }) => ({
      operation,
      callers,
      ratio,
      target,
    })),
    http: compareHttp(report.http).map(({ name, ratio, target }) => ({ name, ratio, target })),
    hono: compareHono(report.hono).map(({ runtime, operation, ratio, target }) => ({ runtime, operation, ratio, target })),
    frameworks: compareFrameworks(report.frameworks).map(({ framework, operation, ratio, shareOfCeiling, cpuRatio }) => ({
      framework,
      operation,
      ratio,
      shareOfCeiling,
      cpuRatio,
    })),
  }
  process.stdout.write(`${JSON.stringify({ ...report, ratios }, null, 2)}\n`)
} else process.stdout.write(markdown)
if (write) {
  const header =
    '# Benchmark results\n\n' +
    'Generated by `npm run bench` (bench/run.ts); every number below comes from that one run. ' +
    'Ratios are what matter: both libraries ran in the same process, on the same machine, against the same in-process tenant.\n\n'
  // The reading of the numbers below the marker is written by hand: keep it across runs.
  const marker = '<!-- hand-written below: kept by npm run bench -->'
  let kept = ''
  try {
    const previous = readFileSync(`${root}/bench/RESULTS.md`, 'utf8')
    const at = previous.indexOf(marker)
    if (at >= 0) kept = `\n${previous.slice(at)}`
  } catch {
    // no previous results: nothing to keep
  }
  writeFileSync(`${root}/bench/RESULTS.md`, header + markdown + kept)
  log('wrote bench/RESULTS.md')
}
