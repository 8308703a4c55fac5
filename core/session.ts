/**
 * @module What a session holds, and the rules for its lifetime and for merging token responses into it.
 */

import type * as oauth from 'oauth4webapi'
import { IdTokenError } from './errors.js'

/**
 * Claims of the signed-in user, taken from the ID token.
 *
 * @example
 * ```ts
 * const user: UserClaims | undefined = await auth.getUser(request)
 * if (user) console.log(user.sub, user.email)
 * ```
 */
export interface UserClaims {
  sub: string
  name?: string
  email?: string
  email_verified?: boolean
  picture?: string
  sid?: string
  [claim: string]: unknown
}

/**
 * An access token for one audience. `expiresAt` is in seconds since the epoch.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(request)
 * const api: TokenSet | undefined = session?.tokenSets.find((set) => set.audience === 'https://api.example.com')
 * ```
 */
export interface TokenSet {
  audience: string
  accessToken: string
  /** The scope Auth0 granted. */
  scope?: string
  expiresAt: number
  /**
   * The scope asked for with `getAccessToken({ scope })` (normalized); with `audience` it names
   * the set. Absent on the sets of a login, a link or a refresh without `scope`.
   */
  requestedScope?: string
  /** `DPoP` when Auth0 bound the token to the app's DPoP key; absent for a Bearer token. */
  tokenType?: 'DPoP'
}

/**
 * A provider's access token from Token Vault for one connection (and `loginHint`), kept in the
 * session until shortly before it expires. `expiresAt` is in seconds since the epoch.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(request)
 * const google = session?.connectionTokenSets?.find((set) => set.connection === 'google-oauth2')
 * ```
 */
export interface ConnectionTokenSet {
  connection: string
  loginHint?: string
  accessToken: string
  scope?: string
  expiresAt: number
}

/**
 * What a session holds. The default store keeps it in an encrypted, chunked cookie.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(request)
 * if (session) console.log(session.user.sub, session.tokenSets[0]?.expiresAt)
 * ```
 */
export interface SessionData {
  user: UserClaims
  idToken: string
  refreshToken?: string
  tokenSets: TokenSet[]
  /** Provider tokens from Token Vault, one per connection asked for (`getAccessTokenForConnection`). */
  connectionTokenSets?: ConnectionTokenSet[]
  internal: {
    /** Auth0 session id (`sid` claim), used by backchannel logout. */
    sid?: string
    /** Seconds since the epoch when the user signed in; bounds the absolute duration. */
    createdAt: number
    /** Seconds since the epoch of the last write; bounds the inactivity duration. */
    updatedAt: number
    /** The Auth0 organization (`org_id`) the session is signed in to; link and unlink stay in it. */
    organization?: string
    /**
     * The issuer of the Auth0 domain the session was made under, with a domain resolver
     * (multiple custom domains); under any other domain the session reads as signed out.
     */
    issuer?: string
  }
}

/** The audience key used for tokens requested without an `audience`. */
export const DEFAULT_AUDIENCE = 'default'

/** ID token claims that describe the protocol exchange rather than the user. */
const PROTOCOL_CLAIMS = new Set(['aud', 'azp', 'exp', 'iat', 'nbf', 'iss', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'jti'])

/** Drops protocol claims so the session cookie carries only what describes the user. */
export function userFromIdTokenClaims(claims: Record<string, unknown>): UserClaims {
  const user: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.has(key)) user[key] = value
  }
  return user as UserClaims
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/**
 * Seconds before its `expiresAt` a cached token already counts as expired, so a token handed out
 * still works for the call it is fetched for (clock skew, a slow upstream). One rule for every
 * token the kit caches: the session's, the My Account API's, Token Vault's.
 */
export const TOKEN_EXPIRY_LEEWAY = 30

/** True while a token expiring at `expiresAt` (seconds) may still be handed out. */
export function isTokenFresh(expiresAt: number, now: number = nowInSeconds()): boolean {
  return expiresAt > now + TOKEN_EXPIRY_LEEWAY
}

