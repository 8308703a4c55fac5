import type { Auth } from '../core/index.js'

/**
 * The paths `auth.handler` may answer (`/auth/login`, `/auth/callback`, …, as configured).
 * Adapters use them to tell app paths from auth paths before building anything, and to register
 * the auth routes with a router (Bun's `routes`). Which handler serves a path stays the core's
 * business: adapters call `auth.handler`, which may still resolve `null` (a route turned off).
 *
 * @example
 * ```ts
 * authRoutePaths(auth).has('/auth/login') // true
 * ```
 */
export function authRoutePaths(auth: Auth<unknown>): Set<string> {
  // The configured paths live on the client's context; `auth.handler` routes by the same ones.
  const routes: Record<string, unknown> = { ...auth.client.context.config.routes }
  return new Set(Object.values(routes).filter((path): path is string => typeof path === 'string'))
}
