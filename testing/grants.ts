/** @module Authorization codes and refresh tokens the tenant issued, with rotation and reuse detection. */

import { now, randomId } from './context.js'
import type { EmulatedOrganization } from './organizations.js'
import type { Claims } from './tokens.js'

/** What an access token (and ID token) is issued for. */
export interface Grant {
  /** The client the tokens are issued to (the ID token's `aud`). */
  clientId: string
  /** The DPoP key thumbprint the tokens are bound to. */
  jkt?: string | undefined
  userId: string
  scope: string
  audience: string | undefined
  sid: string
  authTime: number
  organization?: { id: string; name: string } | undefined
}

/** A grant behind a refresh token; `family` ties the tokens one rotation chain produced. */
export interface RefreshGrant extends Grant {
  family: string
}

/** An `/authorize` request the tenant accepted, waiting for the user (page) or approved at once (auto). */
export interface PendingAuthorization {
  clientId: string
  userId: string
  redirectUri: string
  state: string
  nonce: string | undefined
  /** `undefined` only for clients other than the app, which may skip PKCE as confidential clients. */
  codeChallenge: string | undefined
  scope: string
  audience: string | undefined
  organization: EmulatedOrganization | undefined
  invitation: string | undefined
  /** The DPoP key the code is bound to (`dpop_jkt`, or the proof on the pushed request). */
  dpopJkt: string | undefined
  /** Custom claims a post-login Action set for the ID token of this sign-in. */
  idTokenClaims?: Claims
  /** The `/authorize` query (or pushed parameters), as a post-login Action reads `event.request.query`. */
  query: URLSearchParams
  /** The connection signed into, when `/authorize` named one (`connection=`). */
  connection: string | undefined
}

export type IssuedCode = PendingAuthorization & { grant: Grant; expiresAt: number }

const CODE_TTL_SECONDS = 600

/** The codes and refresh tokens in circulation. */
export class GrantStore {
  readonly #codes = new Map<string, IssuedCode>()
  readonly #refreshTokens = new Map<string, RefreshGrant>()
  /** Retired refresh tokens → their family, for reuse detection. */
  readonly #retired = new Map<string, string>()

  constructor(readonly rotation: boolean) {}

  issueCode(authorization: PendingAuthorization, grant: Grant): string {
    const code = randomId()
    this.#codes.set(code, { ...authorization, grant, expiresAt: now() + CODE_TTL_SECONDS })
    return code
  }

  /** The code's record, burnt by any attempt so a leaked code can't be retried with guessed verifiers. */
  redeemCode(code: string): IssuedCode | undefined {
    const issued = this.#codes.get(code)
    this.#codes.delete(code)
    return issued && issued.expiresAt >= now() ? issued : undefined
  }

  issueRefreshToken(grant: Grant, family: string): string {
    const refreshToken = randomId(32)
    this.#refreshTokens.set(refreshToken, { ...grant, family })
    return refreshToken
  }

  /** The grant behind a refresh token in use; a rotated-out one is reuse, which revokes its whole family. */
  liveRefreshGrant(refreshToken: string): RefreshGrant | undefined {
    const reusedFamily = this.#retired.get(refreshToken)
    if (reusedFamily !== undefined) {
      // Reuse of a rotated-out token: Auth0 treats it as theft and revokes the whole family.
      for (const [token, grant] of this.#refreshTokens) if (grant.family === reusedFamily) this.#refreshTokens.delete(token)
      return undefined
    }
    return this.#refreshTokens.get(refreshToken)
  }

  retire(refreshToken: string, family: string): void {
    this.#refreshTokens.delete(refreshToken)
    this.#retired.set(refreshToken, family)
  }
}
