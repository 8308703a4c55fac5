// `npm run example:hono`: the Hono example app on Node with @hono/node-server. Without AUTH0_*
// variables it signs in against the built-in Auth0 emulator on a loopback port; with them,
// against that tenant (NODE_EXTRA_CA_CERTS is honoured by Node itself for a private CA).
import { serve } from '@hono/node-server'
import { createAuth } from 'auth0-link-kit/hono'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
const hostname = process.env.HOST ?? 'localhost'

/** Serves `fetch` and resolves with the port once it listens. */
function listen(fetch, wantedPort, host) {
  return new Promise((resolve) => {
    serve({ fetch, port: wantedPort, hostname: host }, (info) => resolve(info.port))
  })
}

let options = {}
let mode = `tenant ${process.env.AUTH0_DOMAIN}`
if (!process.env.AUTH0_DOMAIN) {
  // Listen first so the emulator knows the origin it is reachable at.
  let handle = async () => new Response('starting', { status: 503 })
  const origin = `http://127.0.0.1:${await listen((request) => handle(request), 0, '127.0.0.1')}`
  const emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => emulator.handle(request)
  options = {
    domain: origin,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secret: crypto.randomUUID() + crypto.randomUUID(),
  }
  mode = 'built-in Auth0 emulator'
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

// Options passed here win; the rest comes from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET,
// AUTH0_SECRET and APP_BASE_URL (unset: the origin of each request).
const app = createApp({ auth: createAuth(options, process.env), runtime: `node ${process.version}`, mode })
const actualPort = await listen(app.fetch, port, hostname)
console.log(`Hono on Node ${process.version} on http://${hostname === '127.0.0.1' ? hostname : 'localhost'}:${actualPort}`)
console.log(`LISTENING ${actualPort}`)
