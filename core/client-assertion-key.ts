/**
 * @module The import of a `private_key_jwt` signing key given as a PKCS#8 PEM or a JWK, loaded on
 * the first token request of an app that authenticates with one (jose's ASN.1 reader with it).
 */

import { importJWK, importPKCS8, type JWK } from 'jose'
import { ConfigurationError } from './errors.js'

/**
 * Imports `source` for `alg`, as a non-extractable CryptoKey.
 *
 * @throws {ConfigurationError} (`clientAssertionSigningKey`) when Web Crypto refuses the key.
 */
export async function importAssertionKey(source: { pem: string } | { jwk: JWK }, alg: string): Promise<CryptoKey> {
  try {
    const imported = 'pem' in source ? await importPKCS8(source.pem, alg) : await importJWK({ ...source.jwk, ext: false }, alg)
    if (!(typeof CryptoKey !== 'undefined' && imported instanceof CryptoKey)) throw new TypeError('not an asymmetric key')
    return imported
  } catch (error) {
    throw new ConfigurationError('clientAssertionSigningKey', `could not be imported as a ${alg} private key: ${(error as Error).message}`)
  }
}
