/**
 * @module The emulator's token signer: its keys, the ID, access and logout tokens it mints, and the ID
 * token tampering a test can ask for.
 */

import type { JWK, JWTPayload } from 'jose'
import { base64url, CompactSign, calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import type { IdTokenTamper } from './failures.js'

export type Claims = Record<string, unknown>

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  jwk: JWK
}

async function createSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(jwk)
  return { kid, privateKey, publicKey, jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } }
}

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value))

/** `overrides` merged over `claims`; an override of `undefined` removes the claim. */
export function withOverrides(claims: Claims, overrides: Claims = {}): Claims {
  const merged: Claims = { ...claims }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[key]
    else merged[key] = value
  }
  return merged
}

/** The tenant's RS256 signing key, plus the wrong keys and algorithms tests need. */
export class TokenSigner {
  readonly #key: SigningKey
  // Made on first use: a second RSA key costs tens of milliseconds and most tests never need it.
  #foreign: Promise<SigningKey> | undefined

  private constructor(key: SigningKey) {
    this.#key = key
  }

  static async create(): Promise<TokenSigner> {
    return new TokenSigner(await createSigningKey())
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.#key.jwk }] }
  }

  /** A second key, made on first use, whose `kid` is not in the JWKS. */
  #foreignKey(): Promise<SigningKey> {
    this.#foreign ??= createSigningKey()
    return this.#foreign
  }

  /** CompactSign rather than SignJWT so tampered claims of any type can be signed as given. */
  async sign(claims: Claims, options: { typ?: string; key?: 'foreign' } = {}): Promise<string> {
    const key = options.key === 'foreign' ? await this.#foreignKey() : this.#key
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'RS256', typ: options.typ ?? 'JWT', kid: key.kid })
      .sign(key.privateKey)
  }

  unsigned(claims: Claims, typ = 'JWT'): string {
    return `${encodeJson({ alg: 'none', typ })}.${encodeJson(claims)}.`
  }

  async signTampered(claims: Claims, tamper: IdTokenTamper, clientSecret: string): Promise<string> {
    if ('claims' in tamper) return this.sign(withOverrides(claims, tamper.claims))
    if ('kid' in tamper) return this.sign(claims, { key: 'foreign' })
    if ('alg' in tamper && tamper.alg === 'none') return this.unsigned(claims)
    if ('alg' in tamper) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(clientSecret))
    }
    const [header, payload, signature = ''] = (await this.sign(claims)).split('.')
    const bytes = base64url.decode(signature)
    const middle = bytes.length >> 1
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff
    return `${header}.${payload}.${base64url.encode(bytes)}`
  }

  /** A bearer token this tenant issued for `audience`, or `undefined`. */
  async verify(token: string, issuer: string, audience: string): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key.publicKey, { issuer, audience, algorithms: ['RS256'] })
      return payload
    } catch {
      return undefined
    }
  }

  /**
   * The claims of a token signed by this tenant, expiry not checked: Auth0 accepts an expired
   * ID token as `id_token_hint`, and the kit sends the session's, which may well be expired.
   */
  async verifySignature(token: string): Promise<Claims | undefined> {
    try {
      const { payload } = await compactVerify(token, this.#key.publicKey, { algorithms: ['RS256'] })
      const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
      return typeof claims === 'object' && claims !== null ? (claims as Claims) : undefined
    } catch {
      return undefined
    }
  }
}
