// `npm run example:node`: the Node adapter on node:http. Without AUTH0_* variables it signs in
// against the built-in Auth0 emulator on a loopback port; with them, against that tenant.
import http from 'node:http'
import { createAuth, toNodeListener } from 'auth0-link-kit/node'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { renderPage } from '../demo/page.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? 'localhost'
const LINKABLE = ['github', 'google-oauth2']

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
  let handle = async () => new Response('starting', { status: 503 })
  const server = await listen(toNodeListener((request) => handle(request)), 0, '127.0.0.1')
  const origin = `http://127.0.0.1:${server.address().port}`
  emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => emulator.handle(request)
  options = { domain: origin, clientId: emulator.clientId, clientSecret: emulator.clientSecret, secret: crypto.randomUUID() + crypto.randomUUID() }
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

const auth = createAuth(options)

async function app(request) {
  const url = new URL(request.url)
  if (url.pathname === '/hello') return new Response(`hello from node ${process.version}`)
  if (url.pathname !== '/') return new Response('Not found', { status: 404 })
  const user = await auth.getUser(request)
  const html = renderPage({
    user,
    identities: user && emulator ? emulator.getUser(user.sub)?.identities : undefined,
    linkable: LINKABLE,
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${process.env.AUTH0_DOMAIN}`,
  })
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
}

const server = await listen(toNodeListener(async (request) => (await auth.handler(request)) ?? app(request)), port, host)
console.log(`Node ${process.version} example on http://${host === '127.0.0.1' ? host : 'localhost'}:${server.address().port}`)
console.log(`LISTENING ${server.address().port}`)
