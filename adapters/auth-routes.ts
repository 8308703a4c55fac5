/**
 * @module The auth route paths of an `Auth`, for adapters that must tell auth paths from app paths
 * before building a `Request`, or register the routes with a router.
 */

import type { Auth } from '../core/index.js'

/**
 * The paths `auth.handler` answers (`/auth/login`, `/auth/callback`, …, as configured).
 * Adapters use them to tell app paths from auth paths before building anything, and to register
 * the auth routes with a router (Bun's `routes`). Which handler serves a path stays the core's
 * business: adapters call `auth.handler`.
 *
 * @example
 * ```ts
 * authRoutePaths(auth).has('/auth/login') // true
 * ```
 */
export function authRoutePaths(auth: Auth<unknown>): Set<string> {
  return new Set(auth.routePaths)
}
