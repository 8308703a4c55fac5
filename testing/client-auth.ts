/** @module How the token and PAR endpoints authenticate a client and check its DPoP proof. */

import type { JWTPayload } from 'jose'
import { jwtVerify } from 'jose'
import type { TenantContext } from './context.js'
import { randomId } from './context.js'
import { DpopVerifier } from './dpop.js'
import { isDpopNonceFailure } from './failures.js'
import { decodeBasicCredentials, oauthError } from './http.js'

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** Client secrets (basic or post) and `private_key_jwt` assertions (RFC 7523 §3), as Auth0 checks them. */
export class ClientAuthenticator {
  readonly #usedAssertionIds = new Set<string>()

  constructor(
    private readonly tenant: TenantContext,
    private readonly assertionKey: CryptoKey | Uint8Array | undefined,
  ) {}

  /**
   * The client id when the request authenticates, else the problem (for `invalid_client`).
   * Any client the tenant knows may authenticate; `clientSecretOf` says which secret it has.
   */
  async authenticate(
    request: Request,
    form: URLSearchParams,
    clientSecretOf: (clientId: string) => string | undefined,
  ): Promise<{ clientId: string } | { problem: string }> {
    const header = request.headers.get('authorization')
    if (!header && form.get('client_assertion_type') === JWT_BEARER) return this.#verifyClientAssertion(form)
    const [id, secret] = header ? (decodeBasicCredentials(header) ?? []) : [form.get('client_id'), form.get('client_secret')]
    const expected = id ? clientSecretOf(id) : undefined
    if (!id || expected === undefined || secret !== expected) return { problem: 'Unknown client or wrong client secret' }
    return { clientId: id }
  }

  async #verifyClientAssertion(form: URLSearchParams): Promise<{ clientId: string } | { problem: string }> {
    const { clientId, issuer, origin } = this.tenant
    if (!this.assertionKey) return { problem: 'private_key_jwt is not set up for this client (clientAssertionKey)' }
    const formClientId = form.get('client_id')
    if (formClientId !== null && formClientId !== clientId) return { problem: 'Unknown client' }
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(form.get('client_assertion') ?? '', this.assertionKey, {
        issuer: clientId,
        subject: clientId,
        audience: [issuer, `${origin}/oauth/token`],
        requiredClaims: ['exp', 'jti'],
      }))
    } catch (error) {
      return { problem: `Invalid client_assertion: ${error instanceof Error ? error.message : String(error)}` }
    }
    if (!payload.jti || this.#usedAssertionIds.has(payload.jti)) return { problem: 'client_assertion jti was already used' }
    this.#usedAssertionIds.add(payload.jti)
    return { clientId }
  }
}

/** DPoP proofs on the token and PAR endpoints (RFC 9449), with the tenant's server nonce when it wants one. */
export class DpopGate {
  readonly #verifier = new DpopVerifier()
  #nonce = randomId(16)

  constructor(
    private readonly tenant: TenantContext,
    private readonly nonceRequired: boolean,
  ) {}

  /**
   * The DPoP proof of a request to `path`, checked: `undefined` without one, the key thumbprint
   * for a good one, or the error answer (a nonce challenge carries the nonce to use).
   */
  async check(request: Request, endpoint: 'token' | 'par', path: string): Promise<string | Response | undefined> {
    const proof = request.headers.get('dpop')
    if (proof === null) return undefined
    const challenge = () => {
      const response = oauthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof')
      response.headers.set('dpop-nonce', this.#nonce)
      return response
    }
    if (this.tenant.failures.take(endpoint, isDpopNonceFailure)) {
      // A tenant that rotates its nonce on every request: whatever the proof carried is stale.
      this.#nonce = randomId(16)
      return challenge()
    }
    const result = await this.#verifier.verify(proof, {
      method: 'POST',
      url: `${this.tenant.origin}${path}`,
      nonce: this.nonceRequired ? this.#nonce : undefined,
    })
    if ('jkt' in result) return result.jkt
    return result.error === 'use_dpop_nonce' ? challenge() : oauthError(400, 'invalid_dpop_proof', result.description)
  }
}
