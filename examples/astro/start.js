/**
 * @module Serves the built app (`astro build` → dist/, @astrojs/node standalone) on HOST:PORT and
 * prints `LISTENING <port>`. With no AUTH0_* variables it first starts the built-in Auth0
 * emulator. Run it with Node ≥ 22.23.4 (Astro 7 needs it; the tests use the node24 binary).
 */
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

await startEmulatorUnlessTenant()
process.env.HOST ??= 'localhost'
process.env.PORT ??= '3000'
// Start it here rather than on import, to learn the port it got (PORT=0).
process.env.ASTRO_NODE_AUTOSTART = 'disabled'
const { startServer } = await import('./dist/server/entry.mjs')
const { server } = startServer()
if (!server.server.listening) await new Promise((resolve) => server.server.once('listening', resolve))
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.stop().finally(() => process.exit(0))
  })
}
console.log(`LISTENING ${server.server.address().port}`)
