/**
 * @module Serves the built Nuxt app (`nuxi build` → .output, Nitro's node-listener preset) on
 * HOST:PORT and prints `LISTENING <port>`. With no AUTH0_* variables it first starts the built-in
 * Auth0 emulator. Run it with Node 22 or newer (Nuxt 4.6 needs it): `npm run example:nuxt` does.
 */
import http from 'node:http'
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

process.env.EXAMPLE_MODE = await startEmulatorUnlessTenant()
const { listener } = await import('./.output/server/index.mjs')

const host = process.env.HOST ?? 'localhost'
const server = http.createServer(listener)
await new Promise((resolve, reject) => {
  server.once('error', reject)
  server.listen(Number(process.env.PORT ?? 3000), host, resolve)
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}
const { port } = server.address()
console.log(`Nuxt example on http://${host === '127.0.0.1' ? host : 'localhost'}:${port}`)
console.log(`LISTENING ${port}`)
