// A Cloudflare Worker without a framework: `export default { fetch }` with the core's handler in
// front of the app. The auth instance is built from the bindings once per isolate.
import { createAuth } from 'auth0-link-kit'
import { renderPage } from '../demo/page.js'

/** @type {{ env: object, auth: import('auth0-link-kit').Auth } | undefined} */
let built

/** @param {Record<string, string | undefined>} env */
function authFor(env) {
  if (built?.env !== env) {
    const auth = createAuth({
      domain: env.AUTH0_DOMAIN ?? '',
      clientId: env.AUTH0_CLIENT_ID ?? '',
      clientSecret: env.AUTH0_CLIENT_SECRET,
      secret: env.AUTH0_SECRET ?? '',
      ...(env.APP_BASE_URL ? { appBaseUrl: env.APP_BASE_URL } : {}),
    })
    built = { env, auth }
  }
  return built.auth
}

/** The app's own pages; `headers` collects the cookies a session read may rewrite. */
async function app(request, auth) {
  const { pathname } = new URL(request.url)
  if (pathname === '/hello') return new Response(`hello from workerd (${navigator.userAgent})`)
  if (pathname !== '/') return new Response('Not found', { status: 404 })
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  const storeOptions = { request, response: { headers } }
  const user = await auth.client.getUser(storeOptions)
  const identities = user ? await auth.client.getIdentities(storeOptions).catch(() => undefined) : undefined
  return new Response(renderPage({ user, identities, linkable: ['github', 'google-oauth2'], mode: 'fetch Worker on Cloudflare Workers' }), {
    headers,
  })
}

export default {
  /** @param {Request} request @param {Record<string, string | undefined>} env */
  async fetch(request, env) {
    const auth = authFor(env)
    return (await auth.handler(request)) ?? app(request, auth)
  },
}
