/**
 * @module Single-flight for token refreshes in one process: concurrent refreshes of one refresh
 * token share one request, and a rotated-out token is answered from memory for a short window.
 */

import type * as oauth from 'oauth4webapi'
import { SingleFlight } from './single-flight.js'

/** What one refresh produced, as every caller that shared it receives it. */
export interface RefreshOutcome {
  /** The audience the new access token is for. */
  audience: string
  /** The scope the refresh asked for (normalized), when it asked for one. */
  scope?: string | undefined
  tokens: oauth.TokenEndpointResponse
  /** The ID token's validated claims, when the response carried one. */
  claims: oauth.IDToken | undefined
}

/**
 * How long a finished refresh answers for the refresh token it used. A request whose cookie left
 * the browser before the first refresh's response came back still carries the old token; with
 * Auth0's rotation, sending it again would be a reuse, and Auth0 would revoke the whole grant.
 */
export const ROTATION_MEMORY_MS = 30_000

/** Finished refreshes remembered at once (a few KB each); the oldest goes first. */
const MAX_REMEMBERED = 1000

/**
 * One refresh per refresh token at a time in this process, its outcome (or failure) shared by
 * every caller, and each success remembered for {@link ROTATION_MEMORY_MS}.
 */
export class RefreshCoordinator {
  readonly #inFlight = new SingleFlight<RefreshOutcome>()
  readonly #recent = new Map<string, { outcome: RefreshOutcome; until: number }>()

  /** The outcome for `key`: remembered, in flight, or from `refresh()` started now. */
  share(key: string, refresh: () => Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    const remembered = this.#recent.get(key)
    if (remembered && remembered.until > Date.now()) return Promise.resolve(remembered.outcome)
    if (remembered) this.#recent.delete(key)
    return this.#inFlight.run(key, async () => {
      const outcome = await refresh()
      this.#remember(key, outcome)
      return outcome
    })
  }

  /**
   * The newest refresh token a remembered refresh rotated `token` into, or `undefined` when
   * this process did not rotate it in the last {@link ROTATION_MEMORY_MS}. Lets another grant
   * that takes the refresh token (Token Vault) send the live token instead of a retired one.
   */
  successor(token: string): string | undefined {
    let current = token
    // A few hops cover a burst of rotations; a longer chain is not worth following.
    for (let hop = 0; hop < 3; hop++) {
      const remembered = this.#recent.get(current)
      const rotated = remembered && remembered.until > Date.now() ? remembered.outcome.tokens.refresh_token : undefined
      if (rotated === undefined || rotated === current) break
      current = rotated
    }
    return current === token ? undefined : current
  }

  #remember(key: string, outcome: RefreshOutcome): void {
    this.#recent.delete(key)
    this.#recent.set(key, { outcome, until: Date.now() + ROTATION_MEMORY_MS })
    for (const [oldest, entry] of this.#recent) {
      if (this.#recent.size <= MAX_REMEMBERED && entry.until > Date.now()) break
      this.#recent.delete(oldest)
    }
  }
}
