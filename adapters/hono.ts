// `auth0-link-kit/hono`: the auth routes and `c.var.auth` as Hono middleware, on any runtime Hono
// runs on (Workers, Node, Bun, Deno). Translation only: every decision is the core's; this file
// moves a Request in and Set-Cookie headers out, and reads options from Workers bindings.

import type { Context, Env, MiddlewareHandler } from 'hono'
import {
  type Auth,
  Auth0LinkKitError,
  type AuthOptions,
  bindRequest,
  ConfigurationError,
  createAuth as createCoreAuth,
  errorResponse,
  headersCookieSink,
  MissingSessionError,
  type RequestAuth,
  type Routes,
  safeReturnTo,
  wantsJson,
} from '../core/index.js'
import { ENV_OPTIONS, optionsFromEnv } from './env.js'

export type { RequestAuth }

/**
 * The Hono `Variables` {@link auth0} sets. Put it in the app's env type so `c.var.auth` is typed.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import type { Variables } from 'auth0-link-kit/hono'
 *
 * const app = new Hono<{ Bindings: Record<string, string>; Variables: Variables }>()
 * app.get('/', async (c) => c.text((await c.var.auth.getUser())?.email ?? 'signed out'))
 * ```
 */
export interface Variables<TAppState = unknown> {
  auth: RequestAuth<TAppState>
  /** The routes of the instance behind `c.var.auth` (where {@link requiresAuth} sends a signed-out page). */
  authRoutes: Readonly<Routes>
}

/**
 * Builds (or finds) the auth instance for a request, typically from Workers bindings on `c.env`.
 *
 * @example
 * ```ts
 * const factory: AuthFactory = authFromBindings()
 * app.use(auth0(factory))
 * ```
 */
export type AuthFactory<E extends Env = Env, TAppState = unknown> = (c: Context<E>) => Auth<TAppState>

/**
 * The app's Hono env with {@link Variables} added: what {@link auth0} and {@link requiresAuth}
 * run under.
 *
 * @example
 * ```ts
 * type Bindings = { AUTH0_DOMAIN: string; AUTH0_CLIENT_ID: string; AUTH0_CLIENT_SECRET: string; AUTH0_SECRET: string }
 * const app = new Hono<AuthEnv<{ Bindings: Bindings }>>()
 * ```
 */
export type AuthEnv<E extends Env = Env, TAppState = unknown> = E & { Variables: Variables<TAppState> }

// The bindings the core cannot run without; `clientSecret` unless a signing key replaces it.
const REQUIRED = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_SECRET'] as const

function createNamedAuth<TAppState>(options: Partial<AuthOptions>, read: (name: string) => string | undefined): Auth<TAppState> {
  const merged = optionsFromEnv(options, read)
  const required: Array<keyof typeof ENV_OPTIONS> = [...REQUIRED]
  if (merged.clientAssertionSigningKey === undefined) required.push('AUTH0_CLIENT_SECRET')
  for (const variable of required) {
    const option = ENV_OPTIONS[variable]
    if (merged[option] === undefined) {
      throw new ConfigurationError(
        option,
        `is missing: set the ${variable} binding (a secret, or a var for non-secret values), or pass ${option}`,
      )
    }
  }
  return createCoreAuth<TAppState>(merged)
}

/**
 * Creates the auth instance with every option not passed filled from an env record
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`):
 * `process.env` on Node, `Bun.env`, `Deno.env.toObject()`. A missing one is a
 * `ConfigurationError` naming the variable. On Workers use {@link authFromBindings} instead.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server'
 * import { Hono } from 'hono'
 * import { auth0, createAuth, type Variables } from 'auth0-link-kit/hono'
 *
 * const app = new Hono<{ Variables: Variables }>()
 * app.use(auth0(createAuth({}, process.env)))
 * serve({ fetch: app.fetch, port: 3000 })
 * ```
 */
export function createAuth<TAppState = unknown>(options: Partial<AuthOptions>, env: Record<string, string | undefined>): Auth<TAppState> {
  return createNamedAuth<TAppState>(options, (name) => env[name])
}

/**
 * An {@link AuthFactory} for Cloudflare Workers: reads `AUTH0_*` and `APP_BASE_URL` from the
 * bindings on `c.env` and builds the auth instance once per bindings object, so once per
 * isolate (a new bindings object, as in a test or after a deploy, builds a new one). Pass the
 * options that are not strings, such as a KV session store, as a function of the bindings.
 * A missing binding is a `ConfigurationError` naming it; {@link auth0} answers it with a 500 page
 * that shows the binding's name and never a value.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { auth0, authFromBindings, type Variables } from 'auth0-link-kit/hono'
 *
 * type Bindings = { AUTH0_DOMAIN: string; AUTH0_CLIENT_ID: string; AUTH0_CLIENT_SECRET: string; AUTH0_SECRET: string }
 * const app = new Hono<{ Bindings: Bindings; Variables: Variables }>()
 * app.use(auth0(authFromBindings()))
 * export default app
 * ```
 */
