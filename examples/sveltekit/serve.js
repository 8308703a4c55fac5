// Runs the built app (`vite build` → build/) on HOST:PORT and prints `LISTENING <port>` once it
// accepts connections, so a test or a launcher can start it with PORT=0 and learn the port.
//
// adapter-node's own `node build` would do, but it reads ORIGIN when build/handler.js is imported,
// and without ORIGIN it assumes https behind a proxy. The app's origin is only known once the
// port is, so listen first, then set ORIGIN and import the handler.
import http from 'node:http'

const host = process.env.HOST ?? 'localhost'
const port = Number(process.env.PORT ?? 3000)

let handler = (_req, res) => {
  res.writeHead(503, { 'content-type': 'text/plain' })
  res.end('starting')
}
const server = http.createServer((req, res) => handler(req, res))
await new Promise((resolve, reject) => {
  server.once('error', reject)
  server.listen(port, host, resolve)
})
const actualPort = server.address().port
if (!process.env.ORIGIN) {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  process.env.ORIGIN = `http://${name}:${actualPort}`
}
;({ handler } = await import('./build/handler.js'))

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}

console.log(`LISTENING ${actualPort}`)
console.log(`SvelteKit example on ${process.env.ORIGIN}`)
