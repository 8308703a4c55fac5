/**
 * @module `private_key_jwt` client authentication (RFC 7523): the signing key as the app gives it
 * (a CryptoKey, a PKCS#8 PEM string or a private JWK), checked at construction, imported once on
 * first use, and the oauth4webapi client authentication that signs each assertion with it.
 */

import type { JWK } from 'jose'
import * as oauth from 'oauth4webapi'
import { ConfigurationError } from './errors.js'
import { SharedPromise } from './shared-promise.js'

/** The key forms `clientAssertionSigningKey` accepts. */
export type ClientAssertionKeyInput = CryptoKey | string | JWK

/** The JWS algorithms a client assertion may be signed with (asymmetric only). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const
type AssertionAlgorithm = (typeof ALGORITHMS)[number]

/** A key that passed the checks a construction can make without importing it. */
export interface ClientAssertionKey {
  alg: AssertionAlgorithm
  source: { key: CryptoKey } | { pem: string } | { jwk: JWK }
  /** Sent as the assertion's `kid` header when the JWK has one. */
  kid: string | undefined
}

const KEY_OPTION = 'clientAssertionSigningKey'
const ALG_OPTION = 'clientAssertionSigningAlg'

/** What Web Crypto calls the key for each JWS algorithm, and the JWK `kty` (and curve) it needs. */
function expectedKey(alg: AssertionAlgorithm): { name: string; hash?: string; curve?: string; kty: string } {
  const bits = alg.slice(2)
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5', hash: `SHA-${bits}`, kty: 'RSA' }
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', hash: `SHA-${bits}`, kty: 'RSA' }
  if (alg.startsWith('ES')) {
    const curve = { '256': 'P-256', '384': 'P-384', '512': 'P-521' }[bits] ?? ''
    return { name: 'ECDSA', curve, kty: 'EC' }
  }
  return { name: 'Ed25519', curve: 'Ed25519', kty: 'OKP' }
}

function parseAlgorithm(value: unknown): AssertionAlgorithm {
  if (value === undefined) return 'RS256'
  if (typeof value === 'string' && (ALGORITHMS as readonly string[]).includes(value)) return value as AssertionAlgorithm
  throw new ConfigurationError(ALG_OPTION, `must be one of ${ALGORITHMS.join(', ')}`)
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey
}

function checkCryptoKey(key: CryptoKey, alg: AssertionAlgorithm): void {
  if (key.type !== 'private') throw new ConfigurationError(KEY_OPTION, 'must be a private key')
  if (!key.usages.includes('sign')) throw new ConfigurationError(KEY_OPTION, 'must allow the "sign" usage')
  const expected = expectedKey(alg)
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string }
  const fits =
    algorithm.name === expected.name &&
    (expected.hash === undefined || algorithm.hash?.name === expected.hash) &&
    (expected.curve === undefined || expected.name === 'Ed25519' || algorithm.namedCurve === expected.curve)
  // oauth4webapi signs with the algorithm the key was imported for, so a mismatch would send another alg.
  if (!fits) throw new ConfigurationError(KEY_OPTION, `is a ${algorithm.name} key, which cannot sign ${alg} (${ALG_OPTION})`)
}

function checkPem(pem: string): void {
  const text = pem.trim()
  if (/-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(text)) {
    throw new ConfigurationError(KEY_OPTION, 'is a PKCS#1/SEC1 PEM; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem')
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new ConfigurationError(KEY_OPTION, 'is an encrypted PEM; pass the decrypted PKCS#8 key')
  }
  if (!/^-----BEGIN PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]+-----END PRIVATE KEY-----$/.test(text)) {
    throw new ConfigurationError(KEY_OPTION, 'is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)')
  }
}

function checkJwk(jwk: JWK, alg: AssertionAlgorithm): void {
  const expected = expectedKey(alg)
  if (typeof jwk.kty !== 'string') throw new ConfigurationError(KEY_OPTION, 'is neither a CryptoKey, a PKCS#8 PEM string nor a JWK')
  if (typeof jwk.d !== 'string') throw new ConfigurationError(KEY_OPTION, 'is a public JWK; pass the private key (with "d")')
  if (jwk.kty !== expected.kty) throw new ConfigurationError(KEY_OPTION, `is a ${jwk.kty} JWK, which cannot sign ${alg} (${ALG_OPTION})`)
  if (expected.curve !== undefined && jwk.crv !== expected.curve) {
    throw new ConfigurationError(KEY_OPTION, `is a JWK on curve ${jwk.crv ?? '(none)'}, which cannot sign ${alg}`)
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new ConfigurationError(KEY_OPTION, `is a JWK for ${jwk.alg}, not ${alg} (${ALG_OPTION})`)
  }
}

/**
 * Checks `clientAssertionSigningKey` and `clientAssertionSigningAlg` as far as a synchronous
 * construction can: a CryptoKey fully (private, `sign`, its algorithm fits `alg`); a PEM for its
 * PKCS#8 envelope; a JWK for being private and of the right key type and curve. PEM and JWK
 * imports are asynchronous in Web Crypto, so their last check, the import itself, happens once
 * on first use ({@link clientAssertionAuth}).
 *
 * @throws {ConfigurationError} naming the option when the key or algorithm is unusable.
 */
export function parseClientAssertionKey(input: unknown, algorithm: unknown): ClientAssertionKey {
  const alg = parseAlgorithm(algorithm)
  if (isCryptoKey(input)) {
    checkCryptoKey(input, alg)
    return { alg, source: { key: input }, kid: undefined }
  }
  if (typeof input === 'string') {
    checkPem(input)
    return { alg, source: { pem: input.trim() }, kid: undefined }
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const jwk = input as JWK
    checkJwk(jwk, alg)
    return { alg, source: { jwk }, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined }
  }
  throw new ConfigurationError(KEY_OPTION, 'must be a CryptoKey, a PKCS#8 PEM string or a private JWK')
}

/**
 * `private_key_jwt` for oauth4webapi: each request gets a fresh assertion (`iss` = `sub` = the
 * client id, `aud` = the issuer, a new `jti`, a short `exp`), signed with the key imported on the
 * first request and kept. A failed import is not kept, so every use reports it.
 *
 * @throws {ConfigurationError} (on use) when a PEM or JWK key cannot be imported.
 * @see [RFC 7523 §2.2 - JWTs for Client Authentication](https://www.rfc-editor.org/rfc/rfc7523.html#section-2.2)
 * @see [Auth0: Private Key JWT](https://auth0.com/docs/get-started/authentication-and-authorization-flow/authenticate-with-private-key-jwt)
 */
export function clientAssertionAuth(key: ClientAssertionKey): oauth.ClientAuth {
  const imported = new SharedPromise<oauth.ClientAuth>()
  const load = async () => {
    const { source, alg } = key
    // jose's PEM and JWK import (its ASN.1 reader) loads only for an app that passes one.
    const cryptoKey = 'key' in source ? source.key : await (await import('./client-assertion-key.js')).importAssertionKey(source, alg)
    return oauth.PrivateKeyJwt(key.kid === undefined ? cryptoKey : { key: cryptoKey, kid: key.kid })
  }
  return async (as, client, body, headers) => (await imported.get(load))(as, client, body, headers)
}
