// The main demo: `npm start`. With no AUTH0_* variables it starts the built-in Auth0 emulator on
// loopback and signs in against it; with them it talks to that tenant instead.
import http from 'node:http'
import { createAuth, toNodeListener } from 'auth0-link-kit/node'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { renderPage } from './page.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? 'localhost'
const useTenant = Boolean(process.env.AUTH0_DOMAIN && process.env.AUTH0_CLIENT_ID && process.env.AUTH0_CLIENT_SECRET)
const LINKABLE = ['github', 'google-oauth2']

/** Starts a node:http server for `handler` and resolves with its actual port. */
function listen(handler, wantedPort, hostname) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(toNodeListener(handler))
    server.once('error', reject)
    server.listen(wantedPort, hostname, () => resolve(server))
  })
}

let emulator
let authOptions = {}
if (!useTenant) {
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 0)
  // Listen first so the emulator knows the origin it is reachable at.
  let handle = async () => new Response('starting', { status: 503 })
  const server = await listen((request) => handle(request), emulatorPort, '127.0.0.1')
  const origin = `http://127.0.0.1:${server.address().port}`
  emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => emulator.handle(request)
  authOptions = {
    domain: origin,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    // A fresh secret per run: the demo's sessions need not outlive it.
    secret: process.env.AUTH0_SECRET ?? crypto.randomUUID() + crypto.randomUUID(),
  }
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

const appBaseUrl = process.env.APP_BASE_URL ?? `http://${host}:${port}`
const auth = createAuth({
  ...authOptions,
  appBaseUrl,
  // Failures come back to the page with their code, where the user can read what happened.
  onError: (error) => {
    const url = new URL('/', appBaseUrl)
    url.searchParams.set('error', 'code' in error ? String(error.code) : 'internal_error')
    const description = 'errorDescription' in error && error.errorDescription ? error.errorDescription : error.message
    url.searchParams.set('description', String(description).slice(0, 200))
    return new Response(null, { status: 302, headers: { location: url.pathname + url.search, 'cache-control': 'no-store' } })
  },
})

async function app(request) {
  const url = new URL(request.url)
  if (url.pathname !== '/') return new Response('Not found', { status: 404 })
  const user = await auth.getUser(request)
  const identities = user && emulator ? emulator.getUser(user.sub)?.identities : undefined
  const code = url.searchParams.get('error')
  const html = renderPage({
    user,
    identities,
    linkable: LINKABLE,
    error: code ? { code, description: url.searchParams.get('description') } : undefined,
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${process.env.AUTH0_DOMAIN}`,
  })
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
}

const server = await listen(async (request) => (await auth.handler(request)) ?? app(request), port, host)
console.log(`Demo app on ${appBaseUrl} (listening on ${host}:${server.address().port})`)
