/**
 * @module `npm run example:fastify`: the `auth0-link-kit/fastify` plugin on Fastify 5. Without
 * AUTH0_* it signs in against the built-in emulator; PORT, HOST, APP_BASE_URL and
 * NODE_EXTRA_CA_CERTS (read by Node itself) are honoured.
 */
import { createRequire } from 'node:module'
import { Auth0LinkKitError, MissingSessionError } from 'auth0-link-kit'
import { auth0, requireAuth } from 'auth0-link-kit/fastify'
import Fastify from 'fastify'
import { connectedAccountsOf, esc, identitiesOf, renderPage } from '../demo/page.js'
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

const LINKABLE = ['github', 'google-oauth2']
// What the page offers to connect (Connected Accounts): Google with read access to the user's calendar.
const CONNECTABLE = [
  { connection: 'google-oauth2', label: 'Google Calendar', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'] },
]
const fastifyVersion = createRequire(import.meta.url)('fastify/package.json').version
const mode = await startEmulatorUnlessTenant()

const app = Fastify()
// AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL from process.env.
await app.register(auth0, { connectedAccounts: { enabled: true } })

// Fastify parses JSON only; the app's own forms are urlencoded.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body)))
})

app.get('/hello', async () => `hello from fastify ${fastifyVersion} on node ${process.version}`)

app.get('/', async (request, reply) => {
  const user = await request.auth.getUser()
  const identities = user ? await identitiesOf(() => request.auth.getIdentities()) : {}
  const connected = user ? await connectedAccountsOf(() => request.auth.listConnectedAccounts({})) : {}
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderPage({ user, ...identities, ...connected, linkable: LINKABLE, connectable: CONNECTABLE, tokenButton: false, mode }))
})

app.get('/me', async (request) => {
  const user = await request.auth.getUser()
  const session = await request.auth.getSession()
  return { sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 }
})

app.get('/account', { preHandler: requireAuth }, async (request, reply) =>
  reply
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><title>Account</title><p>Account of ${esc((await request.auth.getUser())?.email)}</p>`),
)

// A child plugin (its own encapsulation context) sees request.auth too: the auth0 plugin is not encapsulated.
await app.register(
  async (child) => {
    child.get('/me', { preHandler: requireAuth }, async (request) => ({ email: (await request.auth.getUser())?.email ?? null }))
  },
  { prefix: '/scoped' },
)

const connectionOf = (request) => (LINKABLE.includes(request.body?.connection) ? request.body.connection : undefined)

app.post('/settings/link', { preHandler: requireAuth }, async (request, reply) => {
  const connection = connectionOf(request)
  if (!connection) return reply.code(400).send('connection is required')
  return reply.redirect((await request.auth.startLinkUser({ connection, appState: { returnTo: '/' } })).href, 303)
})
app.post('/settings/unlink', { preHandler: requireAuth }, async (request, reply) => {
  const connection = connectionOf(request)
  if (!connection) return reply.code(400).send('connection is required')
  return reply.redirect((await request.auth.startUnlinkUser({ connection, appState: { returnTo: '/' } })).href, 303)
})

app.setErrorHandler((error, _request, reply) => {
  if (error instanceof MissingSessionError) return reply.code(401).type('text/plain').send('Please sign in first')
  // The kit's own refusals (a form another site posted: CrossSiteRequestError, 403) carry their status; messages are safe to show.
  if (error instanceof Auth0LinkKitError) return reply.code(error.status).type('text/plain').send(error.message)
  // No message or stack on the page: they are for logs, not for visitors.
  return reply.code(500).type('text/plain').send('Something went wrong')
})

const host = process.env.HOST ?? 'localhost'
await app.listen({ port: Number(process.env.PORT ?? 3000), host })
const { port } = app.server.address()
console.log(`Fastify ${fastifyVersion} example on http://${host === '127.0.0.1' ? host : 'localhost'}:${port}`)
console.log(`LISTENING ${port}`)
