// `npm run example:bun`: the Bun adapter with `Bun.serve({ routes })`. Without AUTH0_* variables
// it signs in against the built-in Auth0 emulator on a loopback port; with them, that tenant.
import { authRoutes, createAuth } from 'auth0-link-kit/bun'
import { type Auth0Emulator, createAuth0Emulator } from 'auth0-link-kit/testing'
// @ts-expect-error plain JS page shared with the other examples
import { renderPage } from '../demo/page.js'

// Just what this file uses of Bun's global, so the repo needs no bun-types.
declare const Bun: {
  env: Record<string, string | undefined>
  version: string
  serve(options: {
    port?: number
    hostname?: string
    routes?: Record<string, (request: Request) => Response | Promise<Response>>
    fetch(request: Request): Response | Promise<Response>
  }): { port: number }
}

let emulator: Auth0Emulator | undefined
let options = {}
if (!Bun.env.AUTH0_DOMAIN) {
  let handle = async (_request: Request) => new Response('starting', { status: 503 })
  const tenant = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => handle(request) })
  const origin = `http://127.0.0.1:${tenant.port}`
  const started = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => started.handle(request)
  emulator = started
  options = {
    domain: origin,
    clientId: started.clientId,
    clientSecret: started.clientSecret,
    secret: crypto.randomUUID() + crypto.randomUUID(),
  }
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

// Options passed here win; the rest comes from Bun.env (AUTH0_DOMAIN, AUTH0_CLIENT_ID, …).
const auth = createAuth(options)

async function page(request: Request): Promise<Response> {
  const user = await auth.getUser(request)
  const html: string = renderPage({
    user,
    identities: user && emulator ? emulator.getUser(user.sub)?.identities : undefined,
    linkable: ['github', 'google-oauth2'],
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${Bun.env.AUTH0_DOMAIN}`,
  })
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
}

const server = Bun.serve({
  port: Number(Bun.env.PORT ?? 3000),
  hostname: Bun.env.HOST ?? 'localhost',
  routes: {
    ...authRoutes(auth),
    '/hello': () => new Response(`hello from bun ${Bun.version}`),
    '/': page,
  },
  fetch: () => new Response('Not found', { status: 404 }),
})
console.log(`Bun ${Bun.version} example (routes) on http://localhost:${server.port}`)
console.log(`LISTENING ${server.port}`)
