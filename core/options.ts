/**
 * @module The options of `createAuth` and `ServerClient`, as users write them. Validation and
 * defaults live in `config.ts`; nothing here runs.
 */

import type { JWK } from 'jose'
import type { CookieOptions } from './cookies/cookie-options.js'
import type { DpopKeyPair } from './dpop.js'
import type { SessionData, UserClaims } from './session.js'
import type { FlowKind, StateStore, StateStoreFactory, TransactionStore, TransactionStoreFactory } from './stores.js'

export type { CookieOptions } from './cookies/cookie-options.js'

/**
 * Parameters sent to Auth0's `/authorize`. Known keys are typed; any other key is passed through
 * as a string. `undefined` values are ignored (they remove nothing from the global set).
 *
 * @example
 * ```ts
 * const params: AuthorizationParameters = { audience: 'https://api.example.com', prompt: 'login', ui_locales: 'de' }
 * const url = await client.startInteractiveLogin({ authorizationParams: params }, { request, response })
 * ```
 */
export interface AuthorizationParameters {
  audience?: string
  scope?: string
  redirect_uri?: string
  prompt?: string
  max_age?: number
  /** An Auth0 organization id (`org_…`) or name; the ID token must come back for it. */
  organization?: string
  /** An organization invitation ticket; only together with `organization`. */
  invitation?: string
  screen_hint?: string
  ui_locales?: string
  login_hint?: string
  connection?: string
  [key: string]: string | number | boolean | undefined
}

/**
 * Paths of the built-in handlers (absolute paths on the app's origin).
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, routes: { login: '/signin', callback: '/signin/callback' } })
 * ```
 */
export interface Routes {
  login: string
  callback: string
  logout: string
  link: string
  unlink: string
  profile: string
  accessToken: string
  backchannelLogout: string
  /** Answered only when `identities.enabled` is on (see {@link IdentitiesRouteOptions}). */
  identities: string
  /** Starts connecting an account (Connected Accounts); only with `connectedAccounts.enabled`. */
  connect: string
  /** `GET` → `{ connectedAccounts }`; only with `connectedAccounts.enabled`. */
  connectedAccounts: string
  /** `POST` form `id` or `connection`: disconnects; only with `connectedAccounts.enabled`. */
  disconnect: string
  /** `GET ?connection=` → `{ token, expiresAt, scope }`; only with `connectedAccounts.connectionTokenRoute`. */
  connectionToken: string
}

/**
 * Session lifetime settings, in seconds.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, session: { rolling: true, inactivityDuration: 60 * 60, absoluteDuration: 7 * 24 * 60 * 60 } })
 * ```
 */
export interface SessionOptions {
  /** Extend the session on activity, up to `absoluteDuration`. Default `true`. */
  rolling?: boolean
  /** Seconds of inactivity after which a rolling session ends. Default 1 day. */
  inactivityDuration?: number
  /** Seconds after sign-in after which the session ends regardless. Default 3 days. */
  absoluteDuration?: number
  /**
   * Largest encrypted session, in characters, the cookie store writes (default 14,000: four
   * cookies). Every request carries it, and past Node's 16 KB header limit (8 KB behind many
   * proxies) the server refuses the user's every request, logout included, so a larger session
   * fails with `SessionTooLargeError` instead of locking the user out. Trim claims in
   * `beforeSessionSaved` or use a stateful store.
   */
  maxCookieSize?: number
  cookie?: CookieOptions
}

/**
 * The Auth0 Management API client behind `getIdentities` and the identities route. It asks for a
 * client-credentials token for `audience`, so the client needs a grant for the Management API
 * with the `read:users` permission (Auth0 dashboard → Applications → APIs → Auth0 Management API).
 *
 * @example
 * ```ts
 * const auth = createAuth({
 *   domain: 'login.example.com', // a custom domain: the Management API stays on the tenant domain
 *   clientId, clientSecret, secret, appBaseUrl,
 *   managementApi: { audience: 'https://example.eu.auth0.com/api/v2/', clientId: m2mId, clientSecret: m2mSecret },
 * })
 * ```
 */
export interface ManagementApiOptions {
  /** The Management API identifier, also its base URL. Default `https://<domain>/api/v2/`. */
  audience?: string
  /** A machine-to-machine client for the Management API. Default: the app's own `clientId`. */
  clientId?: string
  /** Required with `clientId`. Default: the app's own client authentication. */
  clientSecret?: string
}

/**
 * Turns on the JSON route at `routes.identities` (default `/auth/identities`): `GET` answers the
 * signed-in user's linked identities (`{ identities: Identity[] }`), 401 when signed out. Off by
 * default because every call costs a Management API request and needs the `read:users` grant.
 *
 * @example
 * ```ts
 * const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl, identities: { enabled: true } })
 * // in the browser: const { identities } = await (await fetch('/auth/identities')).json()
 * ```
 */
export interface IdentitiesRouteOptions {
  enabled?: boolean
}

