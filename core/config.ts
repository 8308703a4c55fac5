import { ConfigurationError } from './errors.js'
import type { StateStore, TransactionStore } from './stores.js'
import type { ManagementApiSettings } from './management-api.js'
import type { SessionData, UserClaims } from './session.js'

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
  organization?: string
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
}

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
  /** Tenant domain (`tenant.eu.auth0.com`, a custom domain) or a full `https://` origin. */
  domain: string
  clientId: string
  clientSecret?: string
  /** A private key for `private_key_jwt` client authentication instead of `clientSecret`. */
  clientAssertionSigningKey?: CryptoKey
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
  transactionCookie?: CookieOptions & { maxAge?: number; maxCount?: number }
  transactionStore?: TransactionStore
  stateStore?: StateStore
  /** The fetch used for every call to Auth0. */
  fetch?: typeof fetch
  /** Milliseconds before a call to Auth0 is abandoned with `TimeoutError`. Default 5000. */
  httpTimeout?: number
  beforeSessionSaved?: BeforeSessionSavedHook
  onError?: ErrorHook
  /** Where `getIdentities` reads users from; defaults to the tenant's Management API with the app's credentials. */
  managementApi?: ManagementApiOptions
  /** The `/auth/identities` route; off unless `enabled`. */
  identities?: IdentitiesRouteOptions
}

/**
 * The validated, defaulted configuration every part of the core reads.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ domain, clientId, clientSecret, secret })
 * config.issuer.href // 'https://example.eu.auth0.com/'
 * ```
 */
export interface ResolvedConfig {
  issuer: URL
  /** Plain http is allowed only for loopback issuers (the emulator, local tests). */
  allowInsecureIssuer: boolean
  clientId: string
  clientSecret: string | undefined
  clientAssertionSigningKey: CryptoKey | undefined
  secrets: readonly string[]
  appBaseUrl: URL | undefined
  trustProxy: boolean
  authorizationParams: AuthorizationParameters
  routes: Routes
  session: {
    rolling: boolean
    inactivityDuration: number
    absoluteDuration: number
    maxCookieSize: number
    cookieName: string
    cookie: CookieOptions
  }
  transaction: { cookiePrefix: string; cookie: CookieOptions; maxAge: number; maxCount: number }
  /** The `fetch` option, or the global one. */
  fetch: typeof fetch
  httpTimeout: number
  beforeSessionSaved: BeforeSessionSavedHook | undefined
  onError: ErrorHook | undefined
  managementApi: ManagementApiSettings
  identitiesRoute: boolean
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
 * Where the handlers answer unless `routes` moves them; `identities` only with `identities.enabled`.
 *
 * @example
 * ```ts
 * const loginUrl = new URL(DEFAULT_ROUTES.login, 'https://app.example.com') // https://app.example.com/auth/login
 * ```
 */
export const DEFAULT_ROUTES: Routes = {
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  link: '/auth/link',
  unlink: '/auth/unlink',
  profile: '/auth/profile',
  accessToken: '/auth/access-token',
  backchannelLogout: '/auth/backchannel-logout',
  identities: '/auth/identities',
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for `http://localhost`, `http://127.0.0.1` and `http://[::1]` on any port. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname)
}

function requireString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(option, 'is required and must be a non-empty string')
  }
  return value.trim()
}

function parseIssuer(domain: string): { issuer: URL; allowInsecureIssuer: boolean } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ConfigurationError('domain', 'is not a valid host name or URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new ConfigurationError('domain', 'must use https (plain http is allowed only for loopback hosts)')
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigurationError('domain', 'must be a host name or an origin, without path, query or credentials')
  }
  // Auth0 issuers are the origin with a trailing slash; discovery compares them exactly.
  return { issuer: new URL(`${url.origin}/`), allowInsecureIssuer: url.protocol === 'http:' }
}

function parseAppBaseUrl(value: string | undefined): URL | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigurationError('appBaseUrl', 'is not an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('appBaseUrl', 'must be an http(s) URL')
  }
  return new URL(url.origin)
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(option, 'must be a positive number')
  return value
}

function parseRoutes(routes: Partial<Routes> | undefined): Routes {
  const resolved = { ...DEFAULT_ROUTES, ...routes }
  for (const [key, path] of Object.entries(resolved)) {
    if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
      throw new ConfigurationError(`routes.${key}`, 'must be an absolute path such as /auth/login')
    }
  }
  return resolved
}

