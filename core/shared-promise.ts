/**
 * @module A value fetched once and shared by concurrent callers, forgotten when the fetch fails
 * so the next caller tries again: discovery, the key set, the Management API token.
 */

/**
 * Holds at most one promise. `get(load)` returns the held one, or starts `load()` and holds it;
 * a rejected promise is dropped (its callers still see the rejection).
 */
export class SharedPromise<T> {
  #current: Promise<T> | undefined

  get(load: () => Promise<T>): Promise<T> {
    if (this.#current) return this.#current
    const started = load()
    this.#current = started
    started.catch(() => {
      if (this.#current === started) this.#current = undefined
    })
    return started
  }

  /** The held promise, if any, without starting a load. */
  peek(): Promise<T> | undefined {
    return this.#current
  }

  /** Drops `stale` (or whatever is held, without an argument) so the next `get` loads afresh. */
  forget(stale?: Promise<T>): void {
    if (stale === undefined || this.#current === stale) this.#current = undefined
  }
}
