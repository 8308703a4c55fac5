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
 * - `error` (authorize): redirect back with `error` / `error_description`.
 * - `idToken` (token): the next ID token issued is tampered with; requests that issue no ID
 *   token don't count.
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
 * ```
 */
export type EmulatorFailure =
  | {
      endpoint: 'discovery' | 'jwks' | 'token' | 'userinfo' | 'management' | 'par'
      status: number
      body?: string
      contentType?: string
      times?: number
    }
  | { endpoint: 'discovery' | 'jwks' | 'token' | 'par'; delayMs: number; times?: number }
  | { endpoint: 'discovery' | 'jwks' | 'token' | 'par'; network: true; times?: number }
  | { endpoint: 'authorize'; error: string; errorDescription?: string; times?: number }
  | { endpoint: 'token'; idToken: IdTokenTamper; times?: number }
  | { endpoint: 'token' | 'par'; dpopNonce: true; times?: number }

/** The failures that replace or hold up a whole response, checked before routing. */
export type TransportFailure = Extract<EmulatorFailure, { status: number } | { delayMs: number } | { network: true }>

export const isTransportFailure = (f: EmulatorFailure): f is TransportFailure => 'status' in f || 'delayMs' in f || 'network' in f
export const isAuthorizeFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { error: string }> => 'error' in f
export const isDpopNonceFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { dpopNonce: true }> => 'dpopNonce' in f
export const isIdTokenFailure = (f: EmulatorFailure): f is Extract<EmulatorFailure, { idToken: IdTokenTamper }> => 'idToken' in f

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
