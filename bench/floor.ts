// The crypto floor of each operation: the primitives it cannot avoid, run back to back as
// cheaply as Web Crypto allows (keys imported once, no encoding beyond what the primitive takes),
// on the same sizes as ours: the transaction and session plaintexts our library encrypts, and
// the RS256 ID token the bench tenant signs, verified with the tenant's own key.
import type { StoreOptions } from '../core/stores.js'
import type { BrowserJar } from './browser-jar.js'
import { APP_ORIGIN } from './contenders.js'
import type { OperationName } from './flows.js'
import type { BenchTenant } from './tenant.js'

const encoder = new TextEncoder()

/** What each operation must do, as primitives: which to run, in order. */
export const FLOOR_STEPS: Readonly<Record<OperationName, readonly FloorStep[]>> = {
  // Three random values (verifier, state, nonce), the PKCE challenge, the transaction cookie.
  startInteractiveLogin: ['random', 'random', 'random', 'sha256', 'encryptTransaction'],
  // As without PAR: the push is a round trip to the tenant, not crypto of ours.
  startInteractiveLoginPar: ['random', 'random', 'random', 'sha256', 'encryptTransaction'],
  // The transaction cookie, the ID token's signature, the session cookie.
  completeInteractiveLogin: ['decryptTransaction', 'verifyIdToken', 'encryptSession'],
  // The session (whose ID token becomes id_token_hint), then as login starts.
  startLinkUser: ['decryptSession', 'random', 'random', 'random', 'sha256', 'encryptTransaction'],
  // The transaction and the session it must match, the ID token, the updated session.
  completeLinkUser: ['decryptTransaction', 'decryptSession', 'verifyIdToken', 'encryptSession'],
  // As link: unlink changes no more than which scope the token carries.
  startUnlinkUser: ['decryptSession', 'random', 'random', 'random', 'sha256', 'encryptTransaction'],
  completeUnlinkUser: ['decryptTransaction', 'decryptSession', 'verifyIdToken', 'encryptSession'],
  getSession: ['decryptSession'],
  // The expired session, the refreshed ID token's signature, the session written back.
  refreshAccessToken: ['decryptSession', 'verifyIdToken', 'encryptSession'],
  // The session (its My Account API token cached), PKCE and state, the connect transaction.
  startConnectAccount: ['decryptSession', 'random', 'random', 'sha256', 'encryptTransaction'],
  // The session, then the session written back with the provider token in it.
  getAccessTokenForConnection: ['decryptSession', 'encryptSession'],
  getAccessTokenForConnectionCached: ['decryptSession'],
}

export type FloorStep =
  | 'random'
  | 'sha256'
  | 'encryptTransaction'
  | 'decryptTransaction'
  | 'encryptSession'
  | 'decryptSession'
  | 'verifyIdToken'

interface Sealed {
  iv: Uint8Array<ArrayBuffer>
  ciphertext: ArrayBuffer
}

/** The primitives with their inputs ready: each call does one primitive and nothing else. */
export class CryptoFloor {
  readonly #aes: CryptoKey
  readonly #rsa: CryptoKey
  readonly #transaction: Uint8Array<ArrayBuffer>
  readonly #session: Uint8Array<ArrayBuffer>
  readonly #sealedTransaction: Sealed
  readonly #sealedSession: Sealed
  readonly #signingInput: Uint8Array<ArrayBuffer>
  readonly #signature: Uint8Array<ArrayBuffer>
  readonly #verifier = encoder.encode('M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag')

  private constructor(fields: {
    aes: CryptoKey
    rsa: CryptoKey
    transaction: Uint8Array<ArrayBuffer>
    session: Uint8Array<ArrayBuffer>
    sealedTransaction: Sealed
    sealedSession: Sealed
    signingInput: Uint8Array<ArrayBuffer>
    signature: Uint8Array<ArrayBuffer>
  }) {
    this.#aes = fields.aes
    this.#rsa = fields.rsa
    this.#transaction = fields.transaction
    this.#session = fields.session
    this.#sealedTransaction = fields.sealedTransaction
    this.#sealedSession = fields.sealedSession
    this.#signingInput = fields.signingInput
    this.#signature = fields.signature
  }

  /**
   * Takes its sizes from what ours really stores: the session a signed-in `jar` holds (as the
   * cookie codec serialises it) and a login transaction with the same fields and value lengths.
   */
  static async create(
    tenant: BenchTenant,
    getSession: (storeOptions: StoreOptions) => Promise<unknown>,
    jar: BrowserJar,
  ): Promise<CryptoFloor> {
    const session = (await getSession({ request: jar.request(`${APP_ORIGIN}/home`), response: new Response(null) })) as {
      idToken: string
    }
    const exp = Math.floor(Date.now() / 1000) + 86_400
    const sessionPlaintext = encoder.encode(JSON.stringify({ p: session, exp }))
    const random = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
    const transactionPlaintext = encoder.encode(
      JSON.stringify({
        p: {
          flow: 'login',
          state: random(),
          nonce: random(),
          codeVerifier: random(),
          redirectUri: `${APP_ORIGIN}/auth/callback`,
          audience: 'default',
          createdAt: exp,
          appState: { returnTo: '/home' },
        },
        exp,
      }),
    )
    const aes = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt'])
    const seal = async (plaintext: Uint8Array<ArrayBuffer>): Promise<Sealed> => {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      return { iv, ciphertext: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, plaintext) }
    }
    const jwks = (await (await tenant.fetch(`${tenant.emulator.origin}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] }
    const [header, payload, signature] = session.idToken.split('.') as [string, string, string]
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }
    const jwk = jwks.keys.find((key) => (key as { kid?: string }).kid === kid)
    if (!jwk) throw new Error('the bench ID token names no key in the tenant JWKS')
    const rsa = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    return new CryptoFloor({
      aes,
      rsa,
      transaction: transactionPlaintext,
      session: sessionPlaintext,
      sealedTransaction: await seal(transactionPlaintext),
      sealedSession: await seal(sessionPlaintext),
      signingInput: encoder.encode(`${header}.${payload}`),
      signature: new Uint8Array(Buffer.from(signature, 'base64url')),
    })
  }

  /** Plaintext bytes of the session and the transaction, for the report. */
  get sizes(): { session: number; transaction: number } {
    return { session: this.#session.byteLength, transaction: this.#transaction.byteLength }
  }

  async #step(step: FloorStep): Promise<void> {
    switch (step) {
      case 'random':
        crypto.getRandomValues(new Uint8Array(32))
        return
      case 'sha256':
        await crypto.subtle.digest('SHA-256', this.#verifier)
        return
      case 'encryptTransaction':
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, this.#aes, this.#transaction)
        return
      case 'encryptSession':
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, this.#aes, this.#session)
        return
      case 'decryptTransaction':
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv: this.#sealedTransaction.iv }, this.#aes, this.#sealedTransaction.ciphertext)
        return
      case 'decryptSession':
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv: this.#sealedSession.iv }, this.#aes, this.#sealedSession.ciphertext)
        return
      case 'verifyIdToken':
        if (!(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', this.#rsa, this.#signature, this.#signingInput))) {
          throw new Error('the floor failed to verify the bench ID token')
        }
        return
    }
  }

  /** One operation's floor: its steps, each awaited before the next. */
  async run(operation: OperationName): Promise<void> {
    for (const step of FLOOR_STEPS[operation]) await this.#step(step)
  }
}
