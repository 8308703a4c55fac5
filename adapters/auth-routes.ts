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

/**
 * True when `target` (`/auth/login?x`) names one of the auth paths. Plain paths are looked up as
 * they are; only a path a URL parser could rewrite (dot segments, `\`, `%`, an absolute-form
 * target) is normalised first, so an app path costs no URL at all.
 *
 * @example
 * ```ts
 * isAuthPath(authRoutePaths(auth), '/auth/./login?returnTo=/') // true: a URL parser sees /auth/login
 * isAuthPath(authRoutePaths(auth), '/products/42') // false, without building a URL
 * ```
 */
export function isAuthPath(paths: Set<string>, target: string): boolean {
  const query = target.indexOf('?')
  const path = query === -1 ? target : target.slice(0, query)
  if (paths.has(path)) return true
  if (path.charCodeAt(0) === 47 && !/\/\.|[%\\]/.test(path)) return false
  try {
    return paths.has(new URL(target, 'http://localhost').pathname)
  } catch {
    return false
  }
}
