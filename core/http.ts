/**
 * @module One call to Auth0: our fetch, our timeout joined with the caller's signal, loopback-only
 * plain http, and a timeout or abort turned into one `TimeoutError` however the call was made.
 */

import * as oauth from 'oauth4webapi'
import { TimeoutError } from './errors.js'

/** The HTTP settings of every call to Auth0. */
export interface HttpSettings {
  /** Looked up per call by default, so test tools that patch the global fetch later still apply. */
  fetch: typeof fetch
  /** Milliseconds for one call, request and body read. */
  timeout: number
  /** Plain http, allowed for loopback issuers only (the emulator, local tests). */
  allowInsecureRequests: boolean
}

/** Options oauth4webapi takes on every HTTP call. */
export interface HttpOptions {
  [oauth.customFetch]: typeof fetch
  [oauth.allowInsecureRequests]: boolean
  signal: AbortSignal
  /** The tenant's DPoP handle, added by the steps whose requests carry proofs. */
  DPoP?: oauth.DPoPHandle
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
    controller.abort(caller?.reason)
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
 * Runs one call to Auth0 (request and reading its body) with fresh options: its own timeout,
 * joined with the caller's signal, and cleared as soon as the call settles. A timeout or abort
 * becomes `TimeoutError("<what> timed out")`; any other failure is the caller's to classify.
 *
 * @throws {TimeoutError} when the call outlived `settings.timeout` or `signal` aborted.
 */
export async function callAuth0<T>(
  settings: HttpSettings,
  what: string,
  signal: AbortSignal | undefined,
  call: (options: HttpOptions) => Promise<T>,
): Promise<T> {
  const timeout = callTimeout(settings.timeout, signal)
  try {
    return await call({
      [oauth.customFetch]: settings.fetch,
      [oauth.allowInsecureRequests]: settings.allowInsecureRequests,
      signal: timeout.signal,
    })
  } catch (error) {
    if (isAbort(error)) throw new TimeoutError(`${what} timed out`, { cause: error })
    throw error
  } finally {
    timeout.clear()
  }
}