/** A space-separated `scope` (RFC 6749 §3.3) as a list; empty for none. The one scope parser. */
export function scopeList(scope: string | undefined): string[] {
  return typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : []
}

/** The session lifetime settings every state store applies. */
export interface SessionLifetime {
  rolling: boolean
  inactivityDuration: number
  absoluteDuration: number
}

/** When `session` ends: its absolute end, or sooner after inactivity when rolling (seconds). */
export function sessionExpiresAt(session: SessionData, lifetime: SessionLifetime): number {
  const absolute = session.internal.createdAt + lifetime.absoluteDuration
  return lifetime.rolling ? Math.min(absolute, session.internal.updatedAt + lifetime.inactivityDuration) : absolute
}

/**
 * Whether a read should rewrite a rolling session to keep it alive: at most once a minute, so
 * a busy user does not cost a write per request.
 */
export function shouldTouch(session: SessionData, lifetime: SessionLifetime): boolean {
  return lifetime.rolling && nowInSeconds() - session.internal.updatedAt > 60
}

/**
 * A scope as a token set key: its tokens deduplicated and sorted, so `b a` and `a b` name one
 * set; `undefined` for none.
 */
export function normalizeScope(scope: string | undefined): string | undefined {
  const tokens = [...new Set(scopeList(scope))].sort()
  return tokens.length === 0 ? undefined : tokens.join(' ')
}

/** The session's record of an access token from a token response. */
function tokenSetFrom(tokens: oauth.TokenEndpointResponse, audience: string, requestedScope: string | undefined): TokenSet {
  return {
    audience,
    accessToken: tokens.access_token,
    expiresAt: nowInSeconds() + (tokens.expires_in ?? 0),
    ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
    ...(requestedScope !== undefined ? { requestedScope } : {}),
    // oauth4webapi lower-cases token_type and accepts only `bearer` and `dpop`.
    ...(tokens.token_type === 'dpop' ? { tokenType: 'DPoP' as const } : {}),
  }
}

/** Replaces the token set for `tokenSet`'s audience and requested scope, keeping all others. */
function withTokenSet(tokenSets: readonly TokenSet[], tokenSet: TokenSet): TokenSet[] {
  const other = (existing: TokenSet) => existing.audience !== tokenSet.audience || existing.requestedScope !== tokenSet.requestedScope
  return [...tokenSets.filter(other), tokenSet]
}

/**
 * The session after a token response: a new one when there is none (login), else the same
 * user's session with the new access token for `audience` (and `requestedScope`, when a
 * refresh asked for a scope), and the ID token, refresh token and
 * `sid` replaced when the response carries them (link, unlink, refresh). Profile claims the new
 * ID token does not repeat are kept: link tokens carry a narrow scope.
 */
export function applyTokenResponse(
  existing: SessionData | undefined,
  tokens: oauth.TokenEndpointResponse,
  claims: oauth.IDToken | undefined,
  audience: string,
  requestedScope?: string,
): { session: SessionData; tokenSet: TokenSet } {
  const tokenSet = tokenSetFrom(tokens, audience, requestedScope)
  const sid = typeof claims?.sid === 'string' ? { sid: claims.sid } : {}
  const organization = typeof claims?.org_id === 'string' ? { organization: claims.org_id } : {}
  const refreshToken = tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}
  if (!existing) {
    if (!claims || tokens.id_token === undefined) throw new IdTokenError('The token endpoint returned no ID token')
    const now = nowInSeconds()
    const session: SessionData = {
      user: userFromIdTokenClaims(claims),
      idToken: tokens.id_token,
      tokenSets: [tokenSet],
      internal: { createdAt: now, updatedAt: now, ...sid, ...organization },
      ...refreshToken,
    }
    return { session, tokenSet }
  }
  const session: SessionData = {
    ...existing,
    ...(claims && tokens.id_token !== undefined
      ? { user: { ...existing.user, ...userFromIdTokenClaims(claims) }, idToken: tokens.id_token }
      : {}),
    tokenSets: withTokenSet(existing.tokenSets, tokenSet),
    internal: { ...existing.internal, ...sid, ...organization },
    ...refreshToken,
  }
  return { session, tokenSet }
}