/**
 * Connected Accounts (Auth0's My Account API) and Token Vault routes. `enabled` answers
 * `routes.connect` (`/auth/connect?connection=&scopes=&returnTo=`, GET or POST form),
 * `routes.connectedAccounts` (`GET` → `{ connectedAccounts }`) and `routes.disconnect` (`POST`
 * form `id` or `connection`). `connectionTokenRoute` answers `routes.connectionToken`
 * (`GET ?connection=` → `{ token, expiresAt, scope }`): it hands a provider's access token to
 * the browser, so it is off unless asked for. The programmatic methods work without either.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, connectedAccounts: { enabled: true } })
 * // <a href="/auth/connect?connection=google-oauth2&scopes=https://www.googleapis.com/auth/calendar.readonly">Connect Google Calendar</a>
 * ```
 */
export interface ConnectedAccountsOptions {
  enabled?: boolean
  connectionTokenRoute?: boolean
}

/**
 * What `onError` may return: a `Response` to send instead of the built-in error page.
 *
 * @example
 * ```ts
 * const onError: ErrorHook = (error, request) => {
 *   console.error(new URL(request.url).pathname, error)
 *   return Response.redirect(new URL('/problem', request.url), 302)
 * }
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only logs returns nothing, and that must type-check
export type ErrorHook = (error: Error, request: Request) => Response | void | Promise<Response | void>

/**
 * Called before a new or updated session is stored; return the session to store (for example
 * with claims filtered out to keep the cookie small).
 *
 * @example
 * ```ts
 * const beforeSessionSaved: BeforeSessionSavedHook = (session) => ({
 *   ...session,
 *   user: { sub: session.user.sub, name: session.user.name, email: session.user.email },
 * })
 * ```
 */
export type BeforeSessionSavedHook = (session: SessionData, idTokenClaims: UserClaims) => SessionData | Promise<SessionData>

/**
 * What `onCallback` is told about a callback: the flow, its `appState` and the stored session
 * when it succeeded; the error (and the flow and `appState`, when the transaction was found)
 * when it failed.
 *
 * @example
 * ```ts
 * const onCallback: CallbackHook = ({ error, flow, session }) => {
 *   if (error) return undefined // the built-in error page
 *   if (flow === 'link') audit.log('linked', session.user.sub)
 *   return undefined // the built-in redirect to returnTo
 * }
 * ```
 */
export type CallbackContext =
  | { flow: FlowKind; appState: unknown; session: SessionData; error: undefined; request: Request }
  | { flow: FlowKind | undefined; appState: unknown; session: undefined; error: Error; request: Request }

/**
 * Called by the callback handler once the callback's outcome is known (not when a signed-out
 * link goes on to Auth0). A returned `Response` replaces the built-in redirect or error answer;
 * the session cookie the callback wrote (and the used transaction's deletion) is added to it,
 * with `cache-control: no-store`. Nothing returned keeps the built-in answer.
 *
 * @example
 * ```ts
 * const onCallback: CallbackHook = ({ error, request }) =>
 *   error ? Response.redirect(new URL(`/signin-failed?code=${(error as Auth0LinkKitError).code}`, request.url), 302) : undefined
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes returns nothing, and that must type-check
export type CallbackHook = (context: CallbackContext) => Response | void | Promise<Response | void>

/**
 * Picks the Auth0 domain for a request, for an app served under several custom domains (one per
 * brand or region, all of one tenant). It must map the request to one of **your** domains (an
 * allowlist), never echo its `Host` header: whatever it returns, this app fetches discovery from.
 *
 * @example
 * ```ts
 * const DOMAINS: Record<string, string> = { 'shop.brand-a.com': 'login.brand-a.com', 'shop.brand-b.com': 'login.brand-b.com' }
 * const domain: DomainResolver = ({ request }) => {
 *   const auth0Domain = DOMAINS[new URL(request.url).host]
 *   if (!auth0Domain) throw new InvalidHostError('Not one of our shops')
 *   return auth0Domain
 * }
 * ```
 */
export type DomainResolver = (context: { request: Request }) => string | Promise<string>

/**
 * Options for {@link createAuth} and {@link ServerClient}.
 *
 * @example
 * ```ts
 * const auth = createAuth({
 *   domain: 'example.eu.auth0.com',
 *   clientId: '…',
 *   clientSecret: '…',
 *   secret: '…at least 32 characters…',
 *   appBaseUrl: 'https://app.example.com',
 *   authorizationParams: { audience: 'https://api.example.com', scope: 'openid profile email offline_access' },
 * })
 * ```
 */
