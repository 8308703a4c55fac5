// `auth0-link-kit/bun`: the auth routes in `Bun.serve`, with `fetch` or with `routes`. Bun speaks
// Request/Response already; this file only reads `Bun.env` and shapes the routes table.

import { type Auth, type AuthOptions, createAuth as createCoreAuth } from '../core/index.js'
import { authRoutePaths } from './auth-routes.js'
import { optionsFromEnv, readRecord } from './env.js'

// Per request, app code binds the core's RequestAuth with a Headers sink it appends to its response.
export { bindRequest, type CookieSink, headersCookieSink, type RequestAuth } from '../core/index.js'
export { withAuth } from './fetch-handler.js'

/** The part of Bun's global this adapter reads; declared here rather than pulling in bun-types. */
interface BunGlobal {
  env: Record<string, string | undefined>
}

function bunEnv(): Record<string, string | undefined> {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun
  return bun?.env ?? {}
}

/**
 * Creates the auth instance with every option not passed filled from `Bun.env`
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`).
 *
 * @example
 * ```ts
 * import { createAuth, withAuth } from 'auth0-link-kit/bun'
 *
 * const auth = createAuth()
 * Bun.serve({ fetch: withAuth(auth, () => new Response('app')) })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = bunEnv(),
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}

/**
 * A route handler as `Bun.serve({ routes })` takes it (a `BunRequest` is a `Request`).
 *
 * @example
 * ```ts
 * const login: BunRouteHandler = authRoutes(auth)['/auth/login']!
 * ```
 */
export type BunRouteHandler = (request: Request) => Promise<Response>

/**
 * The auth routes as a table for `Bun.serve({ routes })`: one entry per auth path, each answered
 * by `auth`. Spread it beside the app's own routes; paths not in any route go to `fetch`.
 *
 * @example
 * ```ts
 * import { authRoutes, createAuth } from 'auth0-link-kit/bun'
 *
 * const auth = createAuth()
 * Bun.serve({
 *   routes: {
 *     ...authRoutes(auth),
 *     '/': async (req) => new Response(`Hello ${(await auth.getUser(req))?.name ?? 'stranger'}`),
 *   },
 *   fetch: () => new Response('Not Found', { status: 404 }),
 * })
 * ```
 */
export function authRoutes(auth: Auth<unknown>): Record<string, BunRouteHandler> {
  const notFound = () => new Response('Not Found', { status: 404 })
  // A configured path the core does not serve (a route turned off) answers 404, as `fetch` would.
  const handle: BunRouteHandler = async (request) => (await auth.handler(request)) ?? notFound()
  return Object.fromEntries([...authRoutePaths(auth)].map((path) => [path, handle]))
}
