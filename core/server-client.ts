/**
 * @module The programmatic API, as Auth0's SDKs spell it. Each method composes protocol steps
 * from `flows/`; none holds protocol code of its own.
 */

import type { DpopProofRequest } from './dpop.js'
import { ConfigurationError, InvalidCallbackError, InvalidRequestError, MissingSessionError } from './errors.js'
import { isConnectionName, startAuthorization } from './flows/authorize.js'
import { type CompletedAuthorization, type CompletedCallback, completeAuthorization } from './flows/callback.js'
import { createFlowContext, type FlowContext, type InstanceContext, requestContext } from './flows/context.js'
import { startLink } from './flows/link.js'
import { logout } from './flows/logout.js'
import { startUnlink } from './flows/unlink.js'
import type { Identity } from './management-api.js'
import type { ConnectedAccount, ConnectedAccountConnection } from './my-account-api.js'
import type { AuthOptions, AuthorizationParameters, LinkedIdentity } from './options.js'
import { checkRequestSite } from './request-site.js'
import { DEFAULT_AUDIENCE, isTokenFresh, normalizeScope, type SessionData, type UserClaims } from './session.js'
import type { FlowKind, StoreOptions } from './stores.js'
import type { LinkSuggestion } from './suggestions.js'
import { appOrigin } from './urls.js'

// The features an app turns on separately load on their first use, each its own chunk: an app
// that only signs in and links ships none of them (see docs/concepts/architecture.md, "What ships").
const connectedAccountsFeature = () => import('./features/connected-accounts.js')
const linkSuggestionsFlow = () => import('./flows/link-suggestions.js')
const refreshFlow = () => import('./flows/refresh.js')
const backchannelLogoutFlow = () => import('./flows/backchannel-logout.js')

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
  /** Push the parameters to the tenant first (PAR) for this call; default the `pushedAuthorizationRequests` option. */
  pushedAuthorizationRequests?: boolean
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
export type StartLinkUserOptions<TAppState> = StartInteractiveLoginOptions<TAppState> &
  (
    | {
        /** The Auth0 connection to link, e.g. `google-oauth2` or `github`. */
        connection: string
        /** Scopes to request from the linked identity provider (`requested_connection_scope`). */
        connectionScope?: string
        suggestion?: undefined
        primary?: undefined
      }
    | {
        /**
         * Link a suggestion instead: its `userId` from `getLinkSuggestions` (masked). The user
         * signs into exactly that account (its connection, `login_hint` = the shared email); a
         * different account is refused with `SuggestionMismatchError`. Needs `linking.strategy: 'management-api'`.
         */
        suggestion: string
        /** Who stays: `'current'` (default) the signed-in user; `'other'` the suggested account, and the session becomes its. */
        primary?: 'current' | 'other'
        connection?: undefined
        connectionScope?: undefined
      }
  )

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
  /** The identity's `user_id` (as in `identities[]`), needed only when the user holds two identities of `connection`. */
  userId?: string
}

/**
 * What {@link ServerClient.completeLinkUser} and {@link ServerClient.completeUnlinkUser} return:
 * `appState`, and the identity Auth0 linked or unlinked. When the link had to sign the primary
 * in again first (the session was older than `linking.maxAge`), the first callback answers
 * `continueAt` instead of `identity`: redirect there, and the next callback completes the link.
 *
 * @example
 * ```ts
 * const result = await client.completeLinkUser(request.url, { request, response })
 * if (result.continueAt) return Response.redirect(result.continueAt, 302) // the primary re-authenticated; now the link
 * console.log(`linked ${result.identity.connection}`)
 * ```
 */
export type CompleteLinkResult<TAppState> =
  | { appState: TAppState | undefined; identity: LinkedIdentity; continueAt?: undefined }
  | { appState: TAppState | undefined; identity?: undefined; continueAt: URL }

/**
 * What {@link ServerClient.completeUnlinkUser} returns.
 *
 * @example
 * ```ts
 * const { identity } = await client.completeUnlinkUser(request.url, { request, response })
 * console.log(`unlinked ${identity.connection}; ${identity.provider}|${identity.userId} is a user of its own again`)
 * ```
 */
