/**
 * @module The pushed authorization request (PAR, RFC 9126): the authorization parameters go to the
 * tenant over the back channel, and the browser's `/authorize` URL carries only `client_id` and
 * the `request_uri` the tenant answered with.
 */

import * as oauth from 'oauth4webapi'
import { ConfigurationError, PushedAuthorizationError, TimeoutError } from '../errors.js'
import { upstreamFailure } from '../upstream-failure.js'
import type { FlowContext } from './context.js'
import { withDpop } from './dpop-nonce.js'

/**
 * Pushes `parameters` (everything `/authorize` would have carried, PKCE, `state` and `nonce`
 * included) to the tenant's `pushed_authorization_request_endpoint`, authenticated as the
 * client, and returns the `request_uri` the tenant answered with: the `/authorize` URL then
 * carries only it and `client_id`. Auth0 keeps a `request_uri` for 30 seconds and accepts it once.
 *
 * There is no fallback to a plain `/authorize` URL: an app that asked for PAR asked for its
 * parameters to stay off the front channel, so a tenant without the endpoint is a
 * misconfiguration, not a reason to send them there anyway.
 *
 * @throws {ConfigurationError} when the tenant's discovery document has no PAR endpoint.
 * @throws {PushedAuthorizationError} when the endpoint refused or answered invalidly.
 * @throws {TimeoutError} when it did not answer in time.
 * @see [RFC 9126 §2 - Pushed Authorization Request Endpoint](https://www.rfc-editor.org/rfc/rfc9126.html#section-2)
 * @see [RFC 9126 §4 - Authorization Request](https://www.rfc-editor.org/rfc/rfc9126.html#section-4)
 * @see [Auth0: Configure Pushed Authorization Requests](https://auth0.com/docs/get-started/applications/configure-par)
 */
export async function pushAuthorizationRequest(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  parameters: URLSearchParams,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (!as.pushed_authorization_request_endpoint) {
    throw new ConfigurationError(
      'pushedAuthorizationRequests',
      'the tenant has no pushed_authorization_request_endpoint; allow PAR in the Auth0 dashboard (Settings → Advanced) or turn the option off',
    )
  }
  const { tenant } = context
  let pushed: oauth.PushedAuthorizationResponse
  try {
    // With DPoP the push carries a proof too, which binds the authorization code to the key (RFC 9449 §10.1).
    pushed = await withDpop(context, (dpop) =>
      tenant.call('The PAR endpoint', signal, async (options) =>
        oauth.processPushedAuthorizationResponse(
          as,
          tenant.client,
          await oauth.pushedAuthorizationRequest(as, tenant.client, tenant.clientAuth, parameters, { ...options, ...dpop }),
        ),
      ),
    )
  } catch (error) {
    if (error instanceof TimeoutError) throw error
    throw upstreamFailure(error, 'The PAR endpoint', PushedAuthorizationError)
  }
  return pushed.request_uri
}
