// Node adapter throughput: `npm run build && node bench/node-adapter/run.mjs` (BENCH_SECONDS=3, BENCH_ROUNDS=3).
// Each contender runs in its own process; autocannon drives it from this one. Not a test: numbers
// vary with the machine, and only their ratios mean anything.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 3)
const VARIANTS = ['full-request (hand-written)', 'full-request (@remix-run/node-fetch-server)', 'authListener (lazy)', 'bare node:http']
const PATHS = { 'app path /hello': '/hello', 'auth route /auth/profile (401, no crypto)': '/auth/profile' }

function start(variant) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), variant], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${variant} exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      const match = /LISTENING (\d+)/.exec(String(chunk))
      if (match) resolve({ child, origin: `http://127.0.0.1:${match[1]}` })
    })
  })
}

// The machine is shared: rounds interleave the contenders, and each cell reports its median round.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const servers = {}
for (const variant of VARIANTS) servers[variant] = await start(variant)
const samples = {}
try {
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      const { origin } = servers[variant]
      for (const [label, path] of Object.entries(PATHS)) {
        if (variant === 'bare node:http' && path !== '/hello') continue
        if (round === 0) await autocannon({ url: origin + path, connections: 16, duration: 1 }) // warm-up
        const result = await autocannon({ url: origin + path, connections: 16, duration: seconds })
        samples[label] ??= {}
        samples[label][variant] ??= []
        samples[label][variant].push({ rps: result.requests.average, p99ms: result.latency.p99, errors: result.errors })
      }
    }
  }
} finally {
  for (const { child } of Object.values(servers)) {
    child.removeAllListeners('exit')
    child.kill('SIGTERM')
  }
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results = {}
for (const [label, byVariant] of Object.entries(samples)) {
  results[label] = {}
  for (const [variant, runs] of Object.entries(byVariant)) {
    results[label][variant] = {
      rps: Math.round(median(runs.map((r) => r.rps))),
      p99ms: median(runs.map((r) => r.p99ms)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
    }
  }
}

console.log(`Node ${process.version}, median of ${rounds} rounds of ${seconds}s per cell, 16 connections`)
for (const [label, byVariant] of Object.entries(results)) {
  const base = byVariant['full-request (hand-written)'].rps
  console.log(`\n${label}`)
  console.table(
    Object.fromEntries(
      Object.entries(byVariant).map(([variant, r]) => [
        variant,
        { 'req/s': r.rps, 'p99 ms': r.p99ms, 'vs hand-written full': `${(r.rps / base).toFixed(2)}×`, errors: r.errors },
      ]),
    ),
  )
}
