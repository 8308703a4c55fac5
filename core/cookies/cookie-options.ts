/**
 * @module Cookie attributes users may set; `HttpOnly` and `Path=/` are not negotiable.
 */

/**
 * Attributes of the session and transaction cookies. `HttpOnly` and `Path=/` are fixed.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, session: { cookie: { name: 'app_session', domain: 'example.com' } } })
 * ```
 */
export interface CookieOptions {
  /** Cookie name. Defaults: `__session` for the session, `__a0_tx` as the transaction prefix. */
  name?: string
  /** `Lax` by default; `Strict` breaks the redirect back from Auth0, so it is not offered. */
  sameSite?: 'Lax' | 'None'
  /** Forced on or off; by default `Secure` unless the app runs on plain-http localhost. */
  secure?: boolean
  domain?: string
}
