/**
 * @module The import of a `private_key_jwt` signing key given as a PKCS#8 PEM or a JWK, into a
 * non-extractable Web Crypto key; loaded on the first token request of an app that passes one.
 */

import type { JWK } from 'jose'
import { ConfigurationError } from './errors.js'

/** The Web Crypto import parameters of each JWS algorithm (RFC 7518 §3). */
function importParameters(alg: string): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  const hash = `SHA-${alg.slice(2)}`
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5', hash }
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', hash }
  if (alg.startsWith('ES')) return { name: 'ECDSA', namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg] ?? '' }
  return { name: 'Ed25519' }
}

/** The DER bytes of a PKCS#8 PEM (its envelope was checked at construction). */
function pemBytes(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '')
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

/**
 * Imports `source` for `alg`, as a non-extractable CryptoKey that may only sign.
 *
 * @throws {ConfigurationError} (`clientAssertionSigningKey`) when Web Crypto refuses the key
 *   (not valid, or not a key of `alg`'s type and curve).
 */
export async function importAssertionKey(source: { pem: string } | { jwk: JWK }, alg: string): Promise<CryptoKey> {
  const parameters = importParameters(alg)
  try {
    return 'pem' in source
      ? await crypto.subtle.importKey('pkcs8', pemBytes(source.pem), parameters, false, ['sign'])
      : await crypto.subtle.importKey('jwk', { ...source.jwk, ext: false } as JsonWebKey, parameters, false, ['sign'])
  } catch (error) {
    throw new ConfigurationError('clientAssertionSigningKey', `could not be imported as a ${alg} private key: ${(error as Error).message}`)
  }
}