export function authFromBindings<E extends Env = Env, TAppState = unknown>(
  options: Partial<AuthOptions> | ((bindings: E['Bindings']) => Partial<AuthOptions>) = {},
): AuthFactory<E, TAppState> {
  const built = new WeakMap<object, Auth<TAppState>>()
  return (c) => {
    const bindings: unknown = c.env
    if (typeof bindings !== 'object' || bindings === null) {
      throw new ConfigurationError('domain', 'is missing: no bindings on c.env (pass them as app.fetch(request, env))')
    }
    let auth = built.get(bindings)
    if (!auth) {
      const record = bindings as Record<string, unknown>
      const read = (name: string) => (typeof record[name] === 'string' ? (record[name] as string) : undefined)
      auth = createNamedAuth<TAppState>(typeof options === 'function' ? options(bindings as E['Bindings']) : options, read)
      built.set(bindings, auth)
    }
    return auth
  }
}

/** Adds the cookies `c.var.auth` wrote to the response, copying it first when its headers are frozen. */
function appendCookies(c: Context, cookies: string[]): void {
  try {
    for (const cookie of cookies) c.res.headers.append('set-cookie', cookie)
  } catch {
    // A fetched or Response.redirect() response has immutable headers. Clearing c.res first
    // stops Hono from copying the old response's Set-Cookie over the new one's.
    const copy = new Response(c.res.body, c.res)
    for (const cookie of cookies) copy.headers.append('set-cookie', cookie)
    c.res = undefined
    c.res = copy
  }
}

/**
 * Hono middleware: answers the auth routes (`/auth/login`, `/auth/callback`, `/auth/link`, …)
 * with the core's responses, and gives every other request `c.var.auth` ({@link RequestAuth}).
 * Takes an auth instance, or a factory `(c) => auth` such as {@link authFromBindings} for Workers.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { auth0, authFromBindings, requiresAuth, type Variables } from 'auth0-link-kit/hono'
 *
 * const app = new Hono<{ Variables: Variables }>()
 * app.use(auth0(authFromBindings()))
 * app.post('/settings/link-github', requiresAuth(), async (c) =>
 *   c.redirect(await c.var.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } })),
 * )
 * export default app
 * ```
 */
export function auth0<E extends Env = Env, TAppState = unknown>(
  source: Auth<TAppState> | AuthFactory<E, TAppState>,
): MiddlewareHandler<AuthEnv<E, TAppState>> {
  return async (c, next) => {
    let auth: Auth<TAppState>
    try {
      auth = typeof source === 'function' ? source(c as unknown as Context<E>) : source
    } catch (error) {
      // A missing binding: the error page names it (never a value).
      if (error instanceof Auth0LinkKitError) return errorResponse(error, c.req.raw)
      throw error
    }
    const routed = await auth.handler(c.req.raw)
    if (routed) return routed

    const cookies = new Headers()
    c.set('auth', bindRequest(auth, c.req.raw, headersCookieSink(cookies)))
    c.set('authRoutes', auth.routes)
    await next()
    const written = cookies.getSetCookie()
    if (written.length > 0) appendCookies(c, written)
  }
}

/**
 * Options of {@link requiresAuth}.
 *
 * @example
 * ```ts
 * app.use('/account/*', requiresAuth({ loginPath: '/login' }))
 * ```
 */
export interface RequiresAuthOptions {
  /**
   * Where pages send a signed-out visitor. Default: the login route of the instance behind
   * `c.var.auth` (`auth.routes.login`).
   */
  loginPath?: string
}

/**
 * Lets only signed-in requests through. A page gets a 302 to the login route with `returnTo`
 * set to itself (so the user lands back there); a request that asks for JSON
 * (`Accept: application/json`) gets 401 `{ "error": "missing_session" }`. Mount {@link auth0} first.
 *
 * @example
 * ```ts
 * app.use('/account/*', requiresAuth())
 * app.get('/account', async (c) => c.json(await c.var.auth.getUser()))
 * ```
 */
export function requiresAuth<E extends Env = Env, TAppState = unknown>(
  options: RequiresAuthOptions = {},
): MiddlewareHandler<AuthEnv<E, TAppState>> {
  return async (c, next) => {
    const auth: RequestAuth<TAppState> | undefined = c.var.auth
    if (!auth) throw new ConfigurationError('requiresAuth', 'needs the auth0() middleware mounted before it')
    if (await auth.getSession()) return next()
    if (wantsJson(c.req.raw)) return errorResponse(new MissingSessionError('Not signed in'), c.req.raw)
    const url = new URL(c.req.url)
    const loginPath = options.loginPath ?? c.var.authRoutes.login
    const returnTo = safeReturnTo(`${url.pathname}${url.search}`, new URL(url.origin))
    const login = new URL(loginPath, url.origin)
    login.searchParams.set('returnTo', returnTo)
    c.header('cache-control', 'no-store')
    // A relative Location keeps whatever origin the browser used (a proxy's, say).
    return c.redirect(`${login.pathname}${login.search}`, 302)
  }
}
