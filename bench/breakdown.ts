// Where an operation's time goes beyond its crypto floor: each primitive as the library calls it
// (through jose, through undici's Response) beside the bare Web Crypto call the floor makes, on
// the same sizes. This is the profile the RESULTS.md gap explanation rests on.
import { CompactEncrypt, compactDecrypt, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose'

export interface BreakdownRow {
  what: string
  /** Microseconds per call, sequential, best of the rounds. */
  bare: number
  library: number
}

const ROUNDS = 3

async function perCall(calls: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < Math.min(100, calls); i++) await fn()
    const start = performance.now()
    for (let i = 0; i < calls; i++) await fn()
    best = Math.min(best, ((performance.now() - start) / calls) * 1000)
  }
  return best
}

/** Sequential per-call cost of each primitive bare and as the library reaches it. */
export async function measureBreakdown(sizes: { session: number; transaction: number }, calls: number): Promise<BreakdownRow[]> {
  const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt'])
  const session = new TextEncoder().encode('s'.repeat(sizes.session))
  const header = { alg: 'dir', enc: 'A256GCM', kid: 'bench-kid' } as const
  const jwe = await new CompactEncrypt(session).setProtectedHeader(header).encrypt(key)
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, session)
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }
  const idToken = await new SignJWT({ sub: 'auth0|alice', name: 'Alice Example', email: 'alice@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k' })
    .setIssuedAt()
    .sign(privateKey)
  const keySet = createLocalJWKSet({ keys: [jwk] })
  const rsa = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
  const [h, p, s] = idToken.split('.') as [string, string, string]
  const signingInput = new TextEncoder().encode(`${h}.${p}`)
  const signature = new Uint8Array(Buffer.from(s, 'base64url'))
  const tokenBody = JSON.stringify({
    access_token: idToken,
    id_token: idToken,
    refresh_token: 'r'.repeat(43),
    expires_in: 86_400,
    token_type: 'Bearer',
  })

  return [
    {
      what: `encrypt the session (${sizes.session} B): AES-GCM vs jose CompactEncrypt`,
      bare: await perCall(calls, () =>
        crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, session),
      ),
      library: await perCall(calls, () => new CompactEncrypt(session).setProtectedHeader(header).encrypt(key)),
    },
    {
      what: 'decrypt the session: AES-GCM vs jose compactDecrypt',
      bare: await perCall(calls, () => crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed)),
      library: await perCall(calls, () =>
        compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }),
      ),
    },
    {
      what: 'verify the ID token: RSASSA-PKCS1-v1_5 vs jose compactVerify (local JWKS)',
      bare: await perCall(calls, () => crypto.subtle.verify('RSASSA-PKCS1-v1_5', rsa, signature, signingInput)),
      library: await perCall(calls, () => compactVerify(idToken, keySet, { algorithms: ['RS256'] })),
    },
    {
      what: 'read a token response: JSON.parse vs undici Response.json()',
      bare: await perCall(calls, async () => JSON.parse(tokenBody)),
      library: await perCall(calls, () => new Response(tokenBody, { headers: { 'content-type': 'application/json' } }).json()),
    },
  ]
}
