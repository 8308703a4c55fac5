// `npm run example:deno`: the Deno adapter in `Deno.serve`. Without AUTH0_* variables it signs in
// against the built-in Auth0 emulator on a loopback port; with them, against that tenant.
import { createAuth, withAuth } from 'auth0-link-kit/deno'
import { type Auth0Emulator, createAuth0Emulator } from 'auth0-link-kit/testing'
// @ts-expect-error plain JS page shared with the other examples
import { renderPage } from '../demo/page.js'

// Just what this file uses of Deno's global, so the repo needs no Deno types.
declare const Deno: {
  env: { get(name: string): string | undefined }
  version: { deno: string }
  serve(
    options: { port?: number; hostname?: string; onListen?(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number } }
}

let emulator: Auth0Emulator | undefined
let options = {}
if (!Deno.env.get('AUTH0_DOMAIN')) {
  let handle = async (_request: Request) => new Response('starting', { status: 503 })
  const tenant = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, (request) => handle(request))
  const origin = `http://127.0.0.1:${tenant.addr.port}`
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

// Options passed here win; the rest comes from Deno.env (needs --allow-env).
const auth = createAuth(options)

async function app(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url)
  if (pathname === '/hello') return new Response(`hello from deno ${Deno.version.deno}`)
  if (pathname !== '/') return new Response('Not found', { status: 404 })
  const user = await auth.getUser(request)
  const html: string = renderPage({
    user,
    identities: user && emulator ? emulator.getUser(user.sub)?.identities : undefined,
    linkable: ['github', 'google-oauth2'],
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${Deno.env.get('AUTH0_DOMAIN')}`,
  })
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
}

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 3000),
    hostname: Deno.env.get('HOST') ?? 'localhost',
    onListen({ port }) {
      console.log(`Deno ${Deno.version.deno} example on http://localhost:${port}`)
      console.log(`LISTENING ${port}`)
    },
  },
  withAuth(auth, app),
)
