/**
 * @module Serves the built app (`react-router build` → build/) with `react-router-serve` on
 * HOST:PORT and prints `LISTENING <port>`. With no AUTH0_* variables it first starts the built-in
 * Auth0 emulator. react-router-serve prints the port it was given, so for PORT=0 a free port is
 * picked here first. Run it with Node 22 or newer (React Router 8 needs it).
 */
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

await startEmulatorUnlessTenant()
const host = process.env.HOST ?? 'localhost'

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Resolves once `port` accepts a connection (at most ~15 s). */
async function accepting(port) {
  for (let attempt = 0; attempt < 150; attempt++) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`react-router-serve did not listen on ${host}:${port}`)
}

const port = Number(process.env.PORT ?? 3000) || (await freePort())
process.env.PORT = String(port)
process.env.HOST = host
const here = path.dirname(fileURLToPath(import.meta.url))
process.chdir(here)
// react-router-serve's own CLI, in this process, so stopping this process stops the server.
process.argv = [process.argv[0], 'react-router-serve', path.join(here, 'build/server/index.js')]
const serveDir = path.dirname(createRequire(import.meta.url).resolve('@react-router/serve/package.json'))
await import(path.join(serveDir, 'bin.cjs'))
await accepting(port)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
console.log(`LISTENING ${port}`)
