/**
 * @module The in-process memory of one-time values (a logout token's `jti`): each is accepted
 * once until it expires, bounded in size.
 */

import { nowInSeconds } from './session.js'

/** Values remembered per process; past this the soonest to expire is forgotten first. */
const MAX_REMEMBERED = 10_000

/**
 * Remembers keys until their expiry so each is accepted once. In-process only: a state store
 * with `markOnce` carries the same rule across instances.
 */
export class ReplayMemory {
  /** key → expiry (seconds); insertion order is close enough to expiry order for eviction. */
  readonly #seen = new Map<string, number>()

  /** True the first time `key` is marked before `until` (seconds since the epoch); false for a repeat. */
  markOnce(key: string, until: number): boolean {
    const now = nowInSeconds()
    const seen = this.#seen.get(key)
    if (seen !== undefined && seen > now) return false
    this.#seen.delete(key)
    this.#seen.set(key, until)
    // Bounded: each step removes one entry.
    for (const [oldKey, expiry] of this.#seen) {
      if (this.#seen.size <= MAX_REMEMBERED && expiry > now) break
      this.#seen.delete(oldKey)
    }
    return true
  }
}
