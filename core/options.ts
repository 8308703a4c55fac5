/**
 * @module The options of `createAuth` and `ServerClient`, as users write them. Validation and
 * defaults live in `config.ts`; nothing here runs.
 */

import type { JWK } from 'jose'
import type { CookieOptions } from './cookies/cookie-options.js'
import type { DpopKeyPair } from './dpop.js'
import type { MergeMetadata } from './metadata-merge.js'
import type { SessionData, UserClaims } from './session.js'
import type { FlowKind, StateStore, StateStoreFactory, TransactionStore, TransactionStoreFactory } from './stores.js'
import type { LinkSuggestionsOptions } from './suggestions.js'

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
 * Paths of the built-in handlers (absolute paths on the app's origin): one per route of the
 * route table, keyed as {@link DEFAULT_ROUTES} is.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, routes: { login: '/signin', callback: '/signin/callback' } })
 * ```
 */
export type Routes = { -readonly [K in keyof typeof DEFAULT_ROUTES]: string }

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
   * Largest encrypted session, in characters, the cookie store writes (default 6,000: two
   * cookies, leaving room for a flow's transaction cookie within the kit's 8 KB). Every request
   * carries it, and past Node's 16 KB header limit (8 KB behind many proxies) the server refuses
   * the user's every request, logout included. Cached access tokens are dropped (oldest first)
   * to fit; a session still larger fails with `SessionTooLargeError` instead of locking the
   * user out. Trim claims in `beforeSessionSaved` or use a stateful store.
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
 * What `/auth/access-token` answers. The route hands an access token to the browser's scripts,
 * so it answers only the audiences listed here, with at most the scope listed for each; by
 * default, only the configured `authorizationParams.audience` with the configured scope. The My
 * Account API's audience is never answered. `getAccessToken` on the server is not limited.
 *
 * @example
 * ```ts
 * const auth = createAuth({
 *   ...options,
 *   authorizationParams: { audience: 'https://api.example.com', scope: 'openid profile offline_access read:orders' },
 *   // the browser may also fetch a token for the billing API, with read:invoices only
 *   accessTokenRoute: { allow: [{ audience: 'https://api.example.com', scope: 'read:orders' }, { audience: 'https://billing.example.com', scope: 'read:invoices' }] },
 * })
 * ```
 */
export interface AccessTokenRouteOptions {
  /** Audiences (and the space-separated scopes each may be asked with); replaces the default. */
  allow?: Array<{ audience: string; scope?: string }>
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
 * One identity as the kit reports a link or unlink: `userId` is `identities[].user_id` (without
 * the `provider|` prefix).
 *
 * @example
 * ```ts
 * const { identity } = await auth.client.completeLinkUser(request.url, { request, response })
 * if (identity) console.log(`linked ${identity.connection} (${identity.provider}|${identity.userId})`)
 * ```
 */
export interface LinkedIdentity {
  connection: string
  provider: string
  userId: string
}

/**
 * How links and unlinks are applied (DESIGN §15).
 * - `'management-api'` (default): the user signs into the identity to link; the kit verifies
 *   that sign-in and links it through the Management API (`read:users`, `update:users` for the
 *   app's client, or `managementApi.clientId`). Needs no Action on the tenant.
 * - `'tenant-action'`: the `link_account` / `unlink_account` protocol, applied by a post-login
 *   Action on the tenant (the kit's own is `tenant/actions/account-linking.js`). Completion
 *   requires the Action's confirmation, else `LinkNotAppliedError`.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, linking: { strategy: 'management-api', maxAge: 300 } })
 * ```
 */
export interface LinkingOptions {
  /** Default `'management-api'`; env `AUTH0_LINK_STRATEGY`. */
  strategy?: 'management-api' | 'tenant-action'
  /**
   * Seconds a sign-in stays fresh enough to link without signing the primary in again
   * (`'management-api'` only). Default 600.
   */
  maxAge?: number
  /**
   * How a `'tenant-action'` completion is confirmed: `'claim'` (default) requires the Action's
   * `https://auth0-link-kit.dev/linking` ID-token claim; `'management-api'` compares the user's
   * identities read at the start with those after (for a tenant running another Action; needs `read:users`).
   */
  confirm?: 'claim' | 'management-api'
}

