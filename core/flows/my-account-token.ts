/**
 * @module The My Account API token: an access token for `https://<domain>/me/` with the scopes a
 * connected-accounts call needs, got with the session's refresh token (Auth0's Multi-Resource
 * Refresh Token) and kept in the session as a token set like any other audience.
 */

import { MissingRefreshTokenError, MyAccountApiError, TokenExchangeError } from '../errors.js'
import { CONNECTED_ACCOUNTS_SCOPES, myAccountAudience } from '../my-account-base.js'
import { isTokenFresh, type SessionData, scopeList } from '../session.js'
import type { StoreOptions } from '../stores.js'
import type { FlowContext } from './context.js'
import { refreshSessionFor } from './refresh.js'

/** The connected-accounts scopes in one fixed order, so concurrent requests ask for the same scope string. */
const KNOWN_SCOPES: readonly string[] = Object.values(CONNECTED_ACCOUNTS_SCOPES)

/** A My Account API scope a call needs. */
export type ConnectedAccountsScope = (typeof CONNECTED_ACCOUNTS_SCOPES)[keyof typeof CONNECTED_ACCOUNTS_SCOPES]

const MISSING_REFRESH_TOKEN =
  'Connected accounts need a refresh token for the My Account API: sign in with the offline_access scope, ' +
  'and enable a Multi-Resource Refresh Token (MRRT) policy for https://<your-domain>/me/ on the application'

/**
 * A My Account API access token carrying `scopes`, and the session it now lives in. A cached
 * token that is fresh and has them is used as is; otherwise one refresh asks for them plus the
 * connected-accounts scopes the cached token had, so alternating calls (list, then delete) do
 * not take turns replacing each other's token. Shares the refresh single-flight, so Auth0's
 * refresh-token rotation never sees a reuse.
 *
 * @throws {MissingRefreshTokenError} when the session has no refresh token (sign in with `offline_access`).
 * @throws {MyAccountApiError} when Auth0 refused the token (no MRRT policy, `mfa_required`, a revoked
 *   refresh token: see `error`) or issued one without the scopes.
 * @throws {TimeoutError} when the token endpoint did not answer in time.
 * @see [Auth0: Multi-Resource Refresh Token](https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token)
 * @see [Auth0: My Account API](https://auth0.com/docs/manage-users/my-account-api)
 */
export async function myAccountAccessToken(
  context: FlowContext,
  session: SessionData,
  scopes: readonly ConnectedAccountsScope[],
  storeOptions: StoreOptions,
): Promise<{ token: string; session: SessionData }> {
  const audience = myAccountAudience(context.tenant.issuer).href
  const cached = session.tokenSets.find((set) => set.audience === audience)
  const cachedScopes = scopeList(cached?.scope)
  if (cached && isTokenFresh(cached.expiresAt) && scopes.every((scope) => cachedScopes.includes(scope))) {
    return { token: cached.accessToken, session }
  }
  if (!session.refreshToken) throw new MissingRefreshTokenError(MISSING_REFRESH_TOKEN)
  const wanted = new Set<string>([...scopes, ...cachedScopes.filter((scope) => KNOWN_SCOPES.includes(scope))])
  const scope = KNOWN_SCOPES.filter((known) => wanted.has(known)).join(' ')
  let refreshed: Awaited<ReturnType<typeof refreshSessionFor>>
  try {
    refreshed = await refreshSessionFor(context, session, { audience, scope }, storeOptions)
  } catch (error) {
    if (error instanceof TokenExchangeError) {
      throw new MyAccountApiError(
        `Auth0 refused a My Account API token${error.error ? ` (${error.error})` : ''}; check the application's Multi-Resource Refresh Token policy for ${audience}`,
        { cause: error, ...(error.error ? { error: error.error } : {}) },
      )
    }
    throw error
  }
  const { tokenSet } = refreshed
  // Auth0 answers an audience outside the application's MRRT policy with a token for the login
  // audience instead; its scope gives that away, and calling the API with it would only be refused.
  const granted = scopeList(tokenSet.scope)
  const missing = tokenSet.scope === undefined ? [] : scopes.filter((needed) => !granted.includes(needed))
  if (missing.length > 0) {
    throw new MyAccountApiError(
      `Auth0 issued no My Account API token with ${missing.join(' ')}: add ${audience} with these scopes to the application's Multi-Resource Refresh Token policy`,
    )
  }
  return { token: tokenSet.accessToken, session: refreshed.session }
}
