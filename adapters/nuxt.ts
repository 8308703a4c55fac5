/**
 * @module `auth0-link-kit/nuxt`: Nuxt and Nitro (h3 1.x) server middleware that answers the auth
 * routes, and `useAuth(event)` for server routes. Translation only: the core decides; this file
 * moves an h3 event in and a response (cookies through `appendResponseHeader`) out.
 */
import { appendResponseHeader, defineEventHandler, type EventHandler, getRequestURL, type H3Event, sendWebResponse, toWebRequest } from 'h3'
import {
  type Auth,
  type AuthOptions,
  bindRequest,
  ConfigurationError,
  createAuth as createCoreAuth,
  type RequestAuth,
} from '../core/index.js'
import { authRoutePaths, isAuthPath } from './auth-routes.js'
import { optionsFromEnv, readRecord } from './env.js'

export type { CookieSink, RequestAuth } from '../core/index.js'

declare module 'h3' {
  interface H3EventContext {
    /** Set by {@link auth0Middleware} on every request it passes on; read it with {@link useAuth}. */
    auth?: RequestAuth
  }
}

/**
 * Creates the auth instance with every option not passed filled from `env` (default
 * `process.env`: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`,
 * `APP_BASE_URL`), read when the server starts, so one build runs against any tenant.
 *
 * @example
 * ```ts
 * // server/utils/auth.ts
 * import { createAuth } from 'auth0-link-kit/nuxt'
 * export const auth = createAuth({ connectedAccounts: { enabled: true } })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = process.env,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}

/**
 * Nitro server middleware: answers the auth routes (`/auth/login`, `/auth/callback`,
 * `/auth/link`, `/auth/unlink`, `/auth/connect`, `/auth/logout`, …) with the core's responses and
 * gives every other request `event.context.auth` ({@link RequestAuth}, read it with
 * {@link useAuth}). Takes the instance, or a function that returns it (built on first use, so
 * the build never needs the tenant's variables).
 *
 * @example
 * ```ts
 * // server/middleware/auth0.ts
 * import { auth0Middleware, createAuth } from 'auth0-link-kit/nuxt'
 * export default auth0Middleware(() => createAuth())
 * ```
 */
export function auth0Middleware(source: Auth<unknown> | (() => Auth<unknown>)): EventHandler {
  let auth: Auth<unknown> | undefined
  let paths: Set<string> | undefined
  return defineEventHandler(async (event) => {
    auth ??= typeof source === 'function' ? source() : source
    paths ??= authRoutePaths(auth)
    if (isAuthPath(paths, event.path)) {
      const response = await auth.handler(toWebRequest(event))
      if (response) return sendWebResponse(event, response)
    }
    // Only the headers, and only once app code calls a method: enough for sessions and flow starts.
    event.context.auth = bindRequest(
      auth,
      () => new Request(getRequestURL(event), { method: event.method, headers: event.headers }),
      (cookie) => appendResponseHeader(event, 'set-cookie', cookie.header),
    )
  })
}

/**
 * This request's {@link RequestAuth}, in a server route or API handler: the session, the user,
 * and the calls that start link, unlink and connect. Cookies they write leave with the route's
 * response. Throws `ConfigurationError` when {@link auth0Middleware} is not mounted.
 *
 * @example
 * ```ts
 * // server/api/me.get.ts
 * import { useAuth } from 'auth0-link-kit/nuxt'
 * export default defineEventHandler(async (event) => ({ user: await useAuth(event).getUser() }))
 * ```
 */
export function useAuth(event: H3Event): RequestAuth {
  const auth = event.context.auth
  if (!auth) throw new ConfigurationError('auth0Middleware', 'is not mounted: add server/middleware/auth0.ts (see the Nuxt guide)')
  return auth
}
