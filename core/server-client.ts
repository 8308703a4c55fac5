import * as oauth from 'oauth4webapi'
import { AuthorizationServerConnection } from './authorization-server.js'
import { type AuthOptions, type AuthorizationParameters, resolveConfig } from './config.js'
import { CookieStateStore } from './cookies/cookie-state-store.js'
import { CookieTransactionStore } from './cookies/cookie-transaction-store.js'
import { BackchannelLogoutError, MissingRefreshTokenError, MissingSessionError, InvalidCallbackError } from './errors.js'
import { startAuthorization } from './flows/authorize.js'
import { type CompletedAuthorization, completeAuthorization, tokenSetFrom, withTokenSet } from './flows/callback.js'
import type { FlowContext } from './flows/context.js'
import { TenantKeySet } from './id-token-signature.js'
import { type Identity, ManagementApiClient } from './management-api.js'
import { appOrigin, safeReturnTo } from './safety.js'
import { DEFAULT_AUDIENCE, nowInSeconds, type SessionData, type UserClaims, userFromIdTokenClaims } from './session.js'
import type { FlowKind, StoreOptions } from './stores.js'
import { exchangeTokens } from './token-response.js'

/**
 * Options of {@link ServerClient.startInteractiveLogin}.
 *
 * @example
 * ```ts
 * const url = await client.startInteractiveLogin(
 *   { authorizationParams: { prompt: 'login' }, appState: { returnTo: '/account' } },
 *   { request, response },
 * )
 * ```
 */
export interface StartInteractiveLoginOptions<TAppState> {
  /** Per-call `/authorize` parameters; they override the global ones key by key. */
  authorizationParams?: AuthorizationParameters
  /** Any JSON value; returned unchanged by the matching `complete*` call. */
  appState?: TAppState
}

/**
 * Options of {@link ServerClient.startLinkUser}.
 *
 * @example
 * ```ts
 * const options: StartLinkUserOptions<{ returnTo: string }> = {
 *   connection: 'google-oauth2',
 *   connectionScope: 'https://www.googleapis.com/auth/calendar.readonly',
 *   appState: { returnTo: '/settings' },
 * }
 * ```
 */
export interface StartLinkUserOptions<TAppState> extends StartInteractiveLoginOptions<TAppState> {
  /** The Auth0 connection to link, e.g. `google-oauth2` or `github`. */
  connection: string
  /** Scopes to request from the linked identity provider (`requested_connection_scope`). */
  connectionScope?: string
}

/**
 * Options of {@link ServerClient.startUnlinkUser}.
 *
 * @example
 * ```ts
 * const url = await client.startUnlinkUser({ connection: 'github', appState: { returnTo: '/settings' } }, { request, response })
 * ```
 */
export interface StartUnlinkUserOptions<TAppState> extends StartInteractiveLoginOptions<TAppState> {
  /** The Auth0 connection to unlink. */
  connection: string
}

/**
 * What the `complete*` calls return.
 *
 * @example
 * ```ts
 * const { appState }: CompleteResult<{ returnTo: string }> = await client.completeLinkUser(request.url, { request, response })
 * ```
 */
export interface CompleteResult<TAppState> {
  appState: TAppState | undefined
}

/**
 * An access token for an audience, from the session or freshly refreshed.
 *
 * @example
 * ```ts
 * const { token, expiresAt }: AccessTokenResult = await client.getAccessToken({ request, response })
 * ```
 */
export interface AccessTokenResult {
  token: string
  /** Seconds since the epoch. */
  expiresAt: number
  scope: string | undefined
}

/** Renew access tokens this many seconds before they expire, so a token handed out stays usable. */
const EXPIRY_LEEWAY = 10

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/**
 * The programmatic API, mirroring Auth0's `ServerClient` (`start_link_user`, …) in camelCase.
 * Every call takes `storeOptions`: cookies are read from `request` and written to `response`.
 *
 * @example
 * ```ts
 * const client = new ServerClient<{ returnTo: string }>({ domain, clientId, clientSecret, secret, appBaseUrl })
 * const response = new Response(null, { status: 302 })
 * const url = await client.startLinkUser(
 *   { connection: 'google-oauth2', connectionScope: 'https://www.googleapis.com/auth/calendar', appState: { returnTo: '/profile' } },
 *   { request, response },
 * )
 * response.headers.set('location', url.href)
 * // later, on the callback:
 * const { appState } = await client.completeLinkUser(request.url, { request, response })
 * ```
 */
export class ServerClient<TAppState = unknown> {
  /** @internal Shared with the handlers of `createAuth`; not part of the public API. */
  readonly context: FlowContext
  readonly #managementApi: ManagementApiClient

  constructor(options: AuthOptions) {
    const config = resolveConfig(options)
    const connection = new AuthorizationServerConnection(config)
    this.#managementApi = new ManagementApiClient(connection, config.managementApi)
    this.context = {
      config,
      connection,
      keySet: new TenantKeySet(connection),
      transactionStore: options.transactionStore ?? new CookieTransactionStore(config),
      stateStore: options.stateStore ?? new CookieStateStore(config),
    }
  }

