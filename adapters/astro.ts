/**
 * @module `auth0-link-kit/astro`: Astro middleware that answers the auth routes and sets
 * `Astro.locals.auth` (`context.locals.auth`) for pages and endpoints. Translation only: the
 * core decides; this file hands Astro's Web `Request` to it and puts the cookies app code wrote
 * on the response the page or endpoint returns.
 */
import type { MiddlewareHandler } from 'astro'
import {
  type Auth,
  type AuthOptions,
  bindRequest,
  createAuth as createCoreAuth,
  headersCookieSink,
  type RequestAuth,
} from '../core/index.js'
import { authRoutePaths } from './auth-routes.js'
import { optionsFromEnv, readRecord } from './env.js'

export type { CookieSink, RequestAuth } from '../core/index.js'

/**
 * What {@link auth0Middleware} puts on `Astro.locals`. Declare it once in `src/env.d.ts` so
 * `Astro.locals.auth` is typed:
 *
 * @example
 * ```ts
 * // src/env.d.ts
 * type Auth0Locals = import('auth0-link-kit/astro').Auth0Locals
 * declare namespace App {
 *   interface Locals extends Auth0Locals {}
 * }
 * ```
 */
export interface Auth0Locals {
  /** This request's session and the calls that start link, unlink and connect. */
  auth: RequestAuth
}

/**
 * Creates the auth instance with every option not passed filled from `env` (default
 * `process.env`: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`,
 * `APP_BASE_URL`), read when the server runs, so one build serves any tenant.
 *
 * @example
 * ```ts
 * import { createAuth } from 'auth0-link-kit/astro'
 * const auth = createAuth({ connectedAccounts: { enabled: true } })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = process.env,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}

/** Adds the cookies app code wrote, copying the response first when its headers are immutable. */
function withCookies(response: Response, cookies: string[]): Response {
  if (cookies.length === 0) return response
  try {
    for (const cookie of cookies) response.headers.append('set-cookie', cookie)
    return response
  } catch {
    const copy = new Response(response.body, response)
    for (const cookie of cookies) copy.headers.append('set-cookie', cookie)
    return copy
  }
}

/**
 * Astro middleware (on-demand rendering, e.g. `@astrojs/node`): answers the auth routes
 * (`/auth/login`, `/auth/callback`, `/auth/link`, `/auth/unlink`, `/auth/connect`,
 * `/auth/logout`, …) and sets `locals.auth` ({@link RequestAuth}) for every other request. Takes
 * the instance, or a function returning it (built on first request, never at build time).
 *
 * @example
 * ```ts
 * // src/middleware.ts
 * import { auth0Middleware, createAuth } from 'auth0-link-kit/astro'
 * export const onRequest = auth0Middleware(() => createAuth())
 * ```
 */
export function auth0Middleware(source: Auth<unknown> | (() => Auth<unknown>)): MiddlewareHandler {
  let auth: Auth<unknown> | undefined
  let paths: Set<string> | undefined
  return async (context, next) => {
    auth ??= typeof source === 'function' ? source() : source
    paths ??= authRoutePaths(auth)
    if (paths.has(context.url.pathname)) {
      const response = await auth.handler(context.request)
      if (response) return response
    }
    const cookies = new Headers()
    ;(context.locals as Auth0Locals).auth = bindRequest(auth, context.request, headersCookieSink(cookies))
    const response = await next()
    return withCookies(response, cookies.getSetCookie())
  }
}
