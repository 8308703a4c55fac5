// One Hono benchmark server per process: the same Hono app with our middleware or with
// @auth0/auth0-hono, against the same in-process tenant, on Node (@hono/node-server) or Bun.
// argv: <ours|theirs|bare> (bare: Hono alone, the ceiling). Routes: the libraries' own
// /auth/login and /auth/callback, GET /home (the session read: 200 with the user's id, 401
// without), and POST /__bench/authorize, which plays the browser's untimed trip to Auth0 (the
// tenant answers an /authorize URL with its callback URL).
import { auth as auth0Hono, type OIDCEnv } from '@auth0/auth0-hono'
import { Hono } from 'hono'
import { auth0, createAuth, type Variables } from '../../adapters/hono.js'
import { linkKitOptions, SECRET } from '../contenders.js'
import { BenchTenant } from '../tenant.js'
import type { ServerReady } from './fixtures.js'

export const HONO_LIBRARIES = ['ours', 'theirs', 'bare'] as const
export type HonoLibrary = (typeof HONO_LIBRARIES)[number]

type FetchHandler = (request: Request) => Response | Promise<Response>
interface BunRuntime {
  argv: string[]
  serve(options: { port: number; hostname: string; fetch: FetchHandler }): { port: number }
}
const bun = (globalThis as { Bun?: BunRuntime }).Bun

/** Ours: the adapter's env-record `createAuth`, with the tenant's in-process fetch. */
function oursApp(tenant: BenchTenant, origin: string): Hono {
  const options = linkKitOptions(tenant)
  const env = {
    AUTH0_DOMAIN: String(options.domain),
    AUTH0_CLIENT_ID: options.clientId,
    AUTH0_CLIENT_SECRET: String(options.clientSecret),
    AUTH0_SECRET: SECRET,
    APP_BASE_URL: origin,
  }
  const app = new Hono<{ Variables: Variables }>()
  app.use(auth0(createAuth({ fetch: tenant.fetch }, env)))
  app.get('/home', async (c) => {
    const session = await c.var.auth.getSession()
    return session ? c.text(session.user.sub) : c.text('signed out', 401)
  })
  return app as unknown as Hono
}

/** Theirs: @auth0/auth0-hono configured the same way (routes mounted, no global login requirement). */
function theirsApp(tenant: BenchTenant, origin: string): Hono {
  const { emulator } = tenant
  const app = new Hono<OIDCEnv>()
  app.use(
    auth0Hono({
      domain: emulator.domain,
      clientID: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseURL: origin,
      session: { secret: SECRET },
      authRequired: false,
      fetch: tenant.fetch,
    }),
  )
  app.get('/home', async (c) => {
    const session = await c.var.auth0Client!.getSession(c)
    return session?.user ? c.text(session.user.sub) : c.text('signed out', 401)
  })
  return app as unknown as Hono
}

/** The ceiling: Hono with no auth at all, a fixed redirect and a fixed text on the same paths. */
function bareApp(): Hono {
  const app = new Hono()
  app.get('/auth/login', (c) => c.redirect('https://tenant.example/authorize'))
  app.get('/home', (c) => c.text('auth0|alice'))
  return app
}

/** The app: only the middleware and the one call that reads the session differ. */
function createBenchApp(library: HonoLibrary, tenant: BenchTenant, origin: string): Hono {
  const app = library === 'ours' ? oursApp(tenant, origin) : library === 'theirs' ? theirsApp(tenant, origin) : bareApp()
  const bench = new Hono()
  bench.post('/__bench/authorize', async (c) => c.text((await tenant.authorize(new URL(await c.req.text()))).href))
  bench.route('/', app)
  return bench
}

/** Signs in through the app itself (login, the tenant, callback) and returns the session's Cookie header. */
async function signIn(app: Hono, origin: string): Promise<string> {
  const jar = new Map<string, string>()
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      if (/max-age=0/i.test(cookie)) jar.delete(pair.slice(0, eq))
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
  }
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const login = await app.fetch(new Request(`${origin}/auth/login`))
  keep(login)
  const authorize = await app.fetch(new Request(`${origin}/__bench/authorize`, { method: 'POST', body: login.headers.get('location') }))
  const callback = await app.fetch(new Request(await authorize.text(), { headers: { cookie: header() } }))
  if (callback.status !== 302) throw new Error(`sign-in failed: callback answered ${callback.status}`)
  keep(callback)
  const home = await app.fetch(new Request(`${origin}/home`, { headers: { cookie: header() } }))
  if (home.status !== 200) throw new Error(`sign-in failed: /home answered ${home.status}`)
  return header()
}

const library = (bun ? bun.argv[2] : process.argv[2]) as HonoLibrary
if (!HONO_LIBRARIES.includes(library)) throw new Error(`unknown library ${library}; one of ${HONO_LIBRARIES.join(', ')}`)

// Listen first: @auth0/auth0-hono sends the callback's own origin as redirect_uri, so both apps
// are configured with the origin they are really served on.
let handle: FetchHandler = () => new Response('starting', { status: 503 })
const port = await new Promise<number>((resolve) => {
  if (bun) resolve(bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => handle(request) }).port)
  else {
    void import('@hono/node-server').then(({ serve }) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0))
      serve({ fetch: (request: Request) => handle(request), port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
    })
  }
})
const origin = `http://127.0.0.1:${port}`
const tenant = await BenchTenant.create()
const app = createBenchApp(library, tenant, origin)
const cookie = library === 'bare' ? '' : await signIn(app, origin)
handle = (request) => app.fetch(request)
process.stdout.write(`${JSON.stringify({ port, cookie } satisfies ServerReady)}\n`)
