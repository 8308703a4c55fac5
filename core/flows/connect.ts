/**
 * @module The connect step of Connected Accounts: start a connect request at the My Account API
 * (PKCE, `state`, the `auth_session` stored as the flow's transaction), and complete it when the
 * browser comes back with a `connect_code`.
 */

import * as oauth from 'oauth4webapi'
import { InvalidCallbackError, InvalidRequestError, MissingSessionError, UserMismatchError } from '../errors.js'
import { type ConnectedAccount, type ConnectRequestBody, completeConnectRequest, createConnectRequest } from '../my-account-api.js'
import { CONNECTED_ACCOUNTS_SCOPES } from '../my-account-base.js'
import type { AuthorizationParameters } from '../options.js'
import { nowInSeconds, type SessionData } from '../session.js'
import type { ConnectTransactionData, StoreOptions } from '../stores.js'
import { appOrigin } from '../urls.js'
import { isConnectionName } from './authorize.js'
import { checkedScopes } from './connect-scopes.js'
import type { FlowContext } from './context.js'
import { myAccountAccessToken } from './my-account-token.js'

/** What starting a connect needs: the signed-in session and what to connect. */
export interface ConnectRequest {
  session: SessionData
  connection: string
  /** Provider scopes to ask for (`scopes` of the connect request). */
  scopes?: readonly string[] | undefined
  /** Parameters for the identity provider's authorization request (`authorization_params`). */
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
}

/** The identity provider's parameters: the per-call ones, as strings, without our `redirect_uri`. */
function providerParameters(params: AuthorizationParameters | undefined): Record<string, string> | undefined {
  if (!params) return undefined
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(params)) {
    if (key !== 'redirect_uri' && value !== undefined && value !== null) result[key] = String(value)
  }
  return Object.keys(result).length > 0 ? result : undefined
}

/**
 * Starts connecting `connection` for the signed-in user: gets a My Account API token with
 * `create:me:connected_accounts`, creates a connect request with PKCE (S256) and `state`,
 * stores `{ state, codeVerifier, authSession, redirectUri, appState }` as the transaction under
 * its `state`, and returns the connect URI (`connect_uri?ticket=…`) to redirect to.
 *
 * @throws {InvalidRequestError} when `connection` is not a connection name or `scopes` are malformed.
 * @throws {MissingRefreshTokenError} / {MyAccountApiError} / {TimeoutError} from the token or the API.
 * @see [Auth0: Connected Accounts for Token Vault](https://auth0.com/docs/secure/tokens/token-vault/connected-accounts-for-token-vault)
 * @see [RFC 7636 §4 - PKCE](https://www.rfc-editor.org/rfc/rfc7636.html#section-4)
 */
export async function startConnect(context: FlowContext, request: ConnectRequest, storeOptions: StoreOptions): Promise<URL> {
  const { config } = context
  if (!isConnectionName(request.connection)) {
    throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  }
  const scopes = checkedScopes(request.scopes)
  const redirectTo = request.authorizationParams?.redirect_uri ?? config.authorizationParams.redirect_uri
  const redirectUri = redirectTo ?? new URL(config.routes.callback, appOrigin(config, storeOptions.request)).href
  const { token, session } = await myAccountAccessToken(context, request.session, [CONNECTED_ACCOUNTS_SCOPES.create], storeOptions)

  const codeVerifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const authorizationParams = providerParameters(request.authorizationParams)
  const body: ConnectRequestBody = {
    connection: request.connection,
    redirect_uri: String(redirectUri),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(scopes ? { scopes } : {}),
    ...(authorizationParams ? { authorization_params: authorizationParams } : {}),
  }
  const ticket = await createConnectRequest(context.tenant, token, body, storeOptions.request.signal)
  const transaction: ConnectTransactionData = {
    flow: 'connect',
    state,
    codeVerifier,
    redirectUri: String(redirectUri),
    authSession: ticket.authSession,
    connection: request.connection,
    sub: session.user.sub,
    issuer: context.tenant.issuer.href,
    createdAt: nowInSeconds(),
    ...(request.appState !== undefined ? { appState: request.appState } : {}),
  }
  await context.transactionStore.set(state, transaction, storeOptions)
  return ticket.url
}

/** Connect codes are short opaque values (Auth0 documents at most 46 characters). */
const CONNECT_CODE = /^[A-Za-z0-9._~-]{1,256}$/

/**
 * Completes a connect from its callback: the same user must still be signed in; the
 * `connect_code` goes to `POST /me/v1/connected-accounts/complete` with the transaction's
 * `auth_session`, PKCE verifier and `redirect_uri`. The transaction was already used up by the
 * caller; the session is written only when the My Account API token had to be refreshed.
 *
 * @throws {InvalidCallbackError} when the callback has no well-formed `connect_code`.
 * @throws {MissingSessionError} when the session ended meanwhile.
 * @throws {UserMismatchError} when another user is signed in now.
 * @throws {MyAccountApiError} / {TimeoutError} from the token or the API (a used, foreign or crossed code).
 * @see [My Account API: Complete a connected account request](https://auth0.com/docs/api/myaccount/connected-accounts/complete-connected-account-request)
 */
export async function completeConnect(
  context: FlowContext,
  transaction: ConnectTransactionData,
  params: URLSearchParams,
  storeOptions: StoreOptions,
): Promise<{ session: SessionData; connectedAccount: ConnectedAccount }> {
  const connectCode = params.get('connect_code')
  if (connectCode === null || !CONNECT_CODE.test(connectCode)) throw new InvalidCallbackError('The callback has no valid connect_code')
  const existing = await context.stateStore.get(storeOptions)
  if (!existing) throw new MissingSessionError('The session ended before the connect completed')
  if (existing.user.sub !== transaction.sub) throw new UserMismatchError('The connect was started by another user')
  const { token, session } = await myAccountAccessToken(context, existing, [CONNECTED_ACCOUNTS_SCOPES.create], storeOptions)
  const connectedAccount = await completeConnectRequest(
    context.tenant,
    token,
    {
      auth_session: transaction.authSession,
      connect_code: connectCode,
      redirect_uri: transaction.redirectUri,
      code_verifier: transaction.codeVerifier,
    },
    storeOptions.request.signal,
  )
  return { session, connectedAccount }
}
