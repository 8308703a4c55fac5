/**
 * @module One request to the token endpoint and the checks on its answer, shared by the code
 * exchange, the refresh and (later) the token exchanges.
 */

import * as oauth from 'oauth4webapi'
import { Auth0LinkKitError, IdTokenError, TimeoutError, TokenExchangeError } from '../errors.js'
import type { HttpOptions } from '../http.js'
import { nowInSeconds } from '../session.js'
import { upstreamFailure } from '../upstream-failure.js'
import type { FlowContext } from './context.js'
import { withDpop } from './dpop-nonce.js'

/** Future `iat` beyond this clock skew (seconds) means a forged or broken token. */
const MAX_IAT_SKEW = 60

/** oauth4webapi codes that only its JWT (ID token) checks raise (`PARSE_ERROR` is also the body's). */
const ID_TOKEN_CODES = new Set<string>([oauth.JWT_CLAIM_COMPARISON, oauth.JWT_TIMESTAMP_CHECK])

/**
 * Sorts a failed token request by what oauth4webapi says it is, never by its message: an OAuth
 * error body or a challenge is the token endpoint refusing; a JWT check, or an invalid-response
 * finding about the ID token (its cause carries the JWT's parts or claims, where a body finding
 * carries `body`), is the ID token failing.
 */
function classify(error: unknown): Auth0LinkKitError {
  if (error instanceof oauth.UnsupportedOperationError) {
    return new IdTokenError('The ID token uses an unsupported algorithm or extension', { cause: error })
  }
  if (error instanceof oauth.OperationProcessingError) {
    const aboutBody = error.cause !== null && typeof error.cause === 'object' && 'body' in error.cause
    if ((error.code !== undefined && ID_TOKEN_CODES.has(error.code)) || (error.code === oauth.INVALID_RESPONSE && !aboutBody)) {
      return new IdTokenError('The ID token failed validation', { cause: error })
    }
  }
  return upstreamFailure(error, 'The token endpoint', TokenExchangeError)
}

/** A processed token response whose ID token (if any) is still being checked. */
export interface TokenResponse {
  tokens: oauth.TokenEndpointResponse
  /** The ID token's claims as oauth4webapi validated them; its signature is {@link idTokenChecked}'s. */
  claims: oauth.IDToken | undefined
  /**
   * Settles once the ID token's signature and `iat` are checked (at once without an ID token).
   * Nothing may be written, nor any hook called, before it resolved; a caller may prepare work
   * meanwhile and throw that work away when it rejects.
   */
  idTokenChecked: Promise<void>
}

async function checkIdToken(context: FlowContext, idToken: string, claims: oauth.IDToken | undefined): Promise<void> {
  try {
    await context.keySet.verifySignature(idToken)
  } catch (error) {
    if (error instanceof Auth0LinkKitError) throw error
    throw new IdTokenError('The ID token signature is invalid', { cause: error })
  }
  if (claims && claims.iat > nowInSeconds() + MAX_IAT_SKEW) throw new IdTokenError('The ID token was issued in the future')
}

/**
 * Sends one token request and processes the answer: oauth4webapi checks the response and the
 * ID token claims (`iss`, `aud`, `azp`, `exp`, `nonce`, `auth_time`); we add the signature,
 * verified against the tenant key set, and a bound on `iat`, which oauth4webapi leaves open.
 * The signature check runs in the background as `idTokenChecked`, so the caller can encrypt
 * the new session at the same time; {@link requestCheckedTokens} waits for it.
 * With `dpop` configured the request carries a DPoP proof, and a nonce challenge is answered once.
 *
 * @throws {TokenExchangeError} when the token endpoint refused or answered invalidly.
 * @throws {IdTokenError} when the ID token failed a check.
 * @throws {TimeoutError} when the token endpoint did not answer in time.
 * @see [OpenID Connect Core 1.0 §3.1.3.7 - ID Token Validation](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export async function requestTokens(
  context: FlowContext,
  signal: AbortSignal | undefined,
  send: (options: HttpOptions) => Promise<Response>,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<TokenResponse> {
  let tokens: oauth.TokenEndpointResponse
  try {
    tokens = await withDpop(context, (dpop) =>
      context.tenant.call('The token endpoint', signal, async (options) => process(await send({ ...options, ...dpop }))),
    )
  } catch (error) {
    if (error instanceof TimeoutError) throw error
    throw classify(error)
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens)
  const idTokenChecked = tokens.id_token === undefined ? Promise.resolve() : checkIdToken(context, tokens.id_token, claims)
  // Marked handled here: every caller awaits it, but may first start work of its own.
  idTokenChecked.catch(() => {})
  return { tokens, claims, idTokenChecked }
}

/** {@link requestTokens}, resolving only once the ID token is checked. */
export async function requestCheckedTokens(
  context: FlowContext,
  signal: AbortSignal | undefined,
  send: (options: HttpOptions) => Promise<Response>,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<{ tokens: oauth.TokenEndpointResponse; claims: oauth.IDToken | undefined }> {
  const { tokens, claims, idTokenChecked } = await requestTokens(context, signal, send, process)
  await idTokenChecked
  return { tokens, claims }
}