function parseManagementApi(options: ManagementApiOptions | undefined, issuer: URL): ManagementApiSettings {
  let audience = new URL('api/v2/', issuer)
  if (options?.audience !== undefined) {
    try {
      audience = new URL(options.audience)
    } catch {
      throw new ConfigurationError('managementApi.audience', 'is not an absolute URL')
    }
    if (audience.protocol !== 'https:' && !(audience.protocol === 'http:' && isLoopback(audience))) {
      throw new ConfigurationError('managementApi.audience', 'must use https (plain http is allowed only for loopback hosts)')
    }
    // Relative paths like users/{id} resolve below the audience only when it ends with a slash.
    if (!audience.pathname.endsWith('/')) audience = new URL(`${audience.href}/`)
  }
  if (options?.clientId === undefined) {
    if (options?.clientSecret !== undefined) throw new ConfigurationError('managementApi.clientId', 'is required with managementApi.clientSecret')
    return { audience, client: undefined }
  }
  return {
    audience,
    client: {
      clientId: requireString(options.clientId, 'managementApi.clientId'),
      clientSecret: requireString(options.clientSecret, 'managementApi.clientSecret'),
    },
  }
}

/**
 * Validates options once, at construction, so a misconfiguration fails fast and names itself.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ domain: 'example.eu.auth0.com', clientId, clientSecret, secret })
 * config.routes.callback // '/auth/callback'
 * ```
 */
export function resolveConfig(options: AuthOptions): ResolvedConfig {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options', 'must be an object')
  }
  const domain = requireString(options.domain, 'domain')
  const clientId = requireString(options.clientId, 'clientId')
  if (options.clientSecret === undefined && options.clientAssertionSigningKey === undefined) {
    throw new ConfigurationError('clientSecret', 'is required (or pass clientAssertionSigningKey)')
  }
  const clientSecret = options.clientSecret === undefined ? undefined : requireString(options.clientSecret, 'clientSecret')
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigurationError('secret', 'is required')
  }
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 32) {
      throw new ConfigurationError('secret', 'must be at least 32 characters long')
    }
  }
  // Looked up per call, not captured here: test tools (MSW, nock) patch the global fetch after an
  // app module has already created its auth instance.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  if (typeof fetchImpl !== 'function') throw new ConfigurationError('fetch', 'must be a function')
  const { issuer, allowInsecureIssuer } = parseIssuer(domain)
  const sessionCookie = options.session?.cookie ?? {}
  const txCookie = options.transactionCookie ?? {}
  return {
    issuer,
    allowInsecureIssuer,
    clientId,
    clientSecret,
    clientAssertionSigningKey: options.clientAssertionSigningKey,
    secrets: [...secrets],
    appBaseUrl: parseAppBaseUrl(options.appBaseUrl),
    trustProxy: options.trustProxy === true,
    authorizationParams: { ...options.authorizationParams },
    routes: parseRoutes(options.routes),
    session: {
      rolling: options.session?.rolling ?? true,
      inactivityDuration: positive(options.session?.inactivityDuration, 24 * 60 * 60, 'session.inactivityDuration'),
      absoluteDuration: positive(options.session?.absoluteDuration, 3 * 24 * 60 * 60, 'session.absoluteDuration'),
      maxCookieSize: positive(options.session?.maxCookieSize, 14_000, 'session.maxCookieSize'),
      cookieName: sessionCookie.name ?? '__session',
      cookie: sessionCookie,
    },
    transaction: {
      cookiePrefix: txCookie.name ?? '__a0_tx',
      cookie: txCookie,
      maxAge: positive(txCookie.maxAge, 60 * 60, 'transactionCookie.maxAge'),
      maxCount: positive(txCookie.maxCount, 5, 'transactionCookie.maxCount'),
    },
    fetch: fetchImpl,
    httpTimeout: positive(options.httpTimeout, 5000, 'httpTimeout'),
    beforeSessionSaved: options.beforeSessionSaved,
    onError: options.onError,
    managementApi: parseManagementApi(options.managementApi, issuer),
    identitiesRoute: options.identities?.enabled === true,
  }
}
