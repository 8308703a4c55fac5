/**
 * The base class of every error this library throws. `code` is stable and safe to branch on;
 * `status` is the HTTP status the built-in handlers answer with. Messages never contain tokens,
 * secrets or cookie values.
 *
 * @example
 * ```ts
 * try {
 *   await auth.client.completeLinkUser(request.url, { request, response })
 * } catch (err) {
 *   if (err instanceof Auth0LinkKitError && err.code === 'authorization_error') {
 *     // Auth0 (or the user) refused the link; the existing session is untouched
 *   }
 * }
 * ```
 */
export class Auth0LinkKitError extends Error {
  static readonly code: string = 'auth0_link_kit_error'
  readonly code: string = Auth0LinkKitError.code
  /** HTTP status the built-in handlers answer with. */
  readonly status: number = 500

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

function defineError<Code extends string>(code: Code, status: number) {
  return class extends Auth0LinkKitError {
    static override readonly code: Code = code
    override readonly code: Code = code
    override readonly status: number = status
  }
}

/**
 * An option passed to `createAuth` / `ServerClient` is missing or invalid; `option` names it.
 *
 * @example
 * ```ts
 * try {
 *   createAuth({ domain, clientId, clientSecret, secret: 'too short' })
 * } catch (err) {
 *   if (err instanceof ConfigurationError) console.error(err.option) // 'secret'
 * }
 * ```
 */
export class ConfigurationError extends defineError('configuration_error', 500) {
  readonly option: string
  constructor(option: string, message: string) {
    super(`${option}: ${message}`)
    this.option = option
  }
}

/**
 * The flow needs a signed-in user (link, unlink, access token) and there is no valid session.
 *
 * @example
 * ```ts
 * try {
 *   await auth.client.startLinkUser({ connection: 'github' }, { request, response })
 * } catch (err) {
 *   if (err instanceof MissingSessionError) return Response.redirect(new URL('/auth/login', request.url), 302)
 *   throw err
 * }
 * ```
 */
export class MissingSessionError extends defineError('missing_session', 401) {}

/**
 * The callback's `state` names no transaction stored for this browser (expired, used or foreign).
 *
 * @example
 * ```ts
 * const { appState } = await client.completeLinkUser(request.url, { request, response }).catch((err) => {
 *   // opened twice, after an hour, or in another browser: start the link again
 *   if (err instanceof MissingTransactionError) return { appState: undefined }
 *   throw err
 * })
 * ```
 */
export class MissingTransactionError extends defineError('missing_transaction', 400) {}

/**
 * The callback's `state` does not match the stored transaction.
 *
 * @example
 * ```ts
 * if (err instanceof StateMismatchError) console.warn('callback state does not match the stored transaction')
 * ```
 */
export class StateMismatchError extends defineError('state_mismatch', 400) {}

/**
 * The callback or start request is malformed (no `code`, no `connection`, wrong flow, bad `iss`).
 *
 * @example
 * ```ts
 * if (err instanceof InvalidCallbackError) return new Response('Bad callback', { status: 400 })
 * ```
 */
export class InvalidCallbackError extends defineError('invalid_callback', 400) {}

/**
 * A start request is malformed (for example `/auth/link` without `connection`).
 *
 * @example
 * ```ts
 * const response = await auth.handleLink(new Request('https://app.example.com/auth/link')) // no connection
 * response.status // 400, code invalid_request
 * ```
 */
export class InvalidRequestError extends defineError('invalid_request', 400) {}

/**
 * A link, unlink or session-changing request came from another site.
 *
 * @example
 * ```ts
 * if (err instanceof CrossSiteRequestError) console.warn('a link was started from another site', request.headers.get('origin'))
 * ```
 */
export class CrossSiteRequestError extends defineError('cross_site_request', 403) {}

/**
 * Auth0 redirected back with an OAuth error (`access_denied`, `login_required`, …). `error` and
 * `errorDescription` carry Auth0's words; handlers HTML-escape them before showing them.
 *
 * @example
 * ```ts
 * if (err instanceof AuthorizationError && err.error === 'access_denied') {
 *   console.log('the user declined:', err.errorDescription)
 * }
 * ```
 */
export class AuthorizationError extends defineError('authorization_error', 400) {
  readonly error: string
  readonly errorDescription: string | undefined
  constructor(error: string, errorDescription: string | undefined, options?: { cause?: unknown }) {
    super(`Auth0 answered ${error}${errorDescription ? `: ${errorDescription}` : ''}`, options)
    this.error = error
    this.errorDescription = errorDescription
  }
}

/**
 * The token endpoint refused the code or refresh token, answered garbage, or could not be reached.
 *
 * @example
 * ```ts
 * if (err instanceof TokenExchangeError && err.error === 'invalid_grant') {
 *   // the code or refresh token was used, expired or revoked: sign in again
 * }
 * ```
 */
export class TokenExchangeError extends defineError('token_exchange_failed', 502) {
  /** The OAuth `error` from the token endpoint, when it sent one. */
  readonly error: string | undefined
  constructor(message: string, options?: { cause?: unknown; error?: string }) {
    super(message, options)
    this.error = options?.error
  }
}

/**
 * The ID token failed a check: signature, `alg`, `iss`, `aud`, `azp`, `nonce`, `exp`, `iat`.
 *
 * @example
 * ```ts
 * if (err instanceof IdTokenError) console.error('rejected an ID token:', err.message)
 * ```
 */
export class IdTokenError extends defineError('id_token_invalid', 502) {}

/**
 * A link or unlink came back for a different user (`sub`) than the one signed in.
 *
 * @example
 * ```ts
 * if (err instanceof UserMismatchError) {
 *   // the link came back signed in as someone else; the existing session is untouched
 * }
 * ```
 */
export class UserMismatchError extends defineError('user_mismatch', 403) {}

/**
 * The tenant's discovery document or key set could not be fetched or parsed.
 *
 * @example
 * ```ts
 * if (err instanceof DiscoveryError) console.error('check AUTH0_DOMAIN: discovery failed', err.cause)
 * ```
 */
export class DiscoveryError extends defineError('discovery_failed', 502) {}

/**
 * A call to Auth0 took longer than `httpTimeout`.
 *
 * @example
 * ```ts
 * createAuth({ domain, clientId, clientSecret, secret, httpTimeout: 10_000 }) // wait up to 10 s before TimeoutError
 * ```
 */
export class TimeoutError extends defineError('timeout', 504) {}

/**
 * The session has no refresh token, so an expired access token cannot be renewed.
 *
 * @example
 * ```ts
 * if (err instanceof MissingRefreshTokenError) return Response.redirect(new URL('/auth/login', request.url), 302)
 * ```
 */
export class MissingRefreshTokenError extends defineError('missing_refresh_token', 401) {}

/**
 * A cookie could not be decrypted or parsed. Stores treat such a cookie as absent.
 *
 * @example
 * ```ts
 * if (err instanceof CookieError) console.warn('a session cookie was tampered with or encrypted with an unknown secret')
 * ```
 */
export class CookieError extends defineError('cookie_invalid', 400) {}

/**
 * The encrypted session would exceed `session.maxCookieSize`. Nothing was written: an existing
 * session stays as it was, and a login that hit this leaves the user signed out.
 *
 * @example
 * ```ts
 * // keep the cookie small: store only the claims the app uses
 * createAuth({ ...options, beforeSessionSaved: (session) => ({ ...session, user: { sub: session.user.sub, email: session.user.email } }) })
 * ```
 */
export class SessionTooLargeError extends defineError('session_too_large', 500) {}

/**
 * A backchannel logout token failed verification.
 *
 * @example
 * ```ts
 * await client.handleBackchannelLogout(logoutToken, { request, response }).catch((err) => {
 *   if (err instanceof BackchannelLogoutError) console.warn('refused a logout token:', err.message)
 * })
 * ```
 */
export class BackchannelLogoutError extends defineError('backchannel_logout_error', 400) {}

/**
 * Auth0's Management API (or its client-credentials token request) refused or failed, e.g. the
 * app has no grant for the Management API or lacks the `read:users` permission.
 * `upstreamStatus` is the status Auth0 answered with; `error` is the OAuth error of a refused token.
 *
 * @example
 * ```ts
 * try {
 *   await auth.client.getIdentities({ request, response })
 * } catch (err) {
 *   if (err instanceof ManagementApiError && err.upstreamStatus === 403) {
 *     // grant the app the read:users permission on the Auth0 Management API
 *   }
 * }
 * ```
 */
export class ManagementApiError extends defineError('management_api_error', 502) {
  readonly upstreamStatus: number | undefined
  readonly error: string | undefined
  constructor(message: string, options?: { cause?: unknown; error?: string; upstreamStatus?: number }) {
    super(message, options)
    this.error = options?.error
    this.upstreamStatus = options?.upstreamStatus
  }
}

/**
 * Every stable error code, for exhaustive `switch` statements.
 *
 * @example
 * ```ts
 * function describe(code: Auth0LinkKitErrorCode): string {
 *   switch (code) {
 *     case 'authorization_error': return 'Auth0 refused'
 *     case 'missing_session': return 'Sign in first'
 *     default: return 'Something went wrong'
 *   }
 * }
 * ```
 */
export type Auth0LinkKitErrorCode =
  | 'auth0_link_kit_error'
  | typeof ConfigurationError.code
  | typeof MissingSessionError.code
  | typeof MissingTransactionError.code
  | typeof StateMismatchError.code
  | typeof InvalidCallbackError.code
  | typeof InvalidRequestError.code
  | typeof CrossSiteRequestError.code
  | typeof AuthorizationError.code
  | typeof TokenExchangeError.code
  | typeof IdTokenError.code
  | typeof UserMismatchError.code
  | typeof DiscoveryError.code
  | typeof TimeoutError.code
  | typeof MissingRefreshTokenError.code
  | typeof CookieError.code
  | typeof SessionTooLargeError.code
  | typeof BackchannelLogoutError.code
  | typeof ManagementApiError.code