  async #requireSession(storeOptions: StoreOptions): Promise<SessionData> {
    const session = await this.context.stateStore.get(storeOptions)
    if (!session) throw new MissingSessionError('Sign in first: there is no session')
    return session
  }

  async #complete(url: string | URL, flow: FlowKind, storeOptions: StoreOptions): Promise<CompleteResult<TAppState>> {
    const { appState } = await completeAuthorization(this.context, url, flow, storeOptions)
    return { appState: appState as TAppState | undefined }
  }

  /**
   * Starts a login; returns Auth0's `/authorize` URL to redirect to.
   *
   * @example
   * ```ts
   * const url = await client.startInteractiveLogin({ appState: { returnTo: '/' } }, { request, response })
   * ```
   */
  startInteractiveLogin(options: StartInteractiveLoginOptions<TAppState> = {}, storeOptions: StoreOptions): Promise<URL> {
    return startAuthorization(this.context, { flow: 'login', ...options }, storeOptions)
  }

  /**
   * Completes a login from the callback URL (string or `URL`) and stores the new session.
   *
   * @example
   * ```ts
   * const { appState } = await client.completeInteractiveLogin(request.url, { request, response })
   * ```
   */
  completeInteractiveLogin(url: string | URL, storeOptions: StoreOptions): Promise<CompleteResult<TAppState>> {
    return this.#complete(url, 'login', storeOptions)
  }

  /**
   * Starts linking `connection` to the signed-in user; throws `MissingSessionError` when signed out.
   *
   * @example
   * ```ts
   * const url = await client.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } }, { request, response })
   * ```
   */
  async startLinkUser(options: StartLinkUserOptions<TAppState>, storeOptions: StoreOptions): Promise<URL> {
    const session = await this.#requireSession(storeOptions)
    return startAuthorization(this.context, { flow: 'link', ...options, session }, storeOptions)
  }

  /**
   * Completes a link: same user, refreshed tokens, `appState` back.
   *
   * @example
   * ```ts
   * const { appState } = await client.completeLinkUser(new URL(request.url), { request, response })
   * ```
   */
  completeLinkUser(url: string | URL, storeOptions: StoreOptions): Promise<CompleteResult<TAppState>> {
    return this.#complete(url, 'link', storeOptions)
  }

  /**
   * Starts unlinking `connection` from the signed-in user.
   *
   * @example
   * ```ts
   * const url = await client.startUnlinkUser({ connection: 'github' }, { request, response })
   * ```
   */
  async startUnlinkUser(options: StartUnlinkUserOptions<TAppState>, storeOptions: StoreOptions): Promise<URL> {
    const session = await this.#requireSession(storeOptions)
    const { connection, authorizationParams, appState } = options
    return startAuthorization(this.context, { flow: 'unlink', connection, authorizationParams, appState, session }, storeOptions)
  }

  /**
   * Completes an unlink.
   *
   * @example
   * ```ts
   * const { appState } = await client.completeUnlinkUser(request.url, { request, response })
   * ```
   */
  completeUnlinkUser(url: string | URL, storeOptions: StoreOptions): Promise<CompleteResult<TAppState>> {
    return this.#complete(url, 'unlink', storeOptions)
  }

  /**
   * Completes whichever flow the callback's transaction recorded (login, link or unlink).
   *
   * @example
   * ```ts
   * const { flow, appState } = await client.completeAuthorization(request.url, { request, response })
   * ```
   */
  completeAuthorization(url: string | URL, storeOptions: StoreOptions): Promise<CompletedAuthorization> {
    return completeAuthorization(this.context, url, undefined, storeOptions)
  }

  /**
   * The session, or `undefined` when signed out (an invalid cookie counts as signed out).
   *
   * @example
   * ```ts
   * const session = await client.getSession({ request, response })
   * ```
   */
  getSession(storeOptions: StoreOptions): Promise<SessionData | undefined> {
    return this.context.stateStore.get(storeOptions)
  }

  /**
   * The signed-in user's claims, or `undefined`.
   *
   * @example
   * ```ts
   * const user = await client.getUser({ request, response })
   * ```
   */
  async getUser(storeOptions: StoreOptions): Promise<UserClaims | undefined> {
    return (await this.getSession(storeOptions))?.user
  }

  /**
   * The signed-in user's linked identities, primary first, read from Auth0's Management API
   * (`GET /api/v2/users/{id}`) with a cached client-credentials token. The client needs the
   * Management API grant with `read:users` (see `managementApi` options). Throws
   * `MissingSessionError` when signed out and `ManagementApiError` when Auth0 refuses.
   *
   * @example
   * ```ts
   * const identities = await client.getIdentities({ request, response })
   * // the primary identity (index 0) cannot be unlinked; offer the others
   * const unlinkable = identities.slice(1).map((identity) => identity.connection)
   * ```
   */
  async getIdentities(storeOptions: StoreOptions): Promise<Identity[]> {
    const session = await this.#requireSession(storeOptions)
    return this.#managementApi.getIdentities(session.user.sub, storeOptions.request.signal)
  }

  /**
   * An access token for `audience` (default: the configured one), refreshed with the refresh
   * token when it has expired; the refreshed session is written back.
   *
   * @example
   * ```ts
   * const { token } = await client.getAccessToken({ request, response })
   * await fetch('https://api.example.com/me', { headers: { authorization: `Bearer ${token}` } })
   * ```
   */
  async getAccessToken(storeOptions: StoreOptions, options: { audience?: string } = {}): Promise<AccessTokenResult> {
    const session = await this.#requireSession(storeOptions)
    const audience = options.audience ?? this.context.config.authorizationParams.audience ?? DEFAULT_AUDIENCE
    const current = session.tokenSets.find((set) => set.audience === audience)
    if (current && current.expiresAt > nowInSeconds() + EXPIRY_LEEWAY) {
      return { token: current.accessToken, expiresAt: current.expiresAt, scope: current.scope }
    }
    if (!session.refreshToken) throw new MissingRefreshTokenError('The access token expired and the session has no refresh token')
    const { connection } = this.context
    const as = await connection.metadata(storeOptions.request.signal)
    const refreshToken = session.refreshToken
    const { tokens, claims } = await exchangeTokens(
      this.context,
      storeOptions.request.signal,
      (options) =>
        oauth.refreshTokenGrantRequest(as, connection.client, connection.clientAuth, refreshToken, {
          ...options,
          ...(audience === DEFAULT_AUDIENCE ? {} : { additionalParameters: { audience } }),
        }),
      (response) => oauth.processRefreshTokenResponse(as, connection.client, response),
    )
    if (claims && claims.sub !== session.user.sub) throw new InvalidCallbackError('The refreshed ID token is for another user')
    const tokenSet = tokenSetFrom(tokens, audience)
    const updated: SessionData = {
      ...session,
      tokenSets: withTokenSet(session.tokenSets, tokenSet),
      ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}),
      ...(claims && tokens.id_token !== undefined
        ? { idToken: tokens.id_token, user: { ...session.user, ...userFromIdTokenClaims(claims) } }
        : {}),
    }
    await this.context.stateStore.set(updated, storeOptions)
    return { token: tokenSet.accessToken, expiresAt: tokenSet.expiresAt, scope: tokenSet.scope }
  }

  /**
   * Ends the session and returns the tenant logout URL to redirect to. `returnTo` must be on the
   * app's origin (path or absolute URL); anything else falls back to `/`.
   *
   * @example
   * ```ts
   * const url = await client.logout({ returnTo: '/' }, { request, response })
   * ```
   */
  async logout(options: { returnTo?: string }, storeOptions: StoreOptions): Promise<URL> {
    const { config, connection } = this.context
    const session = await this.context.stateStore.get(storeOptions)
    await this.context.stateStore.delete(storeOptions)
    // A link or unlink callback already in flight in another tab would write this session back
    // after the logout; ending its Auth0 session (`sid`) as a backchannel logout does keeps it ended.
    if (session?.internal.sid) await this.context.stateStore.deleteByLogoutToken({ sid: session.internal.sid }, storeOptions)
    const origin = config.appBaseUrl ?? appOrigin(storeOptions.request, config.trustProxy)
    const returnTo = new URL(safeReturnTo(options.returnTo, origin), origin).href
    const as = await connection.metadata(storeOptions.request.signal)
    if (as.end_session_endpoint) {
      const url = new URL(as.end_session_endpoint)
      if (session) url.searchParams.set('id_token_hint', session.idToken)
      url.searchParams.set('client_id', config.clientId)
      url.searchParams.set('post_logout_redirect_uri', returnTo)
      return url
    }
    const url = new URL('v2/logout', config.issuer)
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('returnTo', returnTo)
    return url
  }

  /**
   * Verifies a backchannel logout token (signature, `iss`, `aud`, `iat`/`exp`, `events`, no
   * `nonce`, `sub` or `sid`) and ends the sessions it names.
   *
   * @example
   * ```ts
   * const form = await request.formData()
   * await client.handleBackchannelLogout(String(form.get('logout_token')), { request, response })
   * ```
   */
  async handleBackchannelLogout(logoutToken: string, storeOptions: StoreOptions): Promise<void> {
    if (typeof logoutToken !== 'string' || logoutToken === '') throw new BackchannelLogoutError('logout_token is missing')
    let claims: Record<string, unknown>
    try {
      claims = await this.context.keySet.verifyJwt(logoutToken, { maxTokenAge: 300 })
    } catch (error) {
      throw new BackchannelLogoutError('The logout token failed verification', { cause: error })
    }
    const events = claims.events
    if (events === null || typeof events !== 'object' || typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
      throw new BackchannelLogoutError('The logout token has no backchannel-logout event')
    }
    if ('nonce' in claims) throw new BackchannelLogoutError('A logout token must not contain a nonce')
    const sub = typeof claims.sub === 'string' ? claims.sub : undefined
    const sid = typeof claims.sid === 'string' ? claims.sid : undefined
    if (!sub && !sid) throw new BackchannelLogoutError('The logout token names neither sub nor sid')
    await this.context.stateStore.deleteByLogoutToken({ ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) }, storeOptions)
  }
}
