/**
 * @module Every error the kit throws: `Auth0LinkKitError` and its written-out subclasses, each with a
 * stable `code` and the HTTP status the handlers answer with.
 */

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
export abstract class Auth0LinkKitError extends Error {
  /** The stable code of the class, for `switch` on a class rather than an instance. */
  static readonly code: string
  /** The stable code of this failure. */
  abstract readonly code: Auth0LinkKitErrorCode
  /** HTTP status the built-in handlers answer with. */
  abstract readonly status: number
  /** Each class sets its own: `new.target.name` would be whatever a bundler renamed the class to. */
  abstract override readonly name: string
}

/**
 * The failures Auth0 itself answered: the OAuth `error` it sent (`invalid_grant`,
 * `mfa_required`, …) and the HTTP status of its answer, when known. The classes below that
 * extend it say which endpoint it was.
 *
 * @example
 * ```ts
 * if (err instanceof UpstreamError && err.error === 'invalid_grant') {
 *   // the refresh token or code was used, expired or revoked: sign in again
 * }
 * ```
 */
export abstract class UpstreamError extends Auth0LinkKitError {
  /** The OAuth `error` Auth0 sent, when it sent one. */
  readonly error: string | undefined
  /** The HTTP status Auth0 answered with, when known. */
  readonly upstreamStatus: number | undefined
  constructor(message: string, options?: { cause?: unknown; error?: string; upstreamStatus?: number }) {
    super(message, options)
    this.error = options?.error
    this.upstreamStatus = options?.upstreamStatus
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
export class ConfigurationError extends Auth0LinkKitError {
  static override readonly code = 'configuration_error'
  override readonly name = 'ConfigurationError'
  override readonly code = ConfigurationError.code
  override readonly status = 500
  readonly option: string
  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`${option}: ${message}`, options)
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
export class MissingSessionError extends Auth0LinkKitError {
  static override readonly code = 'missing_session'
  override readonly name = 'MissingSessionError'
  override readonly code = MissingSessionError.code
  override readonly status = 401
}

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
export class MissingTransactionError extends Auth0LinkKitError {
  static override readonly code = 'missing_transaction'
  override readonly name = 'MissingTransactionError'
  override readonly code = MissingTransactionError.code
  override readonly status = 400
}

/**
 * The callback's `state` does not match the stored transaction.
 *
 * @example
 * ```ts
 * if (err instanceof StateMismatchError) console.warn('callback state does not match the stored transaction')
 * ```
 */
export class StateMismatchError extends Auth0LinkKitError {
  static override readonly code = 'state_mismatch'
  override readonly name = 'StateMismatchError'
  override readonly code = StateMismatchError.code
  override readonly status = 400
}

/**
 * The callback or start request is malformed (no `code`, no `connection`, wrong flow, bad `iss`).
 *
 * @example
 * ```ts
 * if (err instanceof InvalidCallbackError) return new Response('Bad callback', { status: 400 })
 * ```
 */
export class InvalidCallbackError extends Auth0LinkKitError {
  static override readonly code = 'invalid_callback'
  override readonly name = 'InvalidCallbackError'
  override readonly code = InvalidCallbackError.code
  override readonly status = 400
}

/**
 * A start request is malformed (for example `/auth/link` without `connection`).
 *
 * @example
 * ```ts
 * const response = await auth.handleLink(new Request('https://app.example.com/auth/link')) // no connection
 * response.status // 400, code invalid_request
 * ```
 */
export class InvalidRequestError extends Auth0LinkKitError {
  static override readonly code = 'invalid_request'
  override readonly name = 'InvalidRequestError'
  override readonly code = InvalidRequestError.code
  override readonly status = 400
}

/**
 * A link, unlink or session-changing request came from another site.
 *
 * @example
 * ```ts
 * if (err instanceof CrossSiteRequestError) console.warn('a link was started from another site', request.headers.get('origin'))
 * ```
 */
export class CrossSiteRequestError extends Auth0LinkKitError {
  static override readonly code = 'cross_site_request'
  override readonly name = 'CrossSiteRequestError'
  override readonly code = CrossSiteRequestError.code
  override readonly status = 403
}

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
export class AuthorizationError extends Auth0LinkKitError {
  static override readonly code = 'authorization_error'
  override readonly name = 'AuthorizationError'
  override readonly code = AuthorizationError.code
  override readonly status = 400
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
export class TokenExchangeError extends UpstreamError {
  static override readonly code = 'token_exchange_failed'
  override readonly name = 'TokenExchangeError'
  override readonly code = TokenExchangeError.code
  override readonly status = 502
}

/**
 * The ID token failed a check: signature, `alg`, `iss`, `aud`, `azp`, `nonce`, `exp`, `iat`.
 *
 * @example
 * ```ts
 * if (err instanceof IdTokenError) console.error('rejected an ID token:', err.message)
 * ```
 */
export class IdTokenError extends Auth0LinkKitError {
  static override readonly code = 'id_token_invalid'
  override readonly name = 'IdTokenError'
  override readonly code = IdTokenError.code
  override readonly status = 502
}

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
export class UserMismatchError extends Auth0LinkKitError {
  static override readonly code = 'user_mismatch'
  override readonly name = 'UserMismatchError'
  override readonly code = UserMismatchError.code
  override readonly status = 403
}

/**
 * A login, link or unlink asked for an organization and the ID token came back without it: no
 * `org_id` equal to the requested id (a value starting `org_`), or no `org_name` equal to the
 * requested name (compared lower-cased). Nothing was written; an existing session is unchanged.
 *
 * @example
 * ```ts
 * if (err instanceof OrganizationMismatchError) {
 *   // the user signed in to another organization (or none): offer to sign in to the right one
 * }
 * ```
 */
export class OrganizationMismatchError extends Auth0LinkKitError {
  static override readonly code = 'organization_mismatch'
  override readonly name = 'OrganizationMismatchError'
  override readonly code = OrganizationMismatchError.code
  override readonly status = 403
}

/**
 * The tenant's discovery document or key set could not be fetched or parsed.
 *
 * @example
 * ```ts
 * if (err instanceof DiscoveryError) console.error('check AUTH0_DOMAIN: discovery failed', err.cause)
 * ```
 */
export class DiscoveryError extends Auth0LinkKitError {
  static override readonly code = 'discovery_failed'
  override readonly name = 'DiscoveryError'
  override readonly code = DiscoveryError.code
  override readonly status = 502
}

/**
 * A call to Auth0 took longer than `httpTimeout`.
 *
 * @example
 * ```ts
 * createAuth({ domain, clientId, clientSecret, secret, httpTimeout: 10_000 }) // wait up to 10 s before TimeoutError
 * ```
 */
export class TimeoutError extends Auth0LinkKitError {
  static override readonly code = 'timeout'
  override readonly name = 'TimeoutError'
  override readonly code = TimeoutError.code
  override readonly status = 504
}

/**
 * The session has no refresh token, so an expired access token cannot be renewed.
 *
 * @example
 * ```ts
 * if (err instanceof MissingRefreshTokenError) return Response.redirect(new URL('/auth/login', request.url), 302)
 * ```
 */
export class MissingRefreshTokenError extends Auth0LinkKitError {
  static override readonly code = 'missing_refresh_token'
  override readonly name = 'MissingRefreshTokenError'
  override readonly code = MissingRefreshTokenError.code
  override readonly status = 401
}

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
export class SessionTooLargeError extends Auth0LinkKitError {
  static override readonly code = 'session_too_large'
  override readonly name = 'SessionTooLargeError'
  override readonly code = SessionTooLargeError.code
  override readonly status = 500
}

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
export class BackchannelLogoutError extends Auth0LinkKitError {
  static override readonly code = 'backchannel_logout_error'
  override readonly name = 'BackchannelLogoutError'
  override readonly code = BackchannelLogoutError.code
  override readonly status = 400
}

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
export class ManagementApiError extends UpstreamError {
  static override readonly code = 'management_api_error'
  override readonly name = 'ManagementApiError'
  override readonly code = ManagementApiError.code
  override readonly status = 502
}

/**
 * Auth0's My Account API refused or failed a connected-accounts call, or the My Account API
 * token could not be obtained (no Multi-Resource Refresh Token policy for
 * `https://<domain>/me/`, MFA required, a revoked refresh token). `upstreamStatus` is the
 * status the API answered with; `error` is the OAuth error of a refused token request.
 *
 * @example
 * ```ts
 * try {
 *   await auth.client.listConnectedAccounts({}, { request, response })
 * } catch (err) {
 *   if (err instanceof MyAccountApiError && err.error === 'mfa_required') {
 *     // the tenant asks for MFA before the My Account API: sign in again with MFA
 *   } else if (err instanceof MyAccountApiError && err.upstreamStatus === 429) {
 *     // rate limited: try again later
 *   }
 * }
 * ```
 */
export class MyAccountApiError extends UpstreamError {
  static override readonly code = 'my_account_api_error'
  override readonly name = 'MyAccountApiError'
  override readonly code = MyAccountApiError.code
  override readonly status = 502
}

/**
 * Token Vault gave no access token for the connection: the user has not connected that
 * account (`error` `federated_connection_refresh_token_not_found`, Auth0 answers 401), the
 * refresh token was refused (`invalid_grant`), or the exchange failed. The session is unchanged.
 *
 * @example
 * ```ts
 * const result = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, { request, response }).catch((err) => {
 *   if (err instanceof ConnectionTokenError && err.upstreamStatus === 401) return undefined // not connected: offer /auth/connect
 *   throw err
 * })
 * ```
 */
export class ConnectionTokenError extends UpstreamError {
  static override readonly code = 'connection_token_error'
  override readonly name = 'ConnectionTokenError'
  override readonly code = ConnectionTokenError.code
  override readonly status = 502
}

/**
 * A session backend (Redis, Workers KV, a database) failed or did not answer. The request is
 * answered 503 and nothing was written; the user's session is still in the backend.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(request).catch((err) => {
 *   if (err instanceof SessionStoreError) return undefined // show the page signed out while Redis is down
 *   throw err
 * })
 * ```
 */
export class SessionStoreError extends Auth0LinkKitError {
  static override readonly code = 'session_store_error'
  override readonly name = 'SessionStoreError'
  override readonly code = SessionStoreError.code
  override readonly status = 503
  /** The backend call that failed, when the backend says (`get`, `put`, `list`, …). */
  readonly operation: string | undefined
  constructor(message: string, options?: { cause?: unknown; operation?: string }) {
    super(message, options)
    this.operation = options?.operation
  }
}

/**
 * A `Host` (or trusted `X-Forwarded-Host`) header that is not a host name, IPv4 or bracketed
 * IPv6 address with an optional port. Adapters answer 400 before any app code runs.
 *
 * @example
 * ```ts
 * try { toRequest(req, res) } catch (err) { if (err instanceof InvalidHostError) res.writeHead(400).end() }
 * ```
 */
export class InvalidHostError extends Auth0LinkKitError {
  static override readonly code = 'invalid_host'
  override readonly name = 'InvalidHostError'
  override readonly code = InvalidHostError.code
  override readonly status = 400
}

/**
 * The tenant's pushed authorization request endpoint (PAR, RFC 9126) refused the authorization
 * parameters, answered invalidly, or could not be reached. Nothing was stored; the user is where
 * they were. `error` is the OAuth error the endpoint sent, when it sent one.
 *
 * @example
 * ```ts
 * if (err instanceof PushedAuthorizationError && err.error === 'invalid_request') {
 *   // Auth0 refused a parameter (an unknown organization, a redirect_uri not in Allowed Callback URLs)
 * }
 * ```
 */
export class PushedAuthorizationError extends UpstreamError {
  static override readonly code = 'pushed_authorization_failed'
  override readonly name = 'PushedAuthorizationError'
  override readonly code = PushedAuthorizationError.code
  override readonly status = 502
}

/**
 * The identity to link already belongs to another Auth0 user: Auth0 signed into a user that
 * holds it as a secondary identity, or a user that owns linked identities of its own (which
 * Auth0 cannot link as a secondary), or the Management API answered 409. Nothing was linked; the
 * session is unchanged.
 *
 * @example
 * ```ts
 * if (err instanceof IdentityAlreadyLinkedError) {
 *   // tell the user this GitHub account is linked to another login; offer to sign in with it instead
 * }
 * ```
 */
export class IdentityAlreadyLinkedError extends Auth0LinkKitError {
  static override readonly code = 'identity_already_linked'
  override readonly name = 'IdentityAlreadyLinkedError'
  override readonly code = IdentityAlreadyLinkedError.code
  override readonly status = 409
}

/**
 * With `linking.strategy: 'tenant-action'`, the tenant came back without linking or unlinking:
 * the ID token lacks the `https://auth0-link-kit.dev/linking` confirmation (or, with
 * `linking.confirm: 'management-api'`, the user's identities did not change). Most likely no
 * post-login Action handles `link_account` on the tenant, so Auth0 treated the request as an
 * ordinary login. Nothing was written; the session is unchanged.
 *
 * @example
 * ```ts
 * if (err instanceof LinkNotAppliedError) {
 *   // install tenant/actions/account-linking.js on the tenant, or use linking: { strategy: 'management-api' }
 * }
 * ```
 */
export class LinkNotAppliedError extends Auth0LinkKitError {
  static override readonly code = 'link_not_applied'
  override readonly name = 'LinkNotAppliedError'
  override readonly code = LinkNotAppliedError.code
  override readonly status = 502
}

/**
 * The app's `onLink` or `onUnlink` hook threw. Auth0 had **already** linked (or unlinked) the
 * identity when the hook ran, so the account did change; `cause` is the hook's error and
 * `identity` the identity concerned, so the app can repair its own data.
 *
 * @example
 * ```ts
 * if (err instanceof LinkHookError) {
 *   console.error(`Auth0 linked ${err.identity.connection}, but moving our data failed`, err.cause)
 * }
 * ```
 */
export class LinkHookError extends Auth0LinkKitError {
  static override readonly code = 'link_hook_failed'
  override readonly name = 'LinkHookError'
  override readonly code = LinkHookError.code
  override readonly status = 500
  /** The identity Auth0 linked or unlinked before the hook failed. */
  readonly identity: { connection: string; provider: string; userId: string }
  constructor(message: string, options: { cause?: unknown; identity: { connection: string; provider: string; userId: string } }) {
    super(message, { cause: options.cause })
    this.identity = options.identity
  }
}

/**
 * A suggested account can no longer be linked: it was deleted, or linked into another user,
 * since it was suggested (or it was never one of this user's suggestions). Nothing was changed
 * at Auth0; the session is untouched. Fetch the suggestions again.
 *
 * @example
 * ```ts
 * if (err instanceof SuggestionUnavailableError) return Response.redirect(new URL('/account', request.url), 303)
 * ```
 */
export class SuggestionUnavailableError extends Auth0LinkKitError {
  static override readonly code = 'suggestion_unavailable'
  override readonly name = 'SuggestionUnavailableError'
  override readonly code = SuggestionUnavailableError.code
  override readonly status = 409
}

/**
 * Linking a suggestion came back signed in as another account than the one suggested (another
 * Google account, say). Nothing was linked; the session is untouched.
 *
 * @example
 * ```ts
 * if (err instanceof SuggestionMismatchError) console.warn('signed into a different account than the suggested one')
 * ```
 */
export class SuggestionMismatchError extends Auth0LinkKitError {
  static override readonly code = 'suggestion_mismatch'
  override readonly name = 'SuggestionMismatchError'
  override readonly code = SuggestionMismatchError.code
  override readonly status = 403
}

/**
 * The metadata merge before a link failed: the `mergeMetadata` hook threw, or Auth0 refused the
 * `PATCH /api/v2/users/{primary}` (`upstreamStatus`; a 403 means the grant lacks `update:users`).
 * Nothing was linked; the session is untouched.
 *
 * @example
 * ```ts
 * if (err instanceof MetadataMergeError && err.upstreamStatus === 403) console.error('grant update:users to the app')
 * ```
 */
export class MetadataMergeError extends UpstreamError {
  static override readonly code = 'metadata_merge_failed'
  override readonly name = 'MetadataMergeError'
  override readonly code = MetadataMergeError.code
  override readonly status = 502
}

/**
 * Every error this library throws, as a discriminated union on `code`.
 *
 * @example
 * ```ts
 * function retryable(error: AnyAuth0LinkKitError): boolean {
 *   switch (error.code) {
 *     case 'timeout':
 *     case 'session_store_error':
 *       return true
 *     case 'token_exchange_failed':
 *       return error.error !== 'invalid_grant' // narrowed to TokenExchangeError
 *     default:
 *       return false
 *   }
 * }
 * ```
 */
export type AnyAuth0LinkKitError =
  | ConfigurationError
  | MissingSessionError
  | MissingTransactionError
  | StateMismatchError
  | InvalidCallbackError
  | InvalidRequestError
  | CrossSiteRequestError
  | AuthorizationError
  | TokenExchangeError
  | IdTokenError
  | UserMismatchError
  | OrganizationMismatchError
  | DiscoveryError
  | TimeoutError
  | MissingRefreshTokenError
  | SessionTooLargeError
  | BackchannelLogoutError
  | ManagementApiError
  | MyAccountApiError
  | ConnectionTokenError
  | SessionStoreError
  | InvalidHostError
  | PushedAuthorizationError
  | IdentityAlreadyLinkedError
  | LinkNotAppliedError
  | LinkHookError
  | SuggestionUnavailableError
  | SuggestionMismatchError
  | MetadataMergeError

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
export type Auth0LinkKitErrorCode = AnyAuth0LinkKitError['code']
