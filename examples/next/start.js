// `npm run example:next` (after `next build`): with no AUTH0_* variables, starts the built-in
// Auth0 emulator on a loopback port (as examples/demo/server.js does) and points the app at it;
// then runs `next start` on http://localhost:3000 (PORT, HOST change it). PORT=0 picks a free
// port; `LISTENING <port>` on stdout says which, once the app answers (tests wait for it).
// NODE_EXTRA_CA_CERTS (a tenant behind a private CA) is read by Node itself, in `next start` too.
import { spawn } from 'node:child_process'
import http from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
// This folder has its own package.json, so the package cannot import itself by name here: use the
// built files (`npm run build`) directly, as the app does through tsconfig paths.
import { toNodeListener } from '../../dist/node.js'
import { createAuth0Emulator } from '../../dist/testing.js'

const host = process.env.HOST ?? 'localhost'
const useTenant = Boolean(process.env.AUTH0_DOMAIN && process.env.AUTH0_CLIENT_ID && process.env.AUTH0_CLIENT_SECRET)

/** Listens on `port` (0: any free one) with a handler that can be set once the origin is known. */
async function listen(port, hostname) {
  let handle = async () => new Response('starting', { status: 503 })
  const server = http.createServer(toNodeListener((request) => handle(request)))
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, hostname, resolve)
  })
  return { server, setHandler: (next) => (handle = next) }
}

let emulatorServer
if (!useTenant) {
  const { server, setHandler } = await listen(Number(process.env.EMULATOR_PORT ?? 0), '127.0.0.1')
  emulatorServer = server
  const origin = `http://127.0.0.1:${server.address().port}`
  const emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  setHandler((request) => emulator.handle(request))
  process.env.AUTH0_DOMAIN = origin
  process.env.AUTH0_CLIENT_ID = emulator.clientId
  process.env.AUTH0_CLIENT_SECRET = emulator.clientSecret
  // A fresh secret per run (an empty variable counts as unset): the example's sessions need not outlive it.
  if (!process.env.AUTH0_SECRET) process.env.AUTH0_SECRET = crypto.randomUUID() + crypto.randomUUID()
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

/** `next start` wants a port number; for PORT=0 ask the OS for a free one first. */
async function freePort(hostname) {
  const probe = http.createServer()
  await new Promise((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, hostname, resolve)
  })
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const port = Number(process.env.PORT ?? 3000) || (await freePort(host))
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next')
const child = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', host], {
  cwd: fileURLToPath(new URL('.', import.meta.url)),
  stdio: ['ignore', 'inherit', 'inherit'],
  env: process.env,
})

// Whoever started us can clean up after a SIGKILL, which we cannot pass on to next start.
console.log(`next start pid ${child.pid}`)

let stopping = false
function stop(code) {
  if (stopping) return
  stopping = true
  emulatorServer?.closeAllConnections()
  emulatorServer?.close()
  if (child.exitCode === null && child.signalCode === null) {
    child.once('exit', () => process.exit(code))
    child.kill('SIGTERM')
    // next start drains keep-alive connections for a while; whoever stops us may not wait that
    // long before killing this process, which would leave next-server running on its own.
    setTimeout(() => child.kill('SIGKILL'), 1_000).unref()
  } else process.exit(code)
}
child.once('exit', (code) => {
  if (!stopping) {
    console.error(`next start exited (code ${code})`)
    stop(code ?? 1)
  }
})
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop(0))

// Ready once it answers: `next start` prints its own banner before the first request is served.
const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
for (let attempt = 0; ; attempt++) {
  if (stopping) break
  try {
    const response = await fetch(`http://${urlHost}:${port}/hello`, { signal: AbortSignal.timeout(2_000) })
    await response.body?.cancel()
    break
  } catch (error) {
    if (attempt >= 300) {
      console.error(`next start did not answer on port ${port}: ${error}`)
      stop(1)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
if (!stopping) {
  console.log(`LISTENING ${port}`)
  console.log(`Next.js example on http://${urlHost}:${port}`)
}
