/**
 * A way to tamper with the ID token the token endpoint returns, one per check a relying party
 * must make (OpenID Connect Core §3.1.3.7).
 *
 * @example
 * ```ts
 * emulator.fail({ endpoint: 'token', idToken: { claims: { nonce: 'someone-else' } } })
 * emulator.fail({ endpoint: 'token', idToken: { claims: { exp: 1 } } })
 * emulator.fail({ endpoint: 'token', idToken: { signature: 'bad' } })
 * emulator.fail({ endpoint: 'token', idToken: { alg: 'none' } })
 * ```
 */
export type IdTokenTamper =
  /** Merged over the ID token claims; a key set to `undefined` removes that claim. */
  | { claims: Record<string, unknown> }
  /** Bytes of the RS256 signature flipped. */
  | { signature: 'bad' }
  /** Unsigned: header `alg: none`, empty signature. */
  | { alg: 'none' }
  /** HMAC-signed with the client secret, the classic algorithm-confusion attack. */
  | { alg: 'HS256' }
  /** Signed with a second RSA key whose `kid` is not in the JWKS. */
  | { kid: 'unknown' }

/**
 * A failure the emulator injects, the way a real tenant (or the network to it) fails. Each
 * applies to the next `times` requests it matches (default 1; `Infinity` for every request),
 * then is forgotten. Failures for one endpoint are used in the order they were added.
 *
 * - `status`: answer with that status and `body` (default an OAuth `server_error` JSON), with
 *   `contentType` (default `application/json`, so `body: 'not json'` tests parsing).
 * - `delayMs`: answer normally after the delay; an aborted `request.signal` rejects with the
 *   signal's reason, as `fetch` does.
 * - `network`: `emulator.fetch` rejects with `TypeError('fetch failed')`; `handle()` resolves
 *   `Response.error()`, which MSW turns into the same rejection.
 * - `error` (authorize, connect): redirect back with `error` / `error_description`.
 * - `idToken` (token): the next ID token issued is tampered with; requests that issue no ID
 *   token don't count.
 * - `oauthError` (token): the next token request of `grant` (any grant when omitted) is refused
 *   with that OAuth error and `status` (default 400), e.g. `mfa_required` on the refresh that
 *   asks for a My Account API token.
 * - `problem` (my-account): the My Account API refuses the next call as Auth0 does, with an
 *   `application/problem+json` body: `insufficient_scope` (403) or `invalid_token` (401).
 * - `expiredTicket` (connect): the next connect ticket reads as expired.
 * - `dpopNonce` (token, par): a request with a DPoP proof gets `400 use_dpop_nonce` and a new
 *   `DPoP-Nonce`, whatever nonce it carried (a tenant that rotates its nonce every time);
 *   requests without a proof don't count.
 *
 * @example
 * ```ts
 * emulator.fail({ endpoint: 'discovery', status: 503, times: 2 })
 * emulator.fail({ endpoint: 'token', delayMs: 10_000 })
 * emulator.fail({ endpoint: 'jwks', network: true, times: Infinity })
 * emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: 'No.' })
 * emulator.fail({ endpoint: 'token', idToken: { kid: 'unknown' } })
 * emulator.fail({ endpoint: 'token', grant: 'refresh_token', oauthError: 'mfa_required', status: 403 })
 * emulator.fail({ endpoint: 'my-account', problem: 'insufficient_scope' })
 * emulator.fail({ endpoint: 'my-account', status: 429 })
 * emulator.fail({ endpoint: 'connect', expiredTicket: true })
 * ```
 */
export type EmulatorFailure =
  | {
      endpoint: 'discovery' | 'jwks' | 'token' | 'userinfo' | 'management' | 'my-account' | 'par'
      status: number
      body?: string
      contentType?: string
      times?: number
    }
  | { endpoint: 'discovery' | 'jwks' | 'token' | 'management' | 'my-account' | 'par'; delayMs: number; times?: number }
  | { endpoint: 'discovery' | 'jwks' | 'token' | 'management' | 'my-account' | 'par'; network: true; times?: number }
  | { endpoint: 'authorize' | 'connect'; error: string; errorDescription?: string; times?: number }
  | { endpoint: 'token'; idToken: IdTokenTamper; times?: number }
  | { endpoint: 'token'; grant?: TokenGrant; oauthError: string; errorDescription?: string; status?: number; times?: number }
  | { endpoint: 'my-account'; problem: 'insufficient_scope' | 'invalid_token'; times?: number }
  | { endpoint: 'connect'; expiredTicket: true; times?: number }
  | { endpoint: 'token' | 'par'; dpopNonce: true; times?: number }

/**
 * The grants the emulated token endpoint knows, as {@link EmulatorFailure} `grant` names them.
 *
 * @example
 * ```ts
 * const grant: TokenGrant = 'token-vault'
 * emulator.fail({ endpoint: 'token', grant, oauthError: 'invalid_grant', status: 403 })
 * ```
 */
export type TokenGrant = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'token-vault'

/** The failures that replace or hold up a whole response, checked before routing. */
export type TransportFailure = Exclude<
  Extract<EmulatorFailure, { status: number } | { delayMs: number } | { network: true }>,
  { oauthError: string }
>

// An OAuth refusal has a status too, but is answered by the endpoint that knows the grant.
export const isTransportFailure = (f: EmulatorFailure): f is TransportFailure =>
  ('status' in f && !('oauthError' in f)) || 'delayMs' in f || 'network' in f
export const isAuthorizeFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { error: string }> => 'error' in f
export const isDpopNonceFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { dpopNonce: true }> => 'dpopNonce' in f
export const isIdTokenFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { idToken: IdTokenTamper }> => 'idToken' in f
export type OAuthErrorFailure = Extract<EmulatorFailure, { oauthError: string }>
/** The injected OAuth refusal for a request of `grant`, if the failure is one. */
export const isOAuthErrorFor =
  (grant: TokenGrant) =>
  (f: EmulatorFailure): f is OAuthErrorFailure =>
    'oauthError' in f && (f.grant === undefined || f.grant === grant)
export const isProblemFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { problem: string }> => 'problem' in f
export const isExpiredTicketFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { expiredTicket: true }> => 'expiredTicket' in f

/** Pending failures with their remaining counts. */
export class FailureQueue {
  #entries: Array<{ failure: EmulatorFailure; remaining: number }> = []

  add(failure: EmulatorFailure): void {
    const times = failure.times ?? 1
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new RangeError(`failure.times must be a positive integer or Infinity, got ${times}`)
    }
    this.#entries.push({ failure, remaining: times })
  }

  clear(): void {
    this.#entries = []
  }

  /** Uses up one application of the first pending failure of this kind for the endpoint. */
  take<F extends EmulatorFailure>(endpoint: string, isKind: (failure: EmulatorFailure) => failure is F): F | undefined {
    const index = this.#entries.findIndex((e) => e.failure.endpoint === endpoint && isKind(e.failure))
    const entry = this.#entries[index]
    if (!entry || !isKind(entry.failure)) return undefined
    if (--entry.remaining <= 0) this.#entries.splice(index, 1)
    return entry.failure
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts, like `fetch`. */
export function delay(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
