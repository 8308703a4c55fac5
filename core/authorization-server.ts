import * as oauth from 'oauth4webapi'
import type { ResolvedConfig } from './config.js'
import { DiscoveryError, TimeoutError } from './errors.js'

/** Options oauth4webapi takes on every HTTP call: our fetch, our timeout, loopback-only plain http. */
export interface HttpOptions {
  [oauth.customFetch]: typeof fetch
  [oauth.allowInsecureRequests]: boolean
  signal: AbortSignal
}

/** True for the errors a fetch rejects with when it gave up (our timeout or the caller's abort). */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

/**
 * A signal that aborts after `ms` with a `TimeoutError` (as `AbortSignal.timeout` does) or when
 * `caller` aborts, with its reason; `clear()` drops the timer and the listener once the call is
 * over. Built by hand rather than as `AbortSignal.any([caller, AbortSignal.timeout(ms)])`: Node 20
 * and 22 keep such composite signals reachable long after they fired, and a timer left to run keeps
 * the finished fetch (its listeners, its buffers) alive for the whole `httpTimeout`.
 */
function callTimeout(ms: number, caller: AbortSignal | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController()
  if (caller?.aborted) {
    controller.abort(caller.reason)
    return { signal: controller.signal, clear: () => {} }
  }
  const onCallerAbort = () => {
    clearTimeout(timer)
    controller.abort(caller!.reason)
  }
  const timer = setTimeout(() => {
    caller?.removeEventListener('abort', onCallerAbort)
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
  }, ms)
  // Like AbortSignal.timeout's, this timer alone must not keep a Node or Bun process running.
  ;(timer as { unref?: () => void }).unref?.()
  caller?.addEventListener('abort', onCallerAbort, { once: true })
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer)
      caller?.removeEventListener('abort', onCallerAbort)
    },
  }
}

/**
 * The tenant as oauth4webapi sees it: discovery metadata, client and client authentication.
 * Discovery runs once per instance; concurrent first requests share one fetch, and a failed
 * fetch is forgotten so the next request tries again.
 */
export class AuthorizationServerConnection {
  readonly config: ResolvedConfig
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  #metadata: Promise<oauth.AuthorizationServer> | undefined

  constructor(config: ResolvedConfig) {
    this.config = config
    this.client = { client_id: config.clientId }
    this.clientAuth = config.clientAssertionSigningKey
      ? oauth.PrivateKeyJwt(config.clientAssertionSigningKey)
      : oauth.ClientSecretPost(config.clientSecret!)
  }

  /**
   * Runs one call to Auth0 (request and reading its body) with fresh options: its own timeout,
   * joined with the caller's signal, and cleared as soon as the call settles.
   */
  async withHttpOptions<T>(signal: AbortSignal | undefined, call: (options: HttpOptions) => Promise<T>): Promise<T> {
    const timeout = callTimeout(this.config.httpTimeout, signal)
    try {
      return await call({
        [oauth.customFetch]: this.config.fetch,
        [oauth.allowInsecureRequests]: this.config.allowInsecureIssuer,
        signal: timeout.signal,
      })
    } finally {
      timeout.clear()
    }
  }

  metadata(signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    this.#metadata ??= this.#discover(signal).catch((error: unknown) => {
      this.#metadata = undefined
      throw error
    })
    return this.#metadata
  }

  async #discover(signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    const issuer = this.config.issuer
    try {
      return await this.withHttpOptions(signal, async (options) => {
        const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' })
        return oauth.processDiscoveryResponse(issuer, response)
      })
    } catch (error) {
      if (isAbort(error)) throw new TimeoutError('Auth0 discovery timed out', { cause: error })
      throw new DiscoveryError('Could not load the tenant discovery document', { cause: error })
    }
  }
}
