/**
 * @module The authorization code exchange of an `/authorize` callback: PKCE, `nonce` and
 * `auth_time` checked by oauth4webapi, the ID token's signature by the tenant key set.
 */

import * as oauth from 'oauth4webapi'
import type { AuthorizeTransactionData } from '../stores.js'
import type { FlowContext } from './context.js'
import { requestTokens, type TokenResponse } from './token-request.js'

/**
 * Exchanges the callback's code with the transaction's PKCE verifier and `redirect_uri`, and
 * validates the ID token (`iss`, `aud`, `exp`, `nonce`, and `auth_time` against the transaction's
 * `maxAge` when it has one). An ID token is required.
 *
 * @throws {TokenExchangeError} / {IdTokenError} / {TimeoutError} as {@link requestTokens}.
 * @see [RFC 6749 §4.1.3 - Access Token Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3)
 * @see [OpenID Connect Core §3.1.3.7 - ID Token Validation](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export function exchangeCode(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  transaction: AuthorizeTransactionData,
  validated: URLSearchParams,
  signal: AbortSignal | undefined,
): Promise<TokenResponse> {
  const { tenant } = context
  return requestTokens(
    context,
    signal,
    (options) =>
      oauth.authorizationCodeGrantRequest(
        as,
        tenant.client,
        tenant.clientAuth,
        validated,
        transaction.redirectUri,
        transaction.codeVerifier,
        options,
      ),
    (response) =>
      oauth.processAuthorizationCodeResponse(as, tenant.client, response, {
        expectedNonce: transaction.nonce,
        maxAge: transaction.maxAge ?? oauth.skipAuthTimeCheck,
        requireIdToken: true,
      }),
  )
}
