/**
 * @module The logout step: end the session here, keep it ended against callbacks in flight, and
 * send the browser to the tenant's logout endpoint.
 */

import { safeReturnTo } from '../safety.js'
import type { StoreOptions } from '../stores.js'
import { appOrigin } from '../urls.js'
import type { FlowContext } from './context.js'

/**
 * Deletes the session, records its Auth0 `sid` as ended (so a link or unlink callback already in
 * flight in another tab cannot write it back), and returns the tenant logout URL:
 * `end_session_endpoint` (RP-Initiated Logout) when discovery has one, else Auth0's `/v2/logout`.
 * `returnTo` must be on the app's origin; anything else becomes `/`.
 *
 * @throws {DiscoveryError} / {TimeoutError} when discovery fails; the session is deleted by then.
 * @see [OpenID Connect RP-Initiated Logout 1.0 §2](https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout)
 * @see [Auth0: Log users out of Auth0](https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0)
 */
export async function logout(context: FlowContext, returnTo: string | undefined, storeOptions: StoreOptions): Promise<URL> {
  const { config, stateStore } = context
  const session = await stateStore.get(storeOptions)
  await stateStore.delete(storeOptions)
  if (session?.internal.sid) await stateStore.deleteByLogoutToken({ sid: session.internal.sid }, storeOptions)
  const origin = appOrigin(config, storeOptions.request)
  const target = new URL(safeReturnTo(returnTo, origin), origin).href
  const as = await context.tenant.metadata(storeOptions.request.signal)
  if (as.end_session_endpoint) {
    const url = new URL(as.end_session_endpoint)
    if (session) url.searchParams.set('id_token_hint', session.idToken)
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('post_logout_redirect_uri', target)
    return url
  }
  const url = new URL('v2/logout', context.tenant.issuer)
  url.searchParams.set('client_id', config.clientId)
  url.searchParams.set('returnTo', target)
  return url
}
