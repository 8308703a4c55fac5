/**
 * @module The cookie codec: JWE (`dir`, A256GCM, see `jwe.ts`) under keys derived by HKDF per secret and
 * purpose, so secrets rotate and a cookie of one kind never decrypts as another.
 */

import { base64url } from 'jose'
import { ConfigurationError } from '../errors.js'
import { compactDecrypt, compactEncrypt, keyIdOf } from './jwe.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface DerivedKey {
  kid: string
  key: CryptoKey
}

async function deriveKey(secret: string, purpose: string): Promise<DerivedKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey', 'deriveBits'])
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) })
  const [key, kidBits] = await Promise.all([
    crypto.subtle.deriveKey(hkdf(`auth0-link-kit ${purpose} A256GCM`), material, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    // A key id lets decrypt pick the right secret at once instead of trying each during rotation.
    crypto.subtle.deriveBits(hkdf(`auth0-link-kit ${purpose} kid`), material, 64),
  ])
  return { kid: base64url.encode(new Uint8Array(kidBits)), key }
}

const NO_SECRET = () => new ConfigurationError('secret', 'a cookie codec needs at least one secret')

/** Options of {@link CookieCodec}. */
export interface CookieCodecOptions {
  /**
   * How many recently decrypted values to remember (default 0: none). A session cookie is sent
   * unchanged with every request, and decrypting the same bytes again can only give the same
   * plaintext, so a hit skips the AES-GCM work but not the checks: a value is remembered only
   * after it authenticated under our keys, is matched byte for byte, and its expiry is checked
   * on every read. Bounded: the oldest entry goes first.
   */
  remember?: number
}

/** The outcome of a successful decrypt; `rotated` means an older secret encrypted it. */
export interface Decrypted<T> {
  payload: T
  rotated: boolean
}

/**
 * Encrypts JSON into compact JWE (`dir` + `A256GCM`) with keys derived from the secrets by
 * HKDF-SHA-256. Keys are derived once per codec, not per cookie: derivation and key import are
 * the expensive part, and the secret does not change for the life of the instance.
 */
export class CookieCodec {
  readonly #secrets: readonly string[]
  readonly #purpose: string
  #keys: Promise<DerivedKey[]> | undefined
  readonly #capacity: number
  /** Exact value → what it decrypted to; insertion order is eviction order. */
  readonly #recent = new Map<string, { plaintext: string; rotated: boolean }>()

  /** @throws {ConfigurationError} without a secret: nothing could be encrypted. */
  constructor(secrets: readonly string[], purpose: 'session' | 'session-id' | 'transaction', options: CookieCodecOptions = {}) {
    if (secrets.length === 0) throw NO_SECRET()
    this.#secrets = secrets
    this.#purpose = purpose
    this.#capacity = options.remember ?? 0
  }

  #derived(): Promise<DerivedKey[]> {
    this.#keys ??= Promise.all(this.#secrets.map((secret) => deriveKey(secret, this.#purpose)))
    return this.#keys
  }

  /** Encrypts `payload`, to be refused by {@link decrypt} after `expiresAt` (seconds since the epoch). */
  async encrypt(payload: unknown, expiresAt: number): Promise<string> {
    const [current] = await this.#derived()
    if (!current) throw NO_SECRET()
    const plaintext = encoder.encode(JSON.stringify({ p: payload, exp: expiresAt }))
    return compactEncrypt(plaintext, current.key, current.kid)
  }

  /** Decrypts a value; tampered, foreign, expired or malformed values give `undefined`, never a throw. */
  async decrypt<T>(value: string): Promise<Decrypted<T> | undefined> {
    const remembered = this.#recent.get(value)
    if (remembered) {
      const result = accept<T>(remembered.plaintext, remembered.rotated)
      if (!result) this.#recent.delete(value)
      return result
    }
    const kid = keyIdOf(value)
    if (kid === undefined) return undefined
    const keys = await this.#derived()
    const index = keys.findIndex((key) => key.kid === kid)
    const key = keys[index]
    if (!key) return undefined
    const plaintext = await compactDecrypt(value, key.key)
    if (!plaintext) return undefined
    const text = decoder.decode(plaintext)
    const result = accept<T>(text, index > 0)
    if (result && this.#capacity > 0) this.#remember(value, { plaintext: text, rotated: index > 0 })
    return result
  }

  #remember(value: string, decrypted: { plaintext: string; rotated: boolean }): void {
    this.#recent.set(value, decrypted)
    if (this.#recent.size <= this.#capacity) return
    const oldest = this.#recent.keys().next()
    if (!oldest.done) this.#recent.delete(oldest.value)
  }
}

/** Parses a decrypted value and applies its expiry; a fresh object each time, so callers may change it. */
function accept<T>(plaintext: string, rotated: boolean): Decrypted<T> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(plaintext)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || !('exp' in parsed) || typeof parsed.exp !== 'number') return undefined
  if (parsed.exp <= Date.now() / 1000) return undefined
  return { payload: (parsed as unknown as { p: T }).p, rotated }
}
