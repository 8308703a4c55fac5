/**
 * @module `npm run example:express`: the Node middleware (`auth0-link-kit/node`) on Express 5.
 * Express 5 passes a rejected promise from an async handler to the error handler (no wrapper
 * needed) and uses path-to-regexp 8's syntax (`/files/*path`); both are used below. Without
 * AUTH0_* it signs in against the built-in emulator; PORT, HOST, APP_BASE_URL and
 * NODE_EXTRA_CA_CERTS (read by Node itself) are honoured.
 */

import { createRequire } from 'node:module'
import { Auth0LinkKitError, MissingSessionError } from 'auth0-link-kit'
import { authMiddleware, createAuth } from 'auth0-link-kit/node'
import { connectedAccountsOf, esc, identitiesOf, renderPage } from '../demo/page.js'
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

const LINKABLE = ['github', 'google-oauth2']
// What the page offers to connect (Connected Accounts): Google with read access to the user's calendar.
const CONNECTABLE = [
  { connection: 'google-oauth2', label: 'Google Calendar', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'] },
]
// EXPRESS_PACKAGE=express4 runs the same app on Express 4 (a devDependency alias), as the tests do.
const expressPackage = process.env.EXPRESS_PACKAGE || 'express'
const { default: express } = await import(expressPackage)
const expressVersion = createRequire(import.meta.url)(`${expressPackage}/package.json`).version
const express5 = Number(expressVersion.split('.')[0]) >= 5
/** Express 4 drops a rejected promise (the request hangs); Express 5 passes it to the error handler. */
const route = express5 ? (handler) => handler : (handler) => (req, res, next) => Promise.resolve(handler(req, res, next)).catch(next)
const mode = await startEmulatorUnlessTenant()
// Everything else from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL.
const auth = createAuth({ connectedAccounts: { enabled: true } })

const app = express()
// Before any body parser: the auth routes read their own forms.
app.use(authMiddleware(auth))
app.use(express.urlencoded({ extended: false }))

app.get('/hello', (_req, res) => {
  res.type('text/plain').send(`hello from express ${expressVersion} on node ${process.version}`)
})

app.get(
  '/',
  route(async (req, res) => {
    const user = await req.auth0.getUser()
    const identities = user ? await identitiesOf(() => req.auth0.getIdentities()) : {}
    const connected = user ? await connectedAccountsOf(() => req.auth0.listConnectedAccounts({})) : {}
    res
      .set('cache-control', 'no-store')
      .type('html')
      .send(renderPage({ user, ...identities, ...connected, linkable: LINKABLE, connectable: CONNECTABLE, tokenButton: false, mode }))
  }),
)

app.get(
  '/me',
  route(async (req, res) => {
    const user = await req.auth0.getUser()
    const session = await req.auth0.getSession()
    res.json({ sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
  }),
)

/** Express middleware: signed-out visitors go to the login route and come back here. */
const requireAuth = route(async (req, res, next) => {
  if (await req.auth0.getSession()) return next()
  res.set('cache-control', 'no-store').redirect(302, `/auth/login?returnTo=${encodeURIComponent(req.originalUrl)}`)
})

app.get(
  '/account',
  requireAuth,
  route(async (req, res) => {
    res.type('html').send(`<!doctype html><title>Account</title><p>Account of ${esc((await req.auth0.getUser())?.email)}</p>`)
  }),
)

// A named wildcard is Express 5's (path-to-regexp 8) syntax; Express 4 wrote `/files/*`.
app.get(express5 ? '/files/*path' : '/files/*', requireAuth, (req, res) => {
  const path = express5 ? req.params.path.join('/') : req.params[0]
  res.json({ path })
})

const connectionOf = (req) =>
  typeof req.body?.connection === 'string' && LINKABLE.includes(req.body.connection) ? req.body.connection : undefined

// No try/catch: Express 5 sends a rejected promise (MissingSessionError when signed out) to the error handler.
app.post(
  '/settings/link',
  route(async (req, res) => {
    const connection = connectionOf(req)
    if (!connection) return res.status(400).type('text/plain').send('connection is required')
    // req.auth0 sets the transaction cookie on res; the redirect carries it.
    res.redirect(303, (await req.auth0.startLinkUser({ connection, appState: { returnTo: '/' } })).href)
  }),
)
app.post(
  '/settings/unlink',
  route(async (req, res) => {
    const connection = connectionOf(req)
    if (!connection) return res.status(400).type('text/plain').send('connection is required')
    res.redirect(303, (await req.auth0.startUnlinkUser({ connection, appState: { returnTo: '/' } })).href)
  }),
)

app.use((error, _req, res, _next) => {
  if (error instanceof MissingSessionError) return res.status(401).type('text/plain').send('Please sign in first')
  // The kit's own refusals (a form another site posted: CrossSiteRequestError, 403) carry their status; messages are safe to show.
  if (error instanceof Auth0LinkKitError) return res.status(error.status).type('text/plain').send(error.message)
  // No message or stack on the page: they are for logs, not for visitors.
  res.status(500).type('text/plain').send('Something went wrong')
})

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? 'localhost'
const server = app.listen(port, host, () => {
  const actual = server.address().port
  console.log(`Express ${expressVersion} example on http://${host === '127.0.0.1' ? host : 'localhost'}:${actual}`)
  console.log(`LISTENING ${actual}`)
})
