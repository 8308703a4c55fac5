/**
 * @module The Token Vault step: a provider's access token for one connection (Google, GitHub…),
 * exchanged for the session's refresh token, kept in the session until shortly before it
 * expires, and fetched once however many requests ask at the same moment.
 */

import * as oauth from 'oauth4webapi'
import { ConnectionTokenError, InvalidRequestError, MissingRefreshTokenError, TimeoutError } from '../errors.js'
import { type ConnectionTokenSet, isTokenFresh, nowInSeconds, type SessionData, scopeList } from '../session.js'
import type { StoreOptions } from '../stores.js'
import { upstreamFailure } from '../upstream-failure.js'
import { isConnectionName } from './authorize.js'
import type { ConnectionTokenOutcome, FlowContext } from './context.js'

/** Auth0's grant for a federated connection's access token (RFC 8693 token exchange). */
export const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token'
const FEDERATED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token'

/** What to exchange for: the connection, and optionally which of its accounts and which scopes. */
export interface ConnectionTokenRequest {
  connection: string
  /** Picks one of the user's accounts at that connection (Auth0's `login_hint`). */
  loginHint?: string | undefined
  /** Scopes the token must carry; a cached token without them is not used. */
  scope?: string | undefined
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

function checked(request: ConnectionTokenRequest): ConnectionTokenRequest {
  if (!isConnectionName(request.connection)) throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  const { loginHint, scope } = request
  if (loginHint !== undefined && (typeof loginHint !== 'string' || loginHint.length > 320 || CONTROL.test(loginHint))) {
    throw new InvalidRequestError('loginHint must be an email address or user id of at most 320 characters')
  }
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > 2048 || CONTROL.test(scope))) {
    throw new InvalidRequestError('scope must be a space-separated list of at most 2048 characters')
  }
  return request
}

function covers(set: ConnectionTokenSet, request: ConnectionTokenRequest): boolean {
  if (set.connection !== request.connection || set.loginHint !== request.loginHint) return false
  if (!isTokenFresh(set.expiresAt)) return false
  const granted = scopeList(set.scope)
  return scopeList(request.scope).every((scope) => granted.includes(scope))
}

async function exchange(
  context: FlowContext,
  refreshToken: string,
  request: ConnectionTokenRequest,
  signal: AbortSignal | undefined,
): Promise<ConnectionTokenOutcome> {
  const { tenant } = context
  const as = await tenant.metadata(signal)
  const parameters = new URLSearchParams({
    subject_token: refreshToken,
    subject_token_type: REFRESH_TOKEN_TYPE,
    requested_token_type: FEDERATED_TOKEN_TYPE,
    connection: request.connection,
  })
  if (request.loginHint !== undefined) parameters.set('login_hint', request.loginHint)
  if (request.scope !== undefined) parameters.set('scope', request.scope)
  let tokens: oauth.TokenEndpointResponse
  try {
    tokens = await tenant.call('The Token Vault exchange', signal, async (options) => {
      const response = await oauth.genericTokenEndpointRequest(as, tenant.client, tenant.clientAuth, TOKEN_VAULT_GRANT, parameters, options)
      return oauth.processGenericTokenEndpointResponse(as, tenant.client, response)
    })
  } catch (error) {
    if (error instanceof TimeoutError) throw error
    throw upstreamFailure(error, 'Token Vault', ConnectionTokenError, 'the exchange')
  }
  return { accessToken: tokens.access_token, expiresAt: nowInSeconds() + (tokens.expires_in ?? 0), scope: tokens.scope }
}

/**
 * The provider's access token for `request.connection`: from the session while it has more than
 * 30 s left, else exchanged at Token Vault (grant
 * `urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token`, the
 * refresh token as `subject_token`) and written into the session. Concurrent callers with the
 * same refresh token and connection share one exchange. The token is never logged.
 *
 * @throws {InvalidRequestError} when the connection, `loginHint` or `scope` is malformed.
 * @throws {MissingRefreshTokenError} when the session has no refresh token.
 * @throws {ConnectionTokenError} when Token Vault refused (not connected: 401
 *   `federated_connection_refresh_token_not_found`; `invalid_grant`) or failed.
 * @throws {TimeoutError} when the token endpoint did not answer in time.
 * @see [Auth0: Refresh token exchange with Token Vault](https://auth0.com/docs/secure/call-apis-on-users-behalf/token-vault/refresh-token-exchange-with-token-vault)
 * @see [RFC 8693 - OAuth 2.0 Token Exchange](https://www.rfc-editor.org/rfc/rfc8693.html)
 */
export async function accessTokenForConnection(
  context: FlowContext,
  session: SessionData,
  request: ConnectionTokenRequest,
  storeOptions: StoreOptions,
): Promise<ConnectionTokenSet> {
  const wanted = checked(request)
  const cached = session.connectionTokenSets?.find((set) => covers(set, wanted))
  if (cached) return cached
  if (!session.refreshToken) {
    throw new MissingRefreshTokenError('Token Vault needs a refresh token: sign in with the offline_access scope')
  }
  // This request's cookie may predate a rotation another request just did: sending the retired
  // token would be a reuse, and Auth0 would revoke the whole grant.
  const successor = context.refreshes.successor(session.refreshToken)
  const refreshToken = successor ?? session.refreshToken
  const key = [refreshToken, wanted.connection, wanted.loginHint ?? '', wanted.scope ?? ''].join('\n')
  const outcome = await context.connectionTokens.run(key, () => exchange(context, refreshToken, wanted, storeOptions.request.signal))
  const tokenSet: ConnectionTokenSet = {
    connection: wanted.connection,
    ...(wanted.loginHint !== undefined ? { loginHint: wanted.loginHint } : {}),
    accessToken: outcome.accessToken,
    ...(outcome.scope !== undefined ? { scope: outcome.scope } : {}),
    expiresAt: outcome.expiresAt,
  }
  // The replaced token and any expired ones leave the session, so the cookie does not grow with them.
  const others = (session.connectionTokenSets ?? []).filter(
    (set) => set.expiresAt > nowInSeconds() && !(set.connection === tokenSet.connection && set.loginHint === tokenSet.loginHint),
  )
  const updated: SessionData = { ...session, ...(successor ? { refreshToken: successor } : {}), connectionTokenSets: [...others, tokenSet] }
  await context.stateStore.set(updated, storeOptions)
  return tokenSet
}
