/**
 * @module Compact JWE with `dir` and `A256GCM` (RFC 7516 §7.1, RFC 7518 §4.5 and §5.3) on Web
 * Crypto: the only form the cookie codec writes or accepts. jose's general JWE (every key
 * management and content encryption algorithm, compression) is not in any app's bundle for it.
 */

import { base64url } from 'jose'

const encoder = new TextEncoder()
/** AES-GCM's 96-bit IV and 128-bit tag (RFC 7518 §5.3). */
const IV_BYTES = 12
const TAG_BYTES = 16

interface ProtectedHeader {
  alg: 'dir'
  enc: 'A256GCM'
  kid: string
}

/**
 * Encrypts `plaintext` under `key` (AES-256-GCM) into `header..iv.ciphertext.tag`; the protected
 * header, as encoded, is the additional authenticated data.
 *
 * @see [RFC 7516 §5.1 - Message Encryption](https://www.rfc-editor.org/rfc/rfc7516.html#section-5.1)
 */
export async function compactEncrypt(plaintext: Uint8Array<ArrayBuffer>, key: CryptoKey, kid: string): Promise<string> {
  const header = base64url.encode(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid } satisfies ProtectedHeader))
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(header), tagLength: TAG_BYTES * 8 }, key, plaintext),
  )
  const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES)
  const tag = sealed.subarray(sealed.length - TAG_BYTES)
  return `${header}..${base64url.encode(iv)}.${base64url.encode(ciphertext)}.${base64url.encode(tag)}`
}

/** The parts of a value in this codec's one form, or `undefined` for anything else. */
function parse(
  value: string,
): { header: ProtectedHeader; encodedHeader: string; iv: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> } | undefined {
  const parts = value.split('.')
  if (parts.length !== 5) return undefined
  const [encodedHeader = '', encryptedKey, encodedIv = '', encodedCiphertext = '', encodedTag = ''] = parts
  // `dir` has no encrypted key (RFC 7518 §4.5).
  if (encryptedKey !== '') return undefined
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(encodedHeader)))
    if (header === null || typeof header !== 'object' || Array.isArray(header)) return undefined
    const { alg, enc, kid, ...rest } = header as Record<string, unknown>
    // Only what we write: no `zip`, no `crit`, nothing else a decoder would have to understand.
    if (alg !== 'dir' || enc !== 'A256GCM' || typeof kid !== 'string' || Object.keys(rest).length > 0) return undefined
    const iv = new Uint8Array(base64url.decode(encodedIv))
    const ciphertext = base64url.decode(encodedCiphertext)
    const tag = base64url.decode(encodedTag)
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined
    const sealed = new Uint8Array(ciphertext.length + TAG_BYTES)
    sealed.set(ciphertext)
    sealed.set(tag, ciphertext.length)
    return { header: { alg, enc, kid }, encodedHeader, iv, sealed }
  } catch {
    return undefined
  }
}

/** The `kid` of a value in this codec's form, to pick the key by; `undefined` for anything else. */
export function keyIdOf(value: string): string | undefined {
  return parse(value)?.header.kid
}

/**
 * The plaintext of a value `compactEncrypt` made under `key`, or `undefined` when it is not in
 * that form or does not authenticate (tampered, or another key's).
 *
 * @see [RFC 7516 §5.2 - Message Decryption](https://www.rfc-editor.org/rfc/rfc7516.html#section-5.2)
 */
export async function compactDecrypt(value: string, key: CryptoKey): Promise<Uint8Array | undefined> {
  const parsed = parse(value)
  if (!parsed) return undefined
  const { encodedHeader, iv, sealed } = parsed
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(encodedHeader), tagLength: TAG_BYTES * 8 },
        key,
        sealed,
      ),
    )
  } catch {
    return undefined
  }
}
