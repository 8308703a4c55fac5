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
  internal: {
    /** Auth0 session id (`sid` claim), used by backchannel logout. */
    sid?: string
    /** Seconds since the epoch when the user signed in; bounds the absolute duration. */
    createdAt: number
    /** Seconds since the epoch of the last write; bounds the inactivity duration. */
    updatedAt: number
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
