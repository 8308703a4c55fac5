// `npm run example:workers`: a Worker from this folder in real workerd (the runtime Cloudflare
// Workers run on), from the npm `workerd` package, on any Node. This script bundles the Worker
// with esbuild, writes a workerd config (bindings, outbound network, trusted CAs), starts
// `workerd serve` and prints `LISTENING <port>`.
//
//   WORKER=hono (default, hono-worker.js) or WORKER=fetch (fetch-worker.js, `export default { fetch }`)
//   PORT (default 8787), HOST (default localhost)
//   AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL: passed to the
//     Worker as bindings. They reach workerd through its environment (`fromEnvironment`), so no
//     secret is written to disk. Unset: the built-in Auth0 emulator runs in this Node process on
//     a loopback port and the Worker may reach loopback only.
//   NODE_EXTRA_CA_CERTS: a PEM bundle workerd trusts, besides the public CAs, for a tenant
//     behind a private CA.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { build } from 'esbuild'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const WORKERS = { hono: 'hono-worker.js', fetch: 'fetch-worker.js' }
const worker = WORKERS[process.env.WORKER ?? 'hono']
if (!worker) throw new Error(`WORKER must be one of ${Object.keys(WORKERS).join(', ')}`)
const port = Number(process.env.PORT ?? 8787)
const host = process.env.HOST ?? 'localhost'
const BINDINGS = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_SECRET', 'APP_BASE_URL']

const cleanups = []
let stopping = false
async function stop(code) {
  if (stopping) return
  stopping = true
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup()
    } catch {
      // Best effort: the rest must still run.
    }
  }
  process.exit(code)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(0))

const workerEnv = Object.fromEntries(BINDINGS.filter((name) => process.env[name]).map((name) => [name, process.env[name]]))
let mode = `tenant ${process.env.AUTH0_DOMAIN}`
if (!process.env.AUTH0_DOMAIN) {
  // The emulator runs here, in Node, next to workerd: listen first so it knows its origin.
  let handle = async () => new Response('starting', { status: 503 })
  const emulatorPort = await new Promise((resolve) => {
    const server = serve({ fetch: (request) => handle(request), port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
    cleanups.push(() => new Promise((done) => server.close(() => done())))
  })
  const origin = `http://127.0.0.1:${emulatorPort}`
  const emulator = await createAuth0Emulator({ origin, interaction: process.env.EMULATOR_INTERACTION === 'auto' ? 'auto' : 'page' })
  handle = (request) => emulator.handle(request)
  Object.assign(workerEnv, {
    AUTH0_DOMAIN: origin,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    AUTH0_SECRET: crypto.randomUUID() + crypto.randomUUID(),
  })
  mode = 'built-in Auth0 emulator'
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

const dir = mkdtempSync(path.join(tmpdir(), 'auth0-link-kit-workerd-'))
cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
await build({
  entryPoints: [path.join(here, worker)],
  outfile: path.join(dir, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // The export conditions Cloudflare's own bundler uses, so jose picks its Web Crypto build.
  conditions: ['workerd', 'worker', 'browser', 'import'],
  mainFields: ['module', 'main'],
  nodePaths: [path.join(root, 'node_modules')],
  logLevel: 'warning',
})

/** Cap'n Proto text literals take the same escapes as JSON strings. */
const text = (value) => JSON.stringify(value)
const certificates = process.env.NODE_EXTRA_CA_CERTS
  ? (readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
  : []
// A tenant on loopback (the emulator, here or in a test) is all the Worker may reach; a real one
// is on the internet, or behind a proxy on a private network.
const tenantHost = new URL(/^https?:\/\//.test(workerEnv.AUTH0_DOMAIN) ? workerEnv.AUTH0_DOMAIN : `https://${workerEnv.AUTH0_DOMAIN}`)
  .hostname
const allow = /^(127\.|localhost$|\[::1\]$)/.test(tenantHost) ? ['local'] : ['public', 'private']
const bindings = Object.keys(workerEnv).map((name) => `(name = ${text(name)}, fromEnvironment = ${text(name)})`)
const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = [${allow.map(text).join(', ')}], tlsOptions = (trustBrowserCas = true, trustedCertificates = [${certificates.map(text).join(', ')}]))),
  ],
  sockets = [(name = "http", address = ${text(`${host}:${port}`)}, http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [${bindings.join(', ')}],
);
`
writeFileSync(path.join(dir, 'config.capnp'), config)

const workerd = spawn(path.join(root, 'node_modules/workerd/bin/workerd'), ['serve', path.join(dir, 'config.capnp'), '--control-fd=3'], {
  env: { ...process.env, ...workerEnv },
  stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
})
// For a test that must see workerd gone after stopping this script.
console.log(`WORKERD_PID ${workerd.pid}`)
cleanups.push(async () => {
  if (workerd.exitCode !== null || workerd.signalCode !== null) return
  const exited = new Promise((resolve) => workerd.once('exit', resolve))
  workerd.kill('SIGTERM')
  const timer = setTimeout(() => workerd.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
})
workerd.once('exit', (code, signal) => {
  if (!stopping) {
    console.error(`workerd exited (code ${code}, signal ${signal})`)
    void stop(1)
  }
})
// workerd reports each socket's port on the control descriptor once it listens.
let control = ''
workerd.stdio[3].setEncoding('utf8')
workerd.stdio[3].on('data', (chunk) => {
  control += chunk
  for (const line of control.split('\n').slice(0, -1)) {
    const message = JSON.parse(line)
    if (message.event === 'listen' && message.socket === 'http') {
      console.log(`Worker ${worker} in workerd on http://${host === '127.0.0.1' ? host : 'localhost'}:${message.port} (${mode})`)
      console.log(`LISTENING ${message.port}`)
    }
  }
  control = control.slice(control.lastIndexOf('\n') + 1)
})
