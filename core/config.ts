/**
 * @module Options validated once, at construction, into the resolved configuration every part of
 * the core reads. A misconfiguration fails here with a `ConfigurationError` naming the option.
 */

import { type ClientAssertionKey, parseClientAssertionKey } from './client-assertion.js'
import { type DpopKeyPair, parseDpopKeyPair } from './dpop.js'
import { ConfigurationError } from './errors.js'
import { isOrganization } from './flows/organization.js'
import type { HttpSettings } from './http.js'
import {
  type AuthOptions,
  type AuthorizationParameters,
  type BeforeSessionSavedHook,
  type CallbackHook,
  type CookieOptions,
  DEFAULT_ROUTES,
  type DomainResolver,
  type ErrorHook,
  type LinkHook,
  type LinkingOptions,
  type ManagementApiOptions,
  type Routes,
} from './options.js'
import type { StoreConfig } from './stores.js'
import { withTelemetry } from './telemetry.js'
import { isLoopback } from './urls.js'

/**
 * Where the Management API is and which client asks it, resolved from `managementApi` options.
 */
export interface ManagementApiSettings {
  /**
   * The API identifier and, as with Auth0's own API, its base URL (`https://<domain>/api/v2/`);
   * `undefined` with a domain resolver and no `managementApi.audience`: each domain's own.
   */
  audience: URL | undefined
  /** A separate client for the Management API; `undefined` means the app's own credentials. */
  client: { clientId: string; clientSecret: string } | undefined
}

/** How the app authenticates to the token endpoint. */
export type ClientAuthentication =
  | { method: 'client_secret_post'; clientSecret: string }
  | { method: 'private_key_jwt'; key: ClientAssertionKey }

/** The validated, defaulted configuration every part of the core reads. Internal. */
export interface ResolvedConfig extends StoreConfig {
  /** The tenant's issuer; `undefined` when `domainResolver` picks one per request. */
  issuer: URL | undefined
  domainResolver: DomainResolver | undefined
  clientId: string
  clientAuthentication: ClientAuthentication
  authorizationParams: AuthorizationParameters
  routes: Routes
  /** Every call to Auth0: the fetch, its timeout, whether plain http (loopback only) is allowed. */
  http: HttpSettings
  beforeSessionSaved: BeforeSessionSavedHook | undefined
  onError: ErrorHook | undefined
  onCallback: CallbackHook | undefined
  managementApi: ManagementApiSettings
  identitiesRoute: boolean
  /** Which connected-accounts routes answer. */
  connectedAccounts: { routes: boolean; connectionTokenRoute: boolean }
  /** Login, link and unlink push their parameters (PAR) unless a call says otherwise. */
  pushedAuthorizationRequests: boolean
  /** The DPoP key pair, when tokens are to be sender-constrained. */
  dpop: DpopKeyPair | undefined
  /** How links and unlinks are applied (DESIGN §15). */
  linking: LinkingSettings
  onLink: LinkHook | undefined
  onUnlink: LinkHook | undefined
}

/** The resolved `linking` option. */
export interface LinkingSettings {
  strategy: 'management-api' | 'tenant-action'
  /** Seconds. */
  maxAge: number
  confirm: 'claim' | 'management-api'
}

const LINK_STRATEGIES = ['management-api', 'tenant-action'] as const
const LINK_CONFIRMATIONS = ['claim', 'management-api'] as const

function parseLinking(options: LinkingOptions | undefined): LinkingSettings {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ConfigurationError('linking', 'must be an object')
  }
  const strategy = options?.strategy ?? 'management-api'
  if (!(LINK_STRATEGIES as readonly unknown[]).includes(strategy)) {
    throw new ConfigurationError('linking.strategy', `must be 'management-api' or 'tenant-action' (AUTH0_LINK_STRATEGY)`)
  }
  const confirm = options?.confirm ?? 'claim'
  if (!(LINK_CONFIRMATIONS as readonly unknown[]).includes(confirm)) {
    throw new ConfigurationError('linking.confirm', `must be 'claim' or 'management-api'`)
  }
  const maxAge = options?.maxAge ?? 600
  if (!Number.isInteger(maxAge) || maxAge < 0)
    throw new ConfigurationError('linking.maxAge', 'must be a whole number of seconds, 0 or more')
  return { strategy, maxAge, confirm }
}

function requireString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(option, 'is required and must be a non-empty string')
  }
  return value.trim()
}

/**
 * The issuer of a configured or resolved domain: the origin with a trailing slash.
 *
 * @throws {ConfigurationError} (`domain`) for anything but a host name or an https (loopback http) origin.
 */
export function parseIssuer(domain: string): { issuer: URL; allowInsecureIssuer: boolean } {
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

function hook<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, 'must be a function')
  return value
}

