/** @module The types of the auth instance `createAuth` returns: its handlers, one per route of the table. */

import type { RouteKey } from './handlers/route.js'
import type { Routes } from './options.js'
import type { ServerClient } from './server-client.js'
import type { SessionData, UserClaims } from './session.js'

/**
 * A Web handler: a `Request` in, a `Response` out.
 *
 * @example
 * ```ts
 * const profile: AuthHandler = auth.handleProfile
 * const response = await profile(request) // 200 with the claims, or 401
 * ```
 */
export type AuthHandler = (request: Request) => Promise<Response>

/**
 * One `handle…` member per route of the table (`login` → `handleLogin`, `accessToken` →
 * `handleAccessToken`, …): the route alone, with its guards, whether or not it is enabled.
 *
 * @example
 * ```ts
 * const handlers: AuthRouteHandlers = auth
 * const response = await handlers.handleLink(request) // 302 to Auth0, or 403 from another site
 * ```
 */
export type AuthRouteHandlers = { readonly [K in RouteKey as `handle${Capitalize<K>}`]: AuthHandler }

/**
 * What {@link createAuth} returns.
 *
 * @example
 * ```ts
 * const auth: Auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl })
 * const user = await auth.getUser(request)
 * ```
 */
export interface Auth<TAppState = unknown> extends AuthRouteHandlers {
  /** The programmatic API (`startLinkUser`, `completeLinkUser`, …). */
  readonly client: ServerClient<TAppState>
  /** Routes requests for the auth paths; resolves `null` for any other path so the app handles it. */
  handler(request: Request): Promise<Response | null>
  /** Where each route answers, as configured (defaults filled in), whether or not it is enabled. */
  readonly routes: Readonly<Routes>
  /** The paths `handler` answers (as configured; the optional routes only when enabled). */
  readonly routePaths: ReadonlySet<string>
  /**
   * The session for app code, or `undefined` when signed out. Pass the headers of the response
   * you will send to keep the cookies a read may rewrite (a rolling session extended, a cookie
   * re-encrypted under a rotated secret); without them the read changes nothing.
   */
  getSession(request: Request, responseHeaders?: Headers): Promise<SessionData | undefined>
  /** The signed-in user's claims for app code, or `undefined`; `responseHeaders` as for `getSession`. */
  getUser(request: Request, responseHeaders?: Headers): Promise<UserClaims | undefined>
}
