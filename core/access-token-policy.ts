/**
 * @module What `/auth/access-token` may answer: an allowlist of audiences and the scopes each
 * may be asked with, and never the My Account API's audience.
 */

import { ConfigurationError, InvalidRequestError } from './errors.js'
import type { AccessTokenRouteOptions, AuthorizationParameters } from './options.js'
import { DEFAULT_SCOPE } from './options.js'
import { DEFAULT_AUDIENCE } from './session.js'

/** One allowed audience, with the scope tokens a request may ask it for. */
export interface AllowedAccessToken {
  audience: string
  scopes: ReadonlySet<string>
}

const tokens = (scope: string | undefined) => (scope ?? '').split(/\s+/).filter(Boolean)

/**
 * The allowlist from options. By default the route answers what login asked for and nothing
 * else: the configured audience with (subsets of) the configured scope. Each further audience
 * is a token the browser's scripts can read, so it has to be named.
 *
 * @throws {ConfigurationError} naming `accessTokenRoute.allow` when an entry is malformed.
 */
export function parseAccessTokenAllowlist(
  options: AccessTokenRouteOptions | undefined,
  authorizationParams: AuthorizationParameters,
): AllowedAccessToken[] {
  const configured: AllowedAccessToken = {
    audience: authorizationParams.audience ?? DEFAULT_AUDIENCE,
    scopes: new Set(tokens(authorizationParams.scope ?? DEFAULT_SCOPE)),
  }
  if (options?.allow === undefined) return [configured]
  if (!Array.isArray(options.allow)) throw new ConfigurationError('accessTokenRoute.allow', 'must be an array of { audience, scope? }')
  return options.allow.map((entry) => {
    if (entry === null || typeof entry !== 'object' || typeof entry.audience !== 'string' || entry.audience === '') {
      throw new ConfigurationError('accessTokenRoute.allow', 'entries need an audience string')
    }
    if (entry.scope !== undefined && typeof entry.scope !== 'string') {
      throw new ConfigurationError('accessTokenRoute.allow', 'an entry scope must be a space-separated string')
    }
    return { audience: entry.audience, scopes: new Set(tokens(entry.scope)) }
  })
}

/**
 * Refuses an `/auth/access-token` request for an audience not on the allowlist, a scope beyond
 * what its entry allows, or the My Account API (whose token can create and delete the user's
 * connected accounts; the kit uses it server-side only).
 *
 * @throws {InvalidRequestError} when the request asks for anything else.
 */
export function checkAccessTokenRequest(
  allow: readonly AllowedAccessToken[],
  myAccountAudience: string,
  audience: string,
  scope: string | undefined,
): void {
  if (audience === myAccountAudience || audience.replace(/\/?$/, '/') === myAccountAudience) {
    throw new InvalidRequestError('The access-token route never answers the My Account API audience')
  }
  const entry = allow.find((allowed) => allowed.audience === audience)
  if (!entry) throw new InvalidRequestError('The access-token route does not answer this audience')
  if (tokens(scope).some((token) => !entry.scopes.has(token))) {
    throw new InvalidRequestError('The access-token route does not answer this scope for the audience')
  }
}