// RFC 6265 token characters, as the cookie layer writes names; checked here so a bad name fails at
// construction with the option named, not at the first Set-Cookie.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,200}$/
// A host name (optionally with the legacy leading dot): nothing that could end the attribute.
const COOKIE_DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/** Checks the cookie attributes a user may set; `name` is the session name or the transaction prefix. */
function parseCookieOptions<T extends CookieOptions>(
  cookie: T | undefined,
  option: string,
  name: string | undefined,
  nameOption: string,
): T {
  if (cookie !== undefined && (cookie === null || typeof cookie !== 'object')) throw new ConfigurationError(option, 'must be an object')
  if (name !== undefined && (typeof name !== 'string' || !COOKIE_NAME.test(name))) {
    throw new ConfigurationError(nameOption, "must be a cookie name: letters, digits and !#$%&'*+-.^_`|~ only")
  }
  const { sameSite, secure, domain } = cookie ?? {}
  if (sameSite !== undefined && sameSite !== 'Lax' && sameSite !== 'None')
    throw new ConfigurationError(`${option}.sameSite`, "must be 'Lax' or 'None'")
  if (secure !== undefined && typeof secure !== 'boolean') throw new ConfigurationError(`${option}.secure`, 'must be true or false')
  if (domain !== undefined && (typeof domain !== 'string' || !COOKIE_DOMAIN.test(domain))) {
    throw new ConfigurationError(`${option}.domain`, 'must be a host name such as example.com')
  }
  return (cookie ?? {}) as T
}

function optionalBoolean(value: unknown, option: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new ConfigurationError(option, 'must be true or false')
  return value
}

function parseOrganization(options: AuthOptions): AuthorizationParameters {
  const params: AuthorizationParameters = { ...options.authorizationParams }
  const { organization } = options
  if (organization === undefined) {
    if (params.organization !== undefined && !isOrganization(params.organization)) {
      throw new ConfigurationError('authorizationParams.organization', 'must be an Auth0 organization id (org_…) or name')
    }
    return params
  }
  if (!isOrganization(organization)) throw new ConfigurationError('organization', 'must be an Auth0 organization id (org_…) or name')
  if (params.organization !== undefined && params.organization !== organization) {
    throw new ConfigurationError('organization', 'differs from authorizationParams.organization; set one of them')
  }
  return { ...params, organization }
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

function parseManagementApi(options: ManagementApiOptions | undefined, issuer: URL | undefined): ManagementApiSettings {
  let audience = issuer && new URL('api/v2/', issuer)
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
    if (options?.clientSecret !== undefined)
      throw new ConfigurationError('managementApi.clientId', 'is required with managementApi.clientSecret')
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

/** Validates options once, at construction, so a misconfiguration fails fast and names itself. */
export function resolveConfig(options: AuthOptions): ResolvedConfig {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options', 'must be an object')
  }
  const domainResolver = typeof options.domain === 'function' ? options.domain : undefined
  const domain = domainResolver ? undefined : requireString(options.domain, 'domain')
  const clientId = requireString(options.clientId, 'clientId')
  if (options.clientSecret === undefined && options.clientAssertionSigningKey === undefined) {
    throw new ConfigurationError('clientSecret', 'is required (or pass clientAssertionSigningKey)')
  }
  const clientAuthentication: ClientAuthentication =
    options.clientAssertionSigningKey !== undefined
      ? { method: 'private_key_jwt', key: parseClientAssertionKey(options.clientAssertionSigningKey, options.clientAssertionSigningAlg) }
      : { method: 'client_secret_post', clientSecret: requireString(options.clientSecret, 'clientSecret') }
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
  const enableTelemetry = options.enableTelemetry === undefined ? true : optionalBoolean(options.enableTelemetry, 'enableTelemetry')
  const { issuer, allowInsecureIssuer } = domain === undefined ? { issuer: undefined, allowInsecureIssuer: false } : parseIssuer(domain)
  const sessionCookie = parseCookieOptions(options.session?.cookie, 'session.cookie', options.session?.cookie?.name, 'session.cookie.name')
  const txCookie = parseCookieOptions(
    options.transactionCookie,
    'transactionCookie',
    options.transactionCookie?.prefix,
    'transactionCookie.prefix',
  )
  return {
    issuer,
    domainResolver,
    clientId,
    clientAuthentication,
    secrets: [...secrets],
    appBaseUrl: parseAppBaseUrl(options.appBaseUrl),
    trustProxy: options.trustProxy === true,
    authorizationParams: parseOrganization(options),
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
      cookiePrefix: txCookie.prefix ?? '__a0_tx',
      cookie: txCookie,
      maxAge: positive(txCookie.maxAge, 60 * 60, 'transactionCookie.maxAge'),
      maxCount: positive(txCookie.maxCount, 5, 'transactionCookie.maxCount'),
    },
    http: {
      fetch: enableTelemetry ? withTelemetry(fetchImpl) : fetchImpl,
      timeout: positive(options.httpTimeout, 5000, 'httpTimeout'),
      allowInsecureRequests: allowInsecureIssuer,
    },
    beforeSessionSaved: hook(options.beforeSessionSaved, 'beforeSessionSaved'),
    onError: hook(options.onError, 'onError'),
    onCallback: hook(options.onCallback, 'onCallback'),
    managementApi: parseManagementApi(options.managementApi, issuer),
    identitiesRoute: options.identities?.enabled === true,
    connectedAccounts: {
      routes: options.connectedAccounts?.enabled === true,
      connectionTokenRoute: options.connectedAccounts?.connectionTokenRoute === true,
    },
    pushedAuthorizationRequests: optionalBoolean(options.pushedAuthorizationRequests, 'pushedAuthorizationRequests'),
    dpop: parseDpopKeyPair(options.dpop),
    linking: parseLinking(options.linking),
    onLink: hook(options.onLink, 'onLink'),
    onUnlink: hook(options.onUnlink, 'onUnlink'),
  }
}
