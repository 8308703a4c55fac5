import * as oauth from 'oauth4webapi'
import { type HttpOptions, isAbort } from './authorization-server.js'
import { Auth0LinkKitError, IdTokenError, TimeoutError, TokenExchangeError } from './errors.js'
import type { FlowContext } from './flows/context.js'
import { nowInSeconds } from './session.js'

/** Claim checks oauth4webapi reports with these codes are failures of the ID token itself. */
const ID_TOKEN_CODES = new Set<string>([oauth.JWT_CLAIM_COMPARISON, oauth.JWT_TIMESTAMP_CHECK])

/** Future `iat` beyond this clock skew (seconds) means a forged or broken token. */
const MAX_IAT_SKEW = 60

function toTokenError(error: unknown): Auth0LinkKitError {
  if (error instanceof Auth0LinkKitError) return error
  if (isAbort(error)) return new TimeoutError('The token endpoint did not answer in time', { cause: error })
  if (error instanceof oauth.ResponseBodyError) {
    return new TokenExchangeError(`The token endpoint refused the request (${error.error})`, { cause: error, error: error.error })
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new TokenExchangeError('The token endpoint refused the client credentials', { cause: error })
  }
  const message = error instanceof Error ? error.message : ''
  const code = error instanceof oauth.OperationProcessingError ? error.code : undefined
  if ((code !== undefined && ID_TOKEN_CODES.has(code)) || /ID Token|JWT|"alg"|nonce/i.test(message)) {
    return new IdTokenError('The ID token failed validation', { cause: error })
  }
  return new TokenExchangeError('The token endpoint could not be reached or answered invalidly', { cause: error })
}

/**
 * Sends one token request and processes the answer: oauth4webapi checks the response and the
 * ID token claims (`iss`, `aud`, `azp`, `exp`, `nonce`, `auth_time`); we add the signature,
 * verified against the tenant key set, and a bound on `iat`, which oauth4webapi leaves open.
 */
export async function exchangeTokens(
  context: FlowContext,
  signal: AbortSignal | undefined,
  send: (options: HttpOptions) => Promise<Response>,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<{ tokens: oauth.TokenEndpointResponse; claims: oauth.IDToken | undefined }> {
  let tokens: oauth.TokenEndpointResponse
  try {
    tokens = await context.connection.withHttpOptions(signal, async (options) => process(await send(options)))
  } catch (error) {
    throw toTokenError(error)
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens)
  if (tokens.id_token !== undefined) {
    try {
      await context.keySet.verifySignature(tokens.id_token)
    } catch (error) {
      if (error instanceof Auth0LinkKitError) throw error
      throw new IdTokenError('The ID token signature is invalid', { cause: error })
    }
    if (claims && claims.iat > nowInSeconds() + MAX_IAT_SKEW) throw new IdTokenError('The ID token was issued in the future')
  }
  return { tokens, claims }
}
