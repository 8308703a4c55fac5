/**
 * @module The back-channel logout step: a logout token from the tenant, verified, ends the
 * sessions it names.
 */

import { base64url, compactVerify, decodeJwt } from 'jose'
import { BackchannelLogoutError } from '../errors.js'
import { nowInSeconds } from '../session.js'
import type { StateStore, StoreOptions } from '../stores.js'
import { SIGNING_ALGORITHMS } from '../tenant-key-set.js'
import type { TenantScope } from '../tenants.js'
import type { InstanceContext } from './context.js'

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/** Logout tokens older than this (seconds) are refused, bounding how long one can be replayed. */
const MAX_TOKEN_AGE = 300

/** Clock skew accepted on `exp` and `iat` (seconds). */
const CLOCK_TOLERANCE = 60

/**
 * The claims of a signature-checked logout token, once its registered claims hold as for an ID
 * token: `iss` is the tenant, `aud` names this client, it has not expired (nor is before its `nbf`), and its `iat` is
 * neither in the future nor older than {@link MAX_TOKEN_AGE} (each with {@link CLOCK_TOLERANCE}).
 * Written out rather than jose's `jwtVerify`, whose claim checks would ship in every app's
 * initial code (an app bundler cannot split jose's barrel) for a route few apps turn on.
 *
 * @throws {Error} naming the claim that does not hold (the caller wraps it).
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6 - Logout Token Validation](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 * @see [OpenID Connect Core 1.0 §3.1.3.7 - ID Token Validation](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
function registeredClaims(payload: Uint8Array, issuer: string, clientId: string): Record<string, unknown> {
  const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('the payload is not a JSON object')
  const { iss, aud, exp, iat, nbf } = claims as Record<string, unknown>
  if (iss !== issuer) throw new Error('iss is not the tenant')
  if (!(aud === clientId || (Array.isArray(aud) && aud.includes(clientId)))) throw new Error('aud does not name this client')
  const now = nowInSeconds()
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now - CLOCK_TOLERANCE)) throw new Error('exp has passed')
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + CLOCK_TOLERANCE)) throw new Error('nbf has not come')
  if (typeof iat !== 'number') throw new Error('iat is missing')
  if (iat > now + CLOCK_TOLERANCE) throw new Error('iat is in the future')
  if (now - iat - CLOCK_TOLERANCE > MAX_TOKEN_AGE) throw new Error('iat is too long ago')
  return claims as Record<string, unknown>
}

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
 * member, no `nonce`, `sub` or `sid` present, `jti` and `exp` present and the `jti` not used
 * before) and ends the sessions it names. With several
 * custom domains, the token's domain is found by its `iss` among those this app has used.
 *
 * @throws {BackchannelLogoutError} when the token is missing or fails any check.
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6 - Logout Token Validation](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 */
export async function backchannelLogout(context: InstanceContext, logoutToken: string, storeOptions: StoreOptions): Promise<void> {
  if (typeof logoutToken !== 'string' || logoutToken === '') throw new BackchannelLogoutError('logout_token is missing')
  const { keySet, tenant } = scopeOf(context, logoutToken)
  let claims: Record<string, unknown>
  try {
    const { payload } = await keySet.verify((keys) => compactVerify(logoutToken, keys, { algorithms: SIGNING_ALGORITHMS }))
    claims = registeredClaims(payload, tenant.issuer.href, tenant.client.client_id)
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
  // §2.4 makes both REQUIRED; without them a token could not be told apart from its replay, nor
  // forgotten once it can no longer be accepted.
  const { jti, exp } = claims
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw new BackchannelLogoutError('The logout token has no usable jti')
  if (typeof exp !== 'number') throw new BackchannelLogoutError('The logout token has no exp')
  if (!(await firstUse(context, `${String(claims.iss)} ${jti}`, exp))) {
    throw new BackchannelLogoutError('The logout token was already used')
  }
  await context.stateStore.deleteByLogoutToken({ ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) }, storeOptions)
}

/** A `jti` longer than this is not one Auth0 made; it would only grow the replay memory. */
const MAX_JTI_LENGTH = 256

/**
 * True the first time a logout token (by issuer and `jti`) is seen within its lifetime. Kept in
 * this process and, where the state store offers {@link StateStore.markOnce} (the stateful
 * backends), in the store, so a replay to another instance is refused too.
 */
async function firstUse(context: InstanceContext, id: string, exp: number): Promise<boolean> {
  // Remembered a minute past exp: verification accepts that much clock skew.
  const until = exp + 60
  const key = `logout-jti:${base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id))))}`
  if (!context.usedLogoutTokens.markOnce(key, until)) return false
  const { markOnce } = context.stateStore
  return markOnce ? markOnce.call(context.stateStore, key, Math.max(1, until - nowInSeconds())) : true
}
