// The Hono example app, one file for every runtime it runs on: Node (server.js), Bun, Deno and
// Cloudflare Workers (examples/workers). Only what hosts it differs: how the auth instance is
// made (an env record, or Workers bindings through authFromBindings) and the runtime's name.
import { MissingSessionError } from 'auth0-link-kit'
import { auth0, requiresAuth } from 'auth0-link-kit/hono'
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { esc, identitiesOf, renderPage } from '../demo/page.js'

const LINKABLE = ['github', 'google-oauth2']

/** The connection named in a posted form, or undefined. @param {import('hono').Context} c */
async function postedConnection(c) {
  const form = await c.req.parseBody()
  return typeof form.connection === 'string' && form.connection !== '' ? form.connection : undefined
}

/**
 * @param {{ auth: Parameters<typeof auth0>[0], runtime: string | (() => string), mode: string }} options
 *   `auth`: an auth instance or a factory `(c) => auth`; `runtime`: what `/hello` names.
 */
export function createApp({ auth, runtime, mode }) {
  const app = new Hono()
  app.use(auth0(auth))

  app.get('/hello', (c) => c.text(`hello from ${typeof runtime === 'function' ? runtime() : runtime}`))

  app.get('/', async (c) => {
    const user = await c.var.auth.getUser()
    const html = renderPage({ user, ...(user ? await identitiesOf(() => c.var.auth.getIdentities()) : {}), linkable: LINKABLE, mode })
    c.header('cache-control', 'no-store')
    return c.html(html)
  })

  // What c.var.auth reads, as JSON.
  app.get('/me', async (c) => {
    const user = await c.var.auth.getUser()
    const session = await c.var.auth.getSession()
    return c.json({ sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
  })

  // Pages and an API only signed-in users reach.
  app.get('/account', requiresAuth(), async (c) =>
    c.html(`<!doctype html><title>Account</title><p>Account of ${esc((await c.var.auth.getUser())?.email)}</p>`),
  )
  app.get('/api/account', requiresAuth(), async (c) => c.json({ email: (await c.var.auth.getUser())?.email ?? null }))

  // Link and unlink started by app code; csrf() refuses a form posted from another origin.
  app.post('/settings/link', csrf(), async (c) => {
    const connection = await postedConnection(c)
    if (!connection) return c.text('connection is required', 400)
    return c.redirect(String(await c.var.auth.startLinkUser({ connection, appState: { returnTo: '/' } })))
  })
  app.post('/settings/unlink', csrf(), async (c) => {
    const connection = await postedConnection(c)
    if (!connection) return c.text('connection is required', 400)
    return c.redirect(String(await c.var.auth.startUnlinkUser({ connection, appState: { returnTo: '/' } })))
  })

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    if (error instanceof MissingSessionError) return c.text('Please sign in first', 401)
    // No message or stack on the page: they are for logs, not for visitors.
    return c.text('Something went wrong', 500)
  })
  return app
}