/**
 * What `onLink` and `onUnlink` are told once Auth0 confirmed the change: the signed-in user,
 * the other side (`sub` is the secondary's user id before the link, or the new user Auth0 made
 * of an unlinked identity), and the request.
 *
 * @example
 * ```ts
 * const onLink: LinkHook = async ({ primary, secondary }) => {
 *   await db.orders.updateMany({ owner: secondary.sub }, { owner: primary.sub }) // move our own data
 * }
 * ```
 */
export interface LinkHookContext {
  primary: { sub: string }
  secondary: LinkedIdentity & { sub: string }
  request: Request
}

/**
 * Runs after Auth0 linked (`onLink`) or unlinked (`onUnlink`) an identity. A hook that throws
 * fails the call with `LinkHookError`, whose message says Auth0 already made the change.
 *
 * @example
 * ```ts
 * const onUnlink: LinkHook = ({ primary, secondary }) => audit.log('unlinked', primary.sub, secondary.connection)
 * ```
 */
export type LinkHook = (context: LinkHookContext) => void | Promise<void>

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
  /** How links and unlinks are applied; default `{ strategy: 'management-api', maxAge: 600 }` (DESIGN §15). */
  linking?: LinkingOptions
  /** Runs after Auth0 linked an identity (e.g. to move the app's data keyed by the secondary's `sub`). */
  onLink?: LinkHook
  /** Runs after Auth0 unlinked an identity. */
  onUnlink?: LinkHook
  /** Where `getIdentities` reads users from; defaults to the tenant's Management API with the app's credentials. */
  managementApi?: ManagementApiOptions
  /** The `/auth/identities` route; off unless `enabled`. */
  identities?: IdentitiesRouteOptions
  /** The connected-accounts routes (`/auth/connect`, …) and the connection-token route; off unless asked for. */
  connectedAccounts?: ConnectedAccountsOptions
  /** The audiences and scopes `/auth/access-token` answers; default the configured audience and scope only. */
  accessTokenRoute?: AccessTokenRouteOptions
  /** Suggested linking: other accounts with the user's verified email, and where "Not me" is remembered. */
  suggestions?: LinkSuggestionsOptions
  /**
   * Runs before Auth0 links two users and returns what to `PATCH` onto the primary (Auth0
   * discards the secondary's metadata). Default `defaultMergeMetadata`: the secondary's
   * `user_metadata` keys the primary lacks are added; `false` turns the merge off.
   */
  mergeMetadata?: MergeMetadata | false
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
   * `authorizationParams.organization`. It cannot be replaced: a per-call parameter or
   * `/auth/login?organization=` naming another one is refused (`InvalidRequestError`, 400). The
   * ID token must carry it (`org_id`, or `org_name` compared lower-cased), or the callback fails
   * with `OrganizationMismatchError`.
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
 * the connected-accounts routes only with `connectedAccounts` turned on. Each key names one route
 * of the route table (`core/handlers/index.ts`, which is typed over these keys) and its `handle…`
 * member on `Auth`; {@link Routes} is derived from it, so a route's name and default path are
 * written here once.
 *
 * @example
 * ```ts
 * const loginUrl = new URL(DEFAULT_ROUTES.login, 'https://app.example.com') // https://app.example.com/auth/login
 * ```
 */
export const DEFAULT_ROUTES = Object.freeze({
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  link: '/auth/link',
  unlink: '/auth/unlink',
  profile: '/auth/profile',
  accessToken: '/auth/access-token',
  backchannelLogout: '/auth/backchannel-logout',
  /** Answered only when `identities.enabled` is on (see {@link IdentitiesRouteOptions}). */
  identities: '/auth/identities',
  /** Starts connecting an account (Connected Accounts); only with `connectedAccounts.enabled`. */
  connect: '/auth/connect',
  /** `GET` → `{ connectedAccounts }`; only with `connectedAccounts.enabled`. */
  connectedAccounts: '/auth/connected-accounts',
  /** `POST` form `id` or `connection`: disconnects; only with `connectedAccounts.enabled`. */
  disconnect: '/auth/disconnect',
  /** `GET ?connection=` → `{ token, expiresAt, scope }`; only with `connectedAccounts.connectionTokenRoute`. */
  connectionToken: '/auth/connection-token',
  /** `GET` → `{ suggestions }` (same-origin only); only with `suggestions.enabled`. */
  linkSuggestions: '/auth/link-suggestions',
  /** `POST` form `userId` (a suggestion's masked id): "Not me"; only with `suggestions.enabled`. */
  declineLinkSuggestion: '/auth/link-suggestions/decline',
})
