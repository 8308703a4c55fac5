/**
 * @module The DPoP nonce retry (RFC 9449 §8): a tenant that wants a server nonce in proofs
 * answers `use_dpop_nonce` with a `DPoP-Nonce` header; the request is sent once more with it.
 */

import * as oauth from 'oauth4webapi'
import type { HttpOptions } from '../http.js'
import type { FlowContext } from './context.js'

/**
 * Runs `attempt` with the tenant's DPoP handle in its options (when `dpop` is configured), and
 * once more if the tenant answered with a nonce challenge: oauth4webapi has cached the nonce from
 * that answer, so the second proof carries it. One retry only; a tenant that challenges again
 * gets its error reported, never a loop.
 *
 * @see [RFC 9449 §8 - Authorization Server-Provided Nonce](https://www.rfc-editor.org/rfc/rfc9449.html#section-8)
 */
export async function withDpop<T>(context: FlowContext, attempt: (dpop: Pick<HttpOptions, 'DPoP'>) => Promise<T>): Promise<T> {
  const { dpop } = context.tenant
  if (!dpop) return attempt({})
  try {
    return await attempt({ DPoP: dpop })
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error
    return attempt({ DPoP: dpop })
  }
}
