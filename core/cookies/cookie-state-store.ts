/**
 * @module The default session store: the whole session in encrypted, chunked cookies, capped by
 * `session.maxCookieSize`.
 */

import { SessionTooLargeError } from '../errors.js'
import { nowInSeconds, type SessionData, sessionExpiresAt, shouldTouch, withoutOldestCachedToken } from '../session.js'
import type { LogoutTokenClaims, PreparedSessionWrite, StateStore, StoreConfig, StoreOptions } from '../stores.js'
import { CookieCodec } from './codec.js'
import { CookieJar } from './jar.js'

/** Backchannel logouts remembered per process; older entries are past any session's lifetime. */
const MAX_LOGOUT_MARKERS = 10_000

/**
 * Decrypted session cookies kept per store, by exact value: the same cookie arrives with every
 * request of a signed-in user. At ~3 KB a cookie this bounds the cache near 3 MB.
 */
const SESSIONS_REMEMBERED = 500

/**
 * The default, stateless session store: the whole session in an encrypted, chunked cookie.
 *
 * A stateless cookie cannot be reached by a backchannel logout, so logouts are recorded as
 * markers in this process and a session they cover reads as absent. With several instances,
 * use a stateful store so every instance sees the logout.
 *
 * @example
 * ```ts
 * // wrap the default store, e.g. to count session reads
const auth = createAuth({ ...options, stateStore: (config) => new CountingStore(new CookieStateStore(config)) })
 * ```
 */
export class CookieStateStore implements StateStore {
  readonly #config: StoreConfig
  readonly #codec: CookieCodec
  /** `sub:` / `sid:` keys → logout time (seconds). Insertion order doubles as age order. */
  readonly #logoutMarkers = new Map<string, number>()

  constructor(config: StoreConfig) {
    this.#config = config
    this.#codec = new CookieCodec(config.secrets, 'session', { remember: SESSIONS_REMEMBERED })
  }

  #jar(storeOptions: StoreOptions): CookieJar {
    return new CookieJar(this.#config, storeOptions, this.#config.session.cookie, this.#config.session.hostPrefix)
  }

  #expiresAt(session: SessionData): number {
    return sessionExpiresAt(session, this.#config.session)
  }

  #loggedOut(session: SessionData): boolean {
    if (this.#logoutMarkers.size === 0) return false
    const bySid = session.internal.sid ? this.#logoutMarkers.get(`sid:${session.internal.sid}`) : undefined
    const bySub = this.#logoutMarkers.get(`sub:${session.user.sub}`)
    const at = Math.max(bySid ?? -Infinity, bySub ?? -Infinity)
    return at >= session.internal.createdAt
  }

  async get(storeOptions: StoreOptions): Promise<SessionData | undefined> {
    const jar = this.#jar(storeOptions)
    const value = jar.getChunked(this.#config.session.cookieName)
    if (value === undefined) return undefined
    const decrypted = await this.#codec.decrypt<SessionData>(value)
    if (!decrypted) return undefined
    const session = decrypted.payload
    if (this.#expiresAt(session) <= nowInSeconds() || this.#loggedOut(session)) return undefined
    // Re-encrypt under the current secret, and keep a rolling session alive while it is used.
    const stale = shouldTouch(session, this.#config.session)
    if (decrypted.rotated || stale) {
      try {
        await this.set(session, storeOptions)
      } catch (error) {
        // A session stored under a larger size limit still reads; it is just not rewritten.
        if (!(error instanceof SessionTooLargeError)) throw error
      }
    }
    return session
  }

  async set(session: SessionData, storeOptions: StoreOptions): Promise<void> {
    await (await this.prepare(session, storeOptions)).commit()
  }

  /** Encrypts the session (checking its size) now; `commit()` writes the cookies. */
  async prepare(session: SessionData, storeOptions: StoreOptions): Promise<PreparedSessionWrite> {
    let updated: SessionData = { ...session, internal: { ...session.internal, updatedAt: nowInSeconds() } }
    const expiresAt = this.#expiresAt(updated)
    let value = await this.#codec.encrypt(updated, expiresAt)
    const { maxCookieSize } = this.#config.session
    // Cached access tokens go first (oldest first): refused, this write could be the one that
    // carries a refresh token Auth0 has just rotated. Bounded by the number of cached tokens.
    while (value.length > maxCookieSize) {
      const shed = withoutOldestCachedToken(updated)
      if (!shed) {
        throw new SessionTooLargeError(
          `The encrypted session is ${value.length} characters, over session.maxCookieSize (${maxCookieSize}); trim claims in beforeSessionSaved or use a stateful store`,
        )
      }
      updated = shed
      value = await this.#codec.encrypt(updated, expiresAt)
    }
    return {
      commit: async () => this.#jar(storeOptions).setChunked(this.#config.session.cookieName, value, expiresAt - nowInSeconds()),
    }
  }

  async delete(storeOptions: StoreOptions): Promise<void> {
    this.#jar(storeOptions).deleteChunked(this.#config.session.cookieName)
  }

  async deleteByLogoutToken(claims: LogoutTokenClaims): Promise<void> {
    const now = nowInSeconds()
    for (const key of [claims.sid && `sid:${claims.sid}`, claims.sub && `sub:${claims.sub}`]) {
      if (!key) continue
      this.#logoutMarkers.delete(key)
      this.#logoutMarkers.set(key, now)
    }
    while (this.#logoutMarkers.size > MAX_LOGOUT_MARKERS) {
      const oldest = this.#logoutMarkers.keys().next().value
      if (oldest === undefined) break
      this.#logoutMarkers.delete(oldest)
    }
  }
}
