/**
 * @module Concurrent calls with the same key share one run: the refreshes of one refresh token
 * and the Token Vault exchanges of one session and connection, so a burst of requests costs
 * Auth0 one token request.
 */

/**
 * One run per key at a time; every caller that asks while it is running gets its result (or
 * its failure). Nothing is remembered once it settles.
 */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>()

  run(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key)
    if (running) return running
    const started = start().finally(() => {
      if (this.#running.get(key) === started) this.#running.delete(key)
    })
    this.#running.set(key, started)
    return started
  }
}