export interface CompleteUnlinkResult<TAppState> {
  appState: TAppState | undefined
  identity: LinkedIdentity
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
 * const { token, expiresAt }: AccessTokenResult = await client.getAccessToken({}, { request, response })
 * ```
 */
export interface AccessTokenResult {
  token: string
  /** Seconds since the epoch. */
  expiresAt: number
  scope: string | undefined
  /**
   * `DPoP` for a token bound to the `dpop` key: send it as `Authorization: DPoP <token>` with a
   * proof from {@link ServerClient.createDpopProof}. `Bearer` otherwise.
   */
  tokenType: 'DPoP' | 'Bearer'
}

/**
 * Options of {@link ServerClient.getAccessToken}.
 *
 * @example
 * ```ts
 * const { token } = await client.getAccessToken({ audience: 'https://api.example.com' }, { request, response })
 * ```
 */
export interface GetAccessTokenOptions {
  /** The API the token is for; default the configured `authorizationParams.audience`. */
  audience?: string
  /**
   * Ask for a token with only these scopes (space-separated), through the refresh token with
   * `scope` (Auth0's multi-resource refresh token). Cached as its own token set, per audience
   * and scope. Default: the scope the session's token for `audience` has.
   */
  scope?: string
}

/**
 * Options of {@link ServerClient.startConnectAccount}.
 *
 * @example
 * ```ts
 * const options: StartConnectAccountOptions<{ returnTo: string }> = {
 *   connection: 'google-oauth2',
 *   scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'],
 *   appState: { returnTo: '/calendar' },
 * }
 * ```
 */
export interface StartConnectAccountOptions<TAppState> {
  /** The Auth0 connection whose account to connect, e.g. `google-oauth2`. */
  connection: string
  /** Provider scopes to ask for; default the connection's configured scopes. */
  scopes?: string[]
  /** Parameters for the identity provider's authorization request (`authorization_params`), e.g. `{ prompt: 'consent' }`. */
  authorizationParams?: AuthorizationParameters
  /** Any JSON value; returned unchanged by {@link ServerClient.completeConnectAccount}. */
  appState?: TAppState
}

/**
 * What {@link ServerClient.completeConnectAccount} returns.
 *
 * @example
 * ```ts
 * const { appState, connectedAccount }: CompleteConnectAccountResult<{ returnTo: string }> =
 *   await client.completeConnectAccount(request.url, { request, response })
 * ```
 */
export interface CompleteConnectAccountResult<TAppState> {
  appState: TAppState | undefined
  connectedAccount: ConnectedAccount
}

/**
 * Options of {@link ServerClient.listConnectedAccounts}.
 *
 * @example
 * ```ts
 * const google = await client.listConnectedAccounts({ connection: 'google-oauth2' }, { request, response })
 * ```
 */
export interface ListConnectedAccountsOptions {
  /** Only the accounts of this connection. */
  connection?: string
  /** A `next` cursor the API handed out, to start from. */
  from?: string
  /** At most this many accounts (default: all, following `next` for up to 10 pages of 20). */
  take?: number
}

/**
 * Options of {@link ServerClient.getAccessTokenForConnection}.
 *
 * @example
 * ```ts
 * const options: AccessTokenForConnectionOptions = { connection: 'google-oauth2', loginHint: 'alice@gmail.com' }
 * ```
 */
export interface AccessTokenForConnectionOptions {
  /** The Auth0 connection, e.g. `google-oauth2`. */
  connection: string
  /** Which of the user's accounts at that connection (Auth0's `login_hint`). */
  loginHint?: string
  /** Scopes the token must carry; a cached token without them is exchanged anew. */
  scope?: string
}

/**
 * A provider's access token from Token Vault.
 *
 * @example
 * ```ts
 * const { token, expiresAt }: ConnectionAccessTokenResult = await client.getAccessTokenForConnection({ connection: 'google-oauth2' }, { request, response })
 * ```
 */
export interface ConnectionAccessTokenResult {
  token: string
  /** Seconds since the epoch. */
  expiresAt: number
  scope: string | undefined
  connection: string
}

/** Each client's context, kept off the class so it is in no public type. */
const contexts = new WeakMap<object, InstanceContext>()

/**
 * The context a client was built with, for `createAuth`'s handlers. Internal.
 *
 * @throws {ConfigurationError} when `client` was not built by this copy of the kit's `ServerClient`.
 */
export function flowContextOf(client: ServerClient<unknown>): InstanceContext {
  const context = contexts.get(client)
  if (!context) throw new ConfigurationError('client', 'is not a ServerClient built by this copy of auth0-link-kit')
  return context
}

/**
 * The programmatic API, mirroring Auth0's `ServerClient` (`start_link_user`, …) in camelCase.
 * Every call takes `storeOptions` last: cookies are read from `request` and written to `response`.
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
  readonly #context: InstanceContext

  constructor(options: AuthOptions) {
    this.#context = createFlowContext(options)
    contexts.set(this, this.#context)
  }

  /** The context for the Auth0 domain serving this request (the configured one, or the resolver's). */
  #for(storeOptions: StoreOptions): Promise<FlowContext> {
    return requestContext(this.#context, storeOptions.request)
  }

  async #requireSession(context: FlowContext, storeOptions: StoreOptions): Promise<SessionData> {
    const session = await context.stateStore.get(storeOptions)
    if (!session) throw new MissingSessionError('Sign in first: there is no session')
    return session
  }

  /**
   * A change to the user's identities started by a request another site sent is refused, as the
   * routes refuse it: app code that starts a link from its own form gets the same guard.
   */
  #refuseCrossSite(context: FlowContext, storeOptions: StoreOptions, refusal: string): void {
    const { request } = storeOptions
    checkRequestSite(request, appOrigin(context.config, request), 'refuse', refusal)
  }

  async #complete(url: string | URL, flow: FlowKind, storeOptions: StoreOptions): Promise<CompleteResult<TAppState>> {
    const { appState } = await completeAuthorization(await this.#for(storeOptions), url, flow, storeOptions)
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
  async startInteractiveLogin(options: StartInteractiveLoginOptions<TAppState> = {}, storeOptions: StoreOptions): Promise<URL> {
    const { authorizationParams, appState, pushedAuthorizationRequests } = options
    return startAuthorization(
      await this.#for(storeOptions),
      { flow: 'login', authorizationParams, appState, pushedAuthorizationRequests },
      storeOptions,
    )
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
   * Starts linking `connection` to the signed-in user and returns the URL to redirect to; throws
   * `MissingSessionError` when signed out. With the default `linking.strategy`
   * (`'management-api'`) the user signs into the identity to link and the kit links it through
   * the Management API; a session older than `linking.maxAge` signs the primary in again first
   * (see {@link CompleteLinkResult}). With `'tenant-action'` the tenant's Action links.
   *
   * @throws {CrossSiteRequestError} (403) when another site sent `storeOptions.request`.
   * @example
   * ```ts
   * const url = await client.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } }, { request, response })
   * ```
   */
  async startLinkUser(options: StartLinkUserOptions<TAppState>, storeOptions: StoreOptions): Promise<URL> {
    const context = await this.#for(storeOptions)
    this.#refuseCrossSite(context, storeOptions, 'A link must be started from this app')
    const session = await this.#requireSession(context, storeOptions)
    const { authorizationParams, appState, pushedAuthorizationRequests } = options
    if (options.suggestion !== undefined) {
      const { suggestion, primary } = options
      const { startSuggestedLink } = await linkSuggestionsFlow()
      return startSuggestedLink(
        context,
        session,
        { suggestion, primary, authorizationParams, appState, pushedAuthorizationRequests },
        storeOptions,
      )
    }
    const { connection, connectionScope } = options
    return startLink(
      context,
      { session, connection, connectionScope, authorizationParams, appState, pushedAuthorizationRequests },
      storeOptions,
    )
  }

  /**
   * Completes a link from the callback URL: the identity Auth0 linked and `appState`. The
   * session stays the signed-in user's; with `'management-api'` it is not written at all (the
   * linked identity's tokens are discarded). Throws `IdentityAlreadyLinkedError` when the
   * identity belongs to another user, `LinkNotAppliedError` when a tenant-action tenant did not link.
   *
   * @example
   * ```ts
   * const result = await client.completeLinkUser(new URL(request.url), { request, response })
   * if (result.continueAt) return Response.redirect(result.continueAt, 302)
   * console.log(result.identity.connection, result.appState)
   * ```
   */
  async completeLinkUser(url: string | URL, storeOptions: StoreOptions): Promise<CompleteLinkResult<TAppState>> {
    const completed = await completeAuthorization(await this.#for(storeOptions), url, 'link', storeOptions)
    const appState = completed.appState as TAppState | undefined
    if (completed.flow !== 'link') throw new InvalidCallbackError('This callback does not complete a link')
    if (completed.continueAt) return { appState, continueAt: completed.continueAt }
    if (!completed.identity) throw new InvalidCallbackError('The link completed without an identity')
    return { appState, identity: completed.identity }
  }

  /**
   * Starts unlinking an identity of `connection` (plus `userId` when the user holds two) from the
   * signed-in user. With `'management-api'` the identity is checked first (the primary identity
   * or a connection that is not linked → `InvalidRequestError`, before any redirect) and the URL
   * signs the primary in again.
   *
   * @throws {CrossSiteRequestError} (403) when another site sent `storeOptions.request`.
   * @example
   * ```ts
   * const url = await client.startUnlinkUser({ connection: 'github' }, { request, response })
   * ```
   */
  async startUnlinkUser(options: StartUnlinkUserOptions<TAppState>, storeOptions: StoreOptions): Promise<URL> {
    const context = await this.#for(storeOptions)
    this.#refuseCrossSite(context, storeOptions, 'An unlink must be started from this app')
    const session = await this.#requireSession(context, storeOptions)
    const { connection, userId, authorizationParams, appState, pushedAuthorizationRequests } = options
    return startUnlink(context, { session, connection, userId, authorizationParams, appState, pushedAuthorizationRequests }, storeOptions)
  }

  /**
   * Completes an unlink: the identity Auth0 unlinked (now a user of its own) and `appState`.
   *
   * @example
   * ```ts
   * const { identity, appState } = await client.completeUnlinkUser(request.url, { request, response })
   * ```
   */
  async completeUnlinkUser(url: string | URL, storeOptions: StoreOptions): Promise<CompleteUnlinkResult<TAppState>> {
    const completed = await completeAuthorization(await this.#for(storeOptions), url, 'unlink', storeOptions)
    if (completed.flow !== 'unlink' || !completed.identity) throw new InvalidCallbackError('This callback does not complete an unlink')
    return { appState: completed.appState as TAppState | undefined, identity: completed.identity }
  }

  /**
   * Completes whichever flow the callback's transaction recorded (login, link or unlink).
   *
   * @example
   * ```ts
   * const { flow, appState } = await client.completeAuthorization(request.url, { request, response })
   * ```
   */
  async completeAuthorization(url: string | URL, storeOptions: StoreOptions): Promise<CompletedAuthorization> {
    const { continuation: _handlersOnly, ...completed }: CompletedCallback = await completeAuthorization(
      await this.#for(storeOptions),
      url,
      undefined,
      storeOptions,
    )
    return completed
  }

  /**
   * Starts connecting an external account (Auth0 Connected Accounts, for Token Vault) for the
   * signed-in user and returns the URL to redirect to. Uses a My Account API token got with the
   * session's refresh token (sign in with `offline_access`; the application needs a
   * Multi-Resource Refresh Token policy for `https://<domain>/me/`). Throws
   * `MissingSessionError` when signed out, `MyAccountApiError` when Auth0 refuses.
   *
   * @throws {CrossSiteRequestError} (403) when another site sent `storeOptions.request`.
   * @example
   * ```ts
   * const url = await client.startConnectAccount(
   *   { connection: 'google-oauth2', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'], appState: { returnTo: '/calendar' } },
   *   { request, response },
   * )
   * ```
   */
  async startConnectAccount(options: StartConnectAccountOptions<TAppState>, storeOptions: StoreOptions): Promise<URL> {
    const context = await this.#for(storeOptions)
    this.#refuseCrossSite(context, storeOptions, 'A connect must be started from this app')
    const session = await this.#requireSession(context, storeOptions)
    const { connection, scopes, authorizationParams, appState } = options
    const { startConnect } = await connectedAccountsFeature()
    return startConnect(context, { session, connection, scopes, authorizationParams, appState }, storeOptions)
  }

  /**
   * Completes a connect from the callback URL (it carries `connect_code` and `state`) and
   * returns the connected account and `appState`. The session must be the same user's.
   *
   * @example
   * ```ts
   * const { connectedAccount, appState } = await client.completeConnectAccount(request.url, { request, response })
   * console.log(`connected ${connectedAccount.connection} with ${connectedAccount.scopes.join(' ')}`)
   * ```
   */
  async completeConnectAccount(url: string | URL, storeOptions: StoreOptions): Promise<CompleteConnectAccountResult<TAppState>> {
    const completed = await completeAuthorization(await this.#for(storeOptions), url, 'connect', storeOptions)
    if (completed.flow !== 'connect') throw new InvalidCallbackError('This callback does not complete a connect')
    return { appState: completed.appState as TAppState | undefined, connectedAccount: completed.connectedAccount }
  }

  /**
   * The signed-in user's connected accounts from the My Account API
   * (`read:me:connected_accounts`), following `next` up to a bound (10 pages).
   *
   * @example
   * ```ts
   * const accounts = await client.listConnectedAccounts({}, { request, response })
   * const hasCalendar = accounts.some((account) => account.connection === 'google-oauth2')
   * ```
   */
  async listConnectedAccounts(options: ListConnectedAccountsOptions | undefined, storeOptions: StoreOptions): Promise<ConnectedAccount[]> {
    const { connection, from, take } = options ?? {}
    if (connection !== undefined && !isConnectionName(connection)) {
      throw new InvalidRequestError('connection must be an Auth0 connection name')
    }
    if (take !== undefined && !(Number.isInteger(take) && take > 0)) throw new InvalidRequestError('take must be a positive integer')
    if (from !== undefined && (typeof from !== 'string' || from.length > 2048)) throw new InvalidRequestError('from must be a next cursor')
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const { myAccountAccessToken, CONNECTED_ACCOUNTS_SCOPES, collectPages, listAccountsPage } = await connectedAccountsFeature()
    const { token } = await myAccountAccessToken(context, session, [CONNECTED_ACCOUNTS_SCOPES.read], storeOptions)
    const { tenant } = context
    return collectPages(take ?? Number.POSITIVE_INFINITY, from, (cursor, pageSize) =>
      listAccountsPage(tenant, token, { connection, from: cursor, take: pageSize }, storeOptions.request.signal),
    )
  }

  /**
   * Disconnects one of the signed-in user's connected accounts by its `id` (from
   * {@link listConnectedAccounts}; `delete:me:connected_accounts`). An id that is not the user's
   * is refused by the API (`MyAccountApiError`, `upstreamStatus` 404); a malformed one never
   * leaves the app (`InvalidRequestError`).
   *
   * @throws {CrossSiteRequestError} (403) when another site sent `storeOptions.request`.
   * @example
   * ```ts
   * const [account] = await client.listConnectedAccounts({ connection: 'google-oauth2' }, { request, response })
   * if (account) await client.deleteConnectedAccount(account.id, { request, response })
   * ```
   */
  async deleteConnectedAccount(id: string, storeOptions: StoreOptions): Promise<void> {
    const { CONNECTED_ACCOUNT_ID, CONNECTED_ACCOUNTS_SCOPES, myAccountAccessToken, deleteAccount, dropConnectionTokens } =
      await connectedAccountsFeature()
    if (typeof id !== 'string' || !CONNECTED_ACCOUNT_ID.test(id)) throw new InvalidRequestError('id must be a connected account id (cac_…)')
    const context = await this.#for(storeOptions)
    this.#refuseCrossSite(context, storeOptions, 'A disconnect must be started from this app')
    const session = await this.#requireSession(context, storeOptions)
    const { token, session: current } = await myAccountAccessToken(context, session, [CONNECTED_ACCOUNTS_SCOPES.delete], storeOptions)
    await deleteAccount(context.tenant, token, id, storeOptions.request.signal)
    // The id does not say which connection it was; a cached provider token is cheap to fetch again.
    await dropConnectionTokens(context, current, undefined, storeOptions)
  }

  /**
   * The connections the signed-in user may connect (`read:me:connected_accounts`).
   *
   * @example
   * ```ts
   * const connections = await client.listConnectedAccountConnections({ request, response })
   * const offered = connections.map((connection) => connection.name)
   * ```
   */
  async listConnectedAccountConnections(storeOptions: StoreOptions): Promise<ConnectedAccountConnection[]> {
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const { myAccountAccessToken, CONNECTED_ACCOUNTS_SCOPES, collectPages, listConnectionsPage } = await connectedAccountsFeature()
    const { token } = await myAccountAccessToken(context, session, [CONNECTED_ACCOUNTS_SCOPES.read], storeOptions)
    const { tenant } = context
    return collectPages(Number.POSITIVE_INFINITY, undefined, (from, take) =>
      listConnectionsPage(tenant, token, { from, take }, storeOptions.request.signal),
    )
  }

  /**
   * A provider's access token for `connection` from Auth0 Token Vault, exchanged for the
   * session's refresh token and cached in the session until 30 s before it expires; concurrent
   * calls share one exchange. Throws `ConnectionTokenError` when the user has not connected
   * that account or Token Vault refuses. Never log the token.
   *
   * @example
   * ```ts
   * const { token } = await client.getAccessTokenForConnection({ connection: 'google-oauth2' }, { request, response })
   * const events = await fetch('https://www.googleapis.com/calendar/v3/calendars/primary/events', {
   *   headers: { authorization: `Bearer ${token}` },
   * })
   * ```
   */
  async getAccessTokenForConnection(
    options: AccessTokenForConnectionOptions,
    storeOptions: StoreOptions,
  ): Promise<ConnectionAccessTokenResult> {
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const { accessTokenForConnection } = await import('./flows/token-vault.js')
    const tokenSet = await accessTokenForConnection(context, session, options, storeOptions)
    return { token: tokenSet.accessToken, expiresAt: tokenSet.expiresAt, scope: tokenSet.scope, connection: tokenSet.connection }
  }

  /**
   * The session, or `undefined` when signed out (an invalid cookie counts as signed out).
   *
   * @example
   * ```ts
   * const session = await client.getSession({ request, response })
   * ```
   */
  async getSession(storeOptions: StoreOptions): Promise<SessionData | undefined> {
    return (await this.#for(storeOptions)).stateStore.get(storeOptions)
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
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    return context.managementApi.getIdentities(session.user.sub, storeOptions.request.signal)
  }

  /**
   * Other accounts the signed-in user may have made with the same email: Auth0 users with the
   * session's email (`GET /api/v2/users-by-email`, `read:users`), only when the session's email
   * is verified and theirs is too; never the user themself, an account already linked, or one
   * they declined. Each is `{ connection, provider, userId (masked), lastLogin }`. Cached per
   * session (`suggestions.cacheSeconds`); a rate-limited Management API (429) yields `[]`.
   *
   * @example
   * ```ts
   * const [suggestion] = await client.getLinkSuggestions({ request, response })
   * if (suggestion) {
   *   // offer "You also have an account that signed in with Google. Link it?"
   *   const url = await client.startLinkUser({ suggestion: suggestion.userId }, { request, response })
   * }
   * ```
   */
  async getLinkSuggestions(storeOptions: StoreOptions): Promise<LinkSuggestion[]> {
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const { linkSuggestions } = await linkSuggestionsFlow()
    const suggestions = await linkSuggestions(context, session, storeOptions.request.signal)
    return suggestions.map((entry) => ({ ...entry.suggestion }))
  }

  /**
   * "Not me": the suggestion `userId` (its masked id from {@link getLinkSuggestions}) is not
   * suggested again. Remembered in the user's `app_metadata.link_kit.declined` (`update:users`)
   * or the `suggestions.store` the app provides. An id that was never suggested is refused with
   * `InvalidRequestError` (400).
   *
   * @example
   * ```ts
   * const [suggestion] = await client.getLinkSuggestions({ request, response })
   * if (suggestion) await client.declineLinkSuggestion(suggestion.userId, { request, response })
   * ```
   */
  async declineLinkSuggestion(userId: string, storeOptions: StoreOptions): Promise<void> {
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const { declineLinkSuggestion } = await linkSuggestionsFlow()
    await declineLinkSuggestion(context, session, userId, storeOptions.request.signal)
  }

  /**
   * An access token for `audience` (default: the configured one), refreshed with the refresh
   * token when it has expired; the refreshed session is written back. Concurrent calls of one
   * session share one refresh, so Auth0's refresh-token rotation never sees a reuse. With
   * `scope`, a token with only those scopes (MRRT), kept as its own token set.
   *
   * @example
   * ```ts
   * const { token } = await client.getAccessToken({}, { request, response })
   * await fetch('https://api.example.com/me', { headers: { authorization: `Bearer ${token}` } })
   * ```
   */
  async getAccessToken(options: GetAccessTokenOptions | undefined, storeOptions: StoreOptions): Promise<AccessTokenResult> {
    // The order changed in 0.2 (options first, as Auth0's SDKs); say so rather than read cookies from nowhere.
    if (storeOptions?.request === undefined) {
      throw new InvalidRequestError('getAccessToken(options, storeOptions): storeOptions with the request comes last')
    }
    const context = await this.#for(storeOptions)
    const session = await this.#requireSession(context, storeOptions)
    const audience = options?.audience ?? context.config.authorizationParams.audience ?? DEFAULT_AUDIENCE
    const scope = normalizeScope(options?.scope)
    const current = session.tokenSets.find((set) => set.audience === audience && set.requestedScope === scope)
    const tokenSet =
      current && isTokenFresh(current.expiresAt)
        ? current
        : await (await refreshFlow()).refreshSession(context, session, { audience, scope, keyedByScope: true }, storeOptions)
    return { token: tokenSet.accessToken, expiresAt: tokenSet.expiresAt, scope: tokenSet.scope, tokenType: tokenSet.tokenType ?? 'Bearer' }
  }

  /**
   * A DPoP proof for one call to the app's own API with a DPoP-bound access token (RFC 9449 §7):
   * signed with the `dpop` key pair, naming the method and URL (without query) and the token's
   * hash. Make a new one for every request; pass `nonce` when the API answered with a
   * `DPoP-Nonce`. Throws `ConfigurationError` without the `dpop` option.
   *
   * @example
   * ```ts
   * const { token, tokenType } = await client.getAccessToken({ audience: 'https://api.example.com' }, { request, response })
   * const url = 'https://api.example.com/orders'
   * const headers = new Headers({ authorization: `${tokenType} ${token}` })
   * if (tokenType === 'DPoP') headers.set('dpop', await client.createDpopProof({ method: 'GET', url, accessToken: token }))
   * await fetch(url, { headers })
   * ```
   */
  createDpopProof(request: DpopProofRequest): Promise<string> {
    const { dpopProofs } = this.#context
    if (!dpopProofs) return Promise.reject(new ConfigurationError('dpop', 'is not configured, so there is no key to sign a proof with'))
    return dpopProofs.create(request)
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
    return logout(await this.#for(storeOptions), options.returnTo, storeOptions)
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
    const { backchannelLogout } = await backchannelLogoutFlow()
    return backchannelLogout(this.#context, logoutToken, storeOptions)
  }
}
