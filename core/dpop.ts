/**
 * @module DPoP (RFC 9449): the app's proof-of-possession key pair, checked at construction, and
 * proofs for the app's own calls to its APIs with a DPoP-bound access token. Proofs for the
 * calls to Auth0 are oauth4webapi's (its DPoP handle, on the tenant).
 */

import { ConfigurationError } from './errors.js'

/**
 * The key pair whose public half Auth0 binds the tokens to. Both halves are CryptoKeys; the
 * public one must be extractable (it travels in every proof's header). ES256 is what Auth0
 * supports today.
 *
 * @example
 * ```ts
 * const dpop: DpopKeyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
 * // generateKey makes the public key extractable and the private key not: exactly what is needed
 * const auth = createAuth({ ...options, dpop })
 * ```
 */
export interface DpopKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

/**
 * What {@link ServerClient.createDpopProof} signs: the request the proof is for, and the access token it
 * carries (its hash goes into `ath`).
 *
 * @example
 * ```ts
 * const proof = await auth.client.createDpopProof({ method: 'GET', url: 'https://api.example.com/orders?page=2', accessToken: token })
 * ```
 */
export interface DpopProofRequest {
  /** The HTTP method, e.g. `GET`. */
  method: string
  /** The full URL; the proof names it without query and fragment (`htu`). */
  url: string | URL
  /** The DPoP-bound access token sent with the request. */
  accessToken?: string
  /** The last `DPoP-Nonce` the API answered with, when it asks for one. */
  nonce?: string
}

const OPTION = 'dpop'

/** The JWS algorithm a Web Crypto key signs with, or `undefined` for one DPoP cannot use. */
function algorithmOf(key: CryptoKey): string | undefined {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } }
  switch (algorithm.name) {
    case 'ECDSA':
      return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[algorithm.namedCurve ?? '']
    case 'RSASSA-PKCS1-v1_5':
      return { 'SHA-256': 'RS256', 'SHA-384': 'RS384', 'SHA-512': 'RS512' }[algorithm.hash?.name ?? '']
    case 'RSA-PSS':
      return { 'SHA-256': 'PS256', 'SHA-384': 'PS384', 'SHA-512': 'PS512' }[algorithm.hash?.name ?? '']
    case 'Ed25519':
      return 'EdDSA'
    default:
      return undefined
  }
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey
}

/**
 * Checks the `dpop` option: a private signing key and its extractable public key, of one
 * asymmetric algorithm DPoP allows.
 *
 * @throws {ConfigurationError} naming `dpop` otherwise.
 */
export function parseDpopKeyPair(value: unknown): DpopKeyPair | undefined {
  if (value === undefined) return undefined
  const pair = value as Partial<DpopKeyPair> | null
  if (pair === null || typeof pair !== 'object' || !isCryptoKey(pair.privateKey) || !isCryptoKey(pair.publicKey)) {
    throw new ConfigurationError(OPTION, 'must be { privateKey, publicKey } with two CryptoKeys (a CryptoKeyPair)')
  }
  const { privateKey, publicKey } = pair
  if (privateKey.type !== 'private' || !privateKey.usages.includes('sign')) {
    throw new ConfigurationError(OPTION, 'privateKey must be a private key with the "sign" usage')
  }
  if (publicKey.type !== 'public') throw new ConfigurationError(OPTION, 'publicKey must be a public key')
  // oauth4webapi puts the public JWK into every proof's header, so it must be exportable.
  if (!publicKey.extractable) throw new ConfigurationError(OPTION, 'publicKey must be extractable')
  const alg = algorithmOf(privateKey)
  if (alg === undefined) throw new ConfigurationError(OPTION, `a ${privateKey.algorithm.name} key cannot sign DPoP proofs; use ES256`)
  if (algorithmOf(publicKey) !== alg) throw new ConfigurationError(OPTION, 'privateKey and publicKey are not of one algorithm')
  return { privateKey, publicKey }
}

/**
 * Proofs for the app's own API calls, with the configured key pair. The signing (jose's JWT
 * signer) loads with the first proof, so an app that never makes one does not ship it.
 */
export class DpopProofs {
  readonly #keys: DpopKeyPair
  readonly #alg: string
  #signer: Promise<(request: DpopProofRequest) => Promise<string>> | undefined

  constructor(keys: DpopKeyPair) {
    this.#keys = keys
    this.#alg = algorithmOf(keys.privateKey) ?? 'ES256'
  }

  /**
   * A DPoP proof JWT for one request (see `dpop-proof.ts` for its claims).
   *
   * @see [RFC 9449 §4.2 - DPoP Proof JWT Syntax](https://www.rfc-editor.org/rfc/rfc9449.html#section-4.2)
   */
  async create(request: DpopProofRequest): Promise<string> {
    this.#signer ??= import('./dpop-proof.js').then(({ dpopProofSigner }) => dpopProofSigner(this.#keys, this.#alg))
    return (await this.#signer)(request)
  }
}
