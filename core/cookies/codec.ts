import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface DerivedKey {
  kid: string
  key: CryptoKey
}

function base64url(bytes: ArrayBuffer): string {
  let binary = ''
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
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
  return { kid: base64url(kidBits), key }
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

  constructor(secrets: readonly string[], purpose: 'session' | 'session-id' | 'transaction') {
    this.#secrets = secrets
    this.#purpose = purpose
  }

  #derived(): Promise<DerivedKey[]> {
    this.#keys ??= Promise.all(this.#secrets.map((secret) => deriveKey(secret, this.#purpose)))
    return this.#keys
  }

  /** Encrypts `payload`, to be refused by {@link decrypt} after `expiresAt` (seconds since the epoch). */
  async encrypt(payload: unknown, expiresAt: number): Promise<string> {
    const [current] = await this.#derived()
    const plaintext = encoder.encode(JSON.stringify({ p: payload, exp: expiresAt }))
    return new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current!.kid }).encrypt(current!.key)
  }

  /** Decrypts a value; tampered, foreign, expired or malformed values give `undefined`, never a throw. */
  async decrypt<T>(value: string): Promise<Decrypted<T> | undefined> {
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
      const parsed: unknown = JSON.parse(decoder.decode(plaintext))
      if (parsed === null || typeof parsed !== 'object' || !('exp' in parsed) || typeof parsed.exp !== 'number') return undefined
      if (parsed.exp <= Date.now() / 1000) return undefined
      return { payload: (parsed as unknown as { p: T }).p, rotated: index > 0 }
    } catch {
      return undefined
    }
  }
}
