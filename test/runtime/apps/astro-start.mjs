/**
 * @module Serves the Astro 5 or 6 build of examples/astro (test/.generated/astroN/dist, @astrojs/node
 * standalone) on HOST:PORT and prints `LISTENING <port>`, as examples/astro/start.js does for
 * Astro 7, minus the built-in emulator (the test passes AUTH0_*).
 */
process.env.HOST ??= '127.0.0.1'
process.env.PORT ??= '0'
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
