// `npm run example:node`: the Node adapter on node:http. Without AUTH0_* variables it signs in
// against the built-in Auth0 emulator on a loopback port; with them, against that tenant.
import http from 'node:http'
import { authListener, createAuth, toNodeListener } from 'auth0-link-kit/node'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { renderPage } from '../demo/page.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? 'localhost'

/** Starts a node:http server and resolves with it once it listens. */
function listen(listener, wantedPort, hostname) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(listener)
    server.once('error', reject)
    server.listen(wantedPort, hostname, () => resolve(server))
  })
}

let emulator
let options = {}
if (!process.env.AUTH0_DOMAIN) {
  // Listen first so the emulator knows the origin it is reachable at.
  let handle = async () => new Response('starting', { status: 503 })
  const server = await listen(
    toNodeListener((request) => handle(request)),
    0,
    '127.0.0.1',
  )
  const origin = `http://127.0.0.1:${server.address().port}`
  emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => emulator.handle(request)
  options = {
    domain: origin,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secret: crypto.randomUUID() + crypto.randomUUID(),
  }
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

// Options passed here win; the rest comes from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET,
// AUTH0_SECRET and APP_BASE_URL (unset: the origin of each request).
const auth = createAuth(options)

/** The app: plain node:http code. `req.auth0` was put there by `authListener`. */
async function app(req, res) {
  const path = req.url.split('?')[0]
  if (path === '/hello') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(`hello from node ${process.version}`)
    return
  }
  if (path !== '/') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('Not found')
    return
  }
  const user = await req.auth0.getUser()
  const html = renderPage({
    user,
    identities: user && emulator ? emulator.getUser(user.sub)?.identities : undefined,
    linkable: ['github', 'google-oauth2'],
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${process.env.AUTH0_DOMAIN}`,
  })
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(req.method === 'HEAD' ? undefined : html)
}

const server = await listen(authListener(auth, app), port, host)
const actualPort = server.address().port
console.log(`Node ${process.version} example on http://${host === '127.0.0.1' ? host : 'localhost'}:${actualPort}`)
console.log(`LISTENING ${actualPort}`)