export interface AuthOptions {
  /**
   * Tenant domain (`tenant.eu.auth0.com`, a custom domain) or a full `https://` origin; or a
   * {@link DomainResolver} choosing one per request (multiple custom domains): each domain gets
   * its own discovery and keys, and sessions and transactions are bound to the domain they were
   * made under.
   */
  domain: string | DomainResolver
  clientId: string
  clientSecret?: string
  /**
   * A private key for `private_key_jwt` client authentication instead of `clientSecret`: a
   * CryptoKey, a PKCS#8 PEM string (`-----BEGIN PRIVATE KEY-----`), or a private JWK (its `kid`
   * is sent). Checked at construction; a PEM or JWK is imported once, on first use.
   */
  clientAssertionSigningKey?: CryptoKey | string | JWK
  /** The assertion's JWS algorithm; default `RS256`. Auth0 accepts `RS256`, `RS384` and `PS256`. */
  clientAssertionSigningAlg?: string
  /** At least 32 characters; an array rotates secrets (the first encrypts, all decrypt). */
  secret: string | readonly string[]
  /** The app's origin; derived from each request when omitted. */
  appBaseUrl?: string
  /** Honour `X-Forwarded-Proto` / `X-Forwarded-Host` when deriving the app origin. Default `false`. */
  trustProxy?: boolean
  /** Global `/authorize` parameters; per-call ones override them key by key. */
  authorizationParams?: AuthorizationParameters
  routes?: Partial<Routes>
  session?: SessionOptions
  transactionCookie?: TransactionCookieOptions
  /** Where transactions live between `/authorize` and the callback; default one encrypted cookie per `state`. */
  transactionStore?: TransactionStore | TransactionStoreFactory
  /** Where sessions live; default an encrypted cookie. Pass a factory such as `statefulStateStore(backend)`. */
  stateStore?: StateStore | StateStoreFactory
  /** The fetch used for every call to Auth0. */
  fetch?: typeof fetch
  /** Milliseconds before a call to Auth0 is abandoned with `TimeoutError`. Default 5000. */
  httpTimeout?: number
  /**
   * Send `Auth0-Client` (base64url JSON of this SDK's name and version and the runtime's, as
   * Auth0's SDKs do) on every call to Auth0. No user data is in it. Default `true`.
   */
  enableTelemetry?: boolean
  beforeSessionSaved?: BeforeSessionSavedHook
  /** Sees every callback's outcome and may answer it with a `Response` of its own. */
  onCallback?: CallbackHook
  onError?: ErrorHook
  /** Where `getIdentities` reads users from; defaults to the tenant's Management API with the app's credentials. */
  managementApi?: ManagementApiOptions
  /** The `/auth/identities` route; off unless `enabled`. */
  identities?: IdentitiesRouteOptions
  /** The connected-accounts routes (`/auth/connect`, …) and the connection-token route; off unless asked for. */
  connectedAccounts?: ConnectedAccountsOptions
  /**
   * Send the authorization parameters of login, link and unlink to the tenant's pushed
   * authorization request endpoint (PAR, RFC 9126) over the back channel, so the browser's
   * `/authorize` URL carries only `client_id` and `request_uri`. Per-call options override it.
   * A tenant without a PAR endpoint fails the first start with `ConfigurationError`. Default `false`.
   */
  pushedAuthorizationRequests?: boolean
  /**
   * Sender-constrain tokens with DPoP (RFC 9449): the code exchange, refreshes and PAR carry
   * proofs signed with this key pair (ES256 for Auth0), and a `use_dpop_nonce` challenge is
   * answered once. Auth0 then issues DPoP-bound access tokens (`tokenType: 'DPoP'` from
   * `getAccessToken`); `client.createDpopProof()` makes the proof for each API call.
   */
  dpop?: DpopKeyPair
  /**
   * The Auth0 organization (id `org_…` or name) every login asks for, the same as
   * `authorizationParams.organization`; per-call parameters and `/auth/login?organization=`
   * override it. The ID token must carry it (`org_id`, or `org_name` compared lower-cased), or
   * the callback fails with `OrganizationMismatchError`.
   */
  organization?: string
}

/**
 * Attributes of the transaction cookies (`<prefix>.<state>`, one per flow in progress).
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, transactionCookie: { prefix: '__Host-tx', maxAge: 15 * 60 } })
 * ```
 */
export interface TransactionCookieOptions extends Omit<CookieOptions, 'name'> {
  /** Cookie name prefix; each transaction is `<prefix>.<state>`. Default `__a0_tx`. */
  prefix?: string
  /** Seconds a started flow may take to come back. Default 1 hour. */
  maxAge?: number
  /** Transactions kept at once; starting one more drops the oldest. Default 5. */
  maxCount?: number
}

/**
 * The `scope` login asks for unless `authorizationParams.scope` says otherwise.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, authorizationParams: { scope: `${DEFAULT_SCOPE} read:calendar` } })
 * ```
 */
export const DEFAULT_SCOPE = 'openid profile email offline_access'

/**
 * Where the handlers answer unless `routes` moves them; `identities` only with `identities.enabled`,
 * the connected-accounts routes only with `connectedAccounts` turned on.
 *
 * @example
 * ```ts
 * const loginUrl = new URL(DEFAULT_ROUTES.login, 'https://app.example.com') // https://app.example.com/auth/login
 * ```
 */
export const DEFAULT_ROUTES: Readonly<Routes> = Object.freeze({
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  link: '/auth/link',
  unlink: '/auth/unlink',
  profile: '/auth/profile',
  accessToken: '/auth/access-token',
  backchannelLogout: '/auth/backchannel-logout',
  identities: '/auth/identities',
  connect: '/auth/connect',
  connectedAccounts: '/auth/connected-accounts',
  disconnect: '/auth/disconnect',
  connectionToken: '/auth/connection-token',
})
