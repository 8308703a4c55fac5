import { compactDecrypt, decodeProtectedHeader } from 'jose'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface DerivedKey {
  kid: string
  key: CryptoKey
  /** The JWE protected header for this key, base64url-encoded, and as the AES-GCM AAD (its ASCII bytes). */
  header: string
  aad: Uint8Array<ArrayBuffer>
}

/** AES-GCM: a 96-bit IV and a 128-bit tag, as JWE's A256GCM fixes them (RFC 7518 §5.3). */
const IV_BYTES = 12
const TAG_BYTES = 16

const BASE64URL = encoder.encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')

/**
 * Unpadded base64url. By table rather than `btoa`: a session cookie is ~3 KB of ciphertext, and
 * the usual char-code string, `btoa` and three replaces cost about four times as much.
 */
function base64url(bytes: Uint8Array): string {
  const length = bytes.length
  const whole = length - (length % 3)
  const out = new Uint8Array(Math.ceil((length * 4) / 3))
  let o = 0
  let i = 0
  for (; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = BASE64URL[v >> 18]!
    out[o++] = BASE64URL[(v >> 12) & 63]!
    out[o++] = BASE64URL[(v >> 6) & 63]!
    out[o++] = BASE64URL[v & 63]!
  }
  if (length - whole > 0) {
    const v = (bytes[i]! << 16) | (length - whole === 2 ? bytes[i + 1]! << 8 : 0)
    out[o++] = BASE64URL[v >> 18]!
    out[o++] = BASE64URL[(v >> 12) & 63]!
    if (length - whole === 2) out[o++] = BASE64URL[(v >> 6) & 63]!
  }
  return decoder.decode(out)
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
  const kid = base64url(new Uint8Array(kidBits))
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })))
  return { kid, key, header, aad: encoder.encode(header) }
}

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

  constructor(secrets: readonly string[], purpose: 'session' | 'session-id' | 'transaction', options: CookieCodecOptions = {}) {
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
    const plaintext = encoder.encode(JSON.stringify({ p: payload, exp: expiresAt }))
    // The compact JWE (`dir`, A256GCM) that jose's CompactEncrypt produces, byte for byte in form,
    // serialised here: the header is fixed per key, and jose's generic path costs as much as the
    // AES-GCM itself on a cookie this size. Decryption still goes through jose's compactDecrypt.
    const { header, aad, key } = current!
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BYTES * 8 }, key, plaintext))
    const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES)
    const tag = sealed.subarray(sealed.length - TAG_BYTES)
    return `${header}..${base64url(iv)}.${base64url(ciphertext)}.${base64url(tag)}`
  }

  /** Decrypts a value; tampered, foreign, expired or malformed values give `undefined`, never a throw. */
  async decrypt<T>(value: string): Promise<Decrypted<T> | undefined> {
    const remembered = this.#recent.get(value)
    if (remembered) {
      const result = accept<T>(remembered.plaintext, remembered.rotated)
      if (!result) this.#recent.delete(value)
      return result
    }
    let kid: unknown
    try {
      kid = decodeProtectedHeader(value).kid
    } catch {
      return undefined
    }
    const keys = await this.#derived()
    const index = keys.findIndex((key) => key.kid === kid)
    if (index === -1) return undefined
    try {
      const { plaintext } = await compactDecrypt(value, keys[index]!.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      })
      const text = decoder.decode(plaintext)
      const result = accept<T>(text, index > 0)
      if (result && this.#capacity > 0) this.#remember(value, { plaintext: text, rotated: index > 0 })
      return result
    } catch {
      return undefined
    }
  }

  #remember(value: string, decrypted: { plaintext: string; rotated: boolean }): void {
    this.#recent.set(value, decrypted)
    if (this.#recent.size > this.#capacity) this.#recent.delete(this.#recent.keys().next().value!)
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
