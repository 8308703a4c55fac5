/**
 * @module An oauth4webapi failure of a call to one Auth0 endpoint as that endpoint's own error:
 * the token endpoint, PAR and Token Vault refuse, and fail, in the same three ways.
 */

import * as oauth from 'oauth4webapi'
import { Auth0LinkKitError, type UpstreamError } from './errors.js'

/** An {@link UpstreamError} subclass, as the endpoint's failures are reported. */
export type UpstreamErrorClass = new (
  message: string,
  options?: { cause?: unknown; error?: string; upstreamStatus?: number },
) => UpstreamError

/**
 * Sorts a failed call by what oauth4webapi says it is, never by its message: an OAuth error body
 * (its `error` and status kept), a refused client (a `WWW-Authenticate` challenge), or an answer
 * that was unreachable or invalid. Our own errors (a timeout, a configuration problem) pass through.
 * `what` names the endpoint in the message ("The token endpoint"); `asked` what it refused.
 */
export function upstreamFailure(error: unknown, what: string, ErrorClass: UpstreamErrorClass, asked = 'the request'): Auth0LinkKitError {
  if (error instanceof Auth0LinkKitError) return error
  if (error instanceof oauth.ResponseBodyError) {
    return new ErrorClass(`${what} refused ${asked} (${error.error})`, { cause: error, error: error.error, upstreamStatus: error.status })
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new ErrorClass(`${what} refused the client credentials`, { cause: error, upstreamStatus: error.status })
  }
  return new ErrorClass(`${what} could not be reached or answered invalidly`, { cause: error })
}
