/**
 * @module The emulator's DPoP proof checks (RFC 9449) for its token and PAR endpoints, with nonces.
 */

import { base64url, calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose'

/** What a DPoP proof must be for: the request it rides on, and the nonce the server expects. */
export interface ProofExpectation {
  method: string
  /** The endpoint's URL without query: `htu` must equal it. */
  url: string
  /** The nonce the server currently wants; `undefined` when it wants none. */
  nonce: string | undefined
  /** With a DPoP-bound access token, its hash must be the proof's `ath`. */
  accessToken?: string
}

/** A proof that passed: the thumbprint of its key, what tokens get bound to (`cnf.jkt`). */
export type ProofResult = { jkt: string } | { error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string }

const PROOF_ALGORITHMS = new Set(['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'])
/** How far a proof's `iat` may be from the server's clock (seconds). */
const IAT_WINDOW = 60
/** Proof ids remembered for replay detection, oldest dropped first. */
const MAX_SEEN = 10_000

/** RFC 9449 §4.3 checks, as an authorization server makes them, with replay detection by `jti`. */
export class DpopVerifier {
  readonly #seen = new Set<string>()

  async verify(proof: string, expected: ProofExpectation): Promise<ProofResult> {
    const invalid = (description: string): ProofResult => ({ error: 'invalid_dpop_proof', description })
    let header: ReturnType<typeof decodeProtectedHeader>
    try {
      header = decodeProtectedHeader(proof)
    } catch {
      return invalid('The DPoP proof is not a JWS')
    }
    if (header.typ !== 'dpop+jwt') return invalid('typ must be dpop+jwt')
    if (typeof header.alg !== 'string' || !PROOF_ALGORITHMS.has(header.alg)) return invalid('alg must be an asymmetric algorithm')
    const jwk = header.jwk as JWK | undefined
    if (!jwk || typeof jwk !== 'object' || 'd' in jwk) return invalid('jwk must be a public key')
    let claims: Record<string, unknown>
    try {
      const key = await importJWK(jwk, header.alg)
      const { payload } = await compactVerify(proof, key, { algorithms: [header.alg] })
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
    } catch {
      return invalid('The DPoP proof signature does not verify with its jwk')
    }
    if (claims.htm !== expected.method) return invalid('htm does not match the request method')
    if (claims.htu !== expected.url) return invalid('htu does not match the request URL')
    const now = Math.floor(Date.now() / 1000)
    if (typeof claims.iat !== 'number' || Math.abs(claims.iat - now) > IAT_WINDOW) return invalid('iat is too far from now')
    if (typeof claims.jti !== 'string' || claims.jti === '') return invalid('jti is missing')
    if (expected.accessToken !== undefined) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(expected.accessToken))
      if (claims.ath !== base64url.encode(new Uint8Array(digest))) return invalid('ath does not match the access token')
    }
    if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
      return { error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof' }
    }
    if (this.#seen.has(claims.jti)) return invalid('The DPoP proof was already used (jti)')
    this.#seen.add(claims.jti)
    if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.values().next().value as string)
    return { jkt: await calculateJwkThumbprint(jwk) }
  }
}
