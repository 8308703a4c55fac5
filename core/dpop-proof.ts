/**
 * @module The signing of DPoP proofs for the app's own API calls (RFC 9449), loaded with an
 * app's first `createDpopProof`.
 */

import { base64url } from 'jose'

/** What a proof is for (`DpopProofRequest` of `dpop.ts`, restated so the lazy chunk imports nothing back). */
interface ProofRequest {
  method: string
  url: string | URL
  accessToken?: string
  nonce?: string
}

type PublicJwk = Pick<JsonWebKey, 'kty' | 'crv' | 'x' | 'y' | 'n' | 'e'>

/** The public half as a JWK of only its public members. */
async function publicJwk(publicKey: CryptoKey): Promise<PublicJwk> {
  const { kty, crv, x, y, n, e } = await crypto.subtle.exportKey('jwk', publicKey)
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, member]) => member !== undefined))
}

/** The Web Crypto signing parameters of each JWS algorithm (RFC 7518 §3); ECDSA signs in JWS's r||s form. */
function signParameters(alg: string): Algorithm | EcdsaParams | RsaPssParams {
  const bits = Number(alg.slice(2))
  if (alg.startsWith('ES')) return { name: 'ECDSA', hash: `SHA-${bits}` } as EcdsaParams
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', saltLength: bits / 8 }
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5' }
  return { name: 'Ed25519' }
}

const encoder = new TextEncoder()
const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value))

/**
 * A signer of DPoP proof JWTs: `typ: dpop+jwt`, the public JWK, and `jti`, `htm`, `htu` (the
 * URL without query and fragment), `iat`, plus `ath` (the access token's SHA-256) and `nonce`
 * when given.
 *
 * @see [RFC 9449 §4.2 - DPoP Proof JWT Syntax](https://www.rfc-editor.org/rfc/rfc9449.html#section-4.2)
 * @see [RFC 9449 §7.1 - The DPoP Authentication Scheme](https://www.rfc-editor.org/rfc/rfc9449.html#section-7.1)
 */
export function dpopProofSigner(keys: CryptoKeyPair, alg: string): (request: ProofRequest) => Promise<string> {
  let jwk: Promise<PublicJwk> | undefined
  return async (request) => {
    const url = new URL(request.url)
    const claims: Record<string, string> = {
      jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
      htm: request.method.toUpperCase(),
      htu: `${url.origin}${url.pathname}`,
    }
    if (request.accessToken !== undefined) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(request.accessToken))
      claims.ath = base64url.encode(new Uint8Array(digest))
    }
    if (request.nonce !== undefined) claims.nonce = request.nonce
    jwk ??= publicJwk(keys.publicKey)
    const header = encodeJson({ alg, typ: 'dpop+jwt', jwk: await jwk })
    const payload = encodeJson({ ...claims, iat: Math.floor(Date.now() / 1000) })
    const signature = await crypto.subtle.sign(signParameters(alg), keys.privateKey, encoder.encode(`${header}.${payload}`))
    return `${header}.${payload}.${base64url.encode(new Uint8Array(signature))}`
  }
}
