/**
 * @module The back-channel logout step: a logout token from the tenant, verified, ends the
 * sessions it names.
 */

import { decodeJwt } from 'jose'
import { BackchannelLogoutError } from '../errors.js'
import type { StoreOptions } from '../stores.js'
import type { TenantScope } from '../tenants.js'
import type { InstanceContext } from './context.js'

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/** Logout tokens older than this (seconds) are refused, bounding how long one can be replayed. */
const MAX_TOKEN_AGE = 300

/**
 * The domain a logout token is from: the configured one (its issuer is checked with the
 * signature), or, with a domain resolver, the one among those this app has used that the token's
 * `iss` names. A token from any other issuer cannot end a session here.
 */
function scopeOf(context: InstanceContext, logoutToken: string): TenantScope {
  const { fixed } = context.tenants
  if (fixed) return fixed
  let issuer: unknown
  try {
    issuer = decodeJwt(logoutToken).iss
  } catch (error) {
    throw new BackchannelLogoutError('The logout token is not a JWT', { cause: error })
  }
  const scope = typeof issuer === 'string' ? context.tenants.seen(issuer) : undefined
  if (!scope) throw new BackchannelLogoutError('The logout token is from an Auth0 domain this app has not used')
  return scope
}

/**
 * Verifies a logout token (signature, `iss`, `aud`, `iat`/`exp`, the back-channel `events`
 * member, no `nonce`, `sub` or `sid` present) and ends the sessions it names. With several
 * custom domains, the token's domain is found by its `iss` among those this app has used.
 *
 * @throws {BackchannelLogoutError} when the token is missing or fails any check.
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6 - Logout Token Validation](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 */
export async function backchannelLogout(context: InstanceContext, logoutToken: string, storeOptions: StoreOptions): Promise<void> {
  if (typeof logoutToken !== 'string' || logoutToken === '') throw new BackchannelLogoutError('logout_token is missing')
  const { keySet } = scopeOf(context, logoutToken)
  let claims: Record<string, unknown>
  try {
    claims = await keySet.verifyJwt(logoutToken, { maxTokenAge: MAX_TOKEN_AGE })
  } catch (error) {
    throw new BackchannelLogoutError('The logout token failed verification', { cause: error })
  }
  const events = claims.events
  if (events === null || typeof events !== 'object' || typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
    throw new BackchannelLogoutError('The logout token has no backchannel-logout event')
  }
  if ('nonce' in claims) throw new BackchannelLogoutError('A logout token must not contain a nonce')
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined
  const sid = typeof claims.sid === 'string' ? claims.sid : undefined
  if (!sub && !sid) throw new BackchannelLogoutError('The logout token names neither sub nor sid')
  await context.stateStore.deleteByLogoutToken({ ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) }, storeOptions)
}
