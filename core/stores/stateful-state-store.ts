/**
 * @module The stateful session store: an encrypted random id in the cookie, the session in a
 * backend (memory, Redis, Workers KV, any database).
 */

import { base64url } from 'jose'
import { CookieCodec } from '../cookies/codec.js'
import { CookieJar } from '../cookies/jar.js'
import { Auth0LinkKitError, SessionStoreError } from '../errors.js'
import { ReplayMemory } from '../replay-memory.js'
import { nowInSeconds, type SessionData, sessionExpiresAt, shouldTouch } from '../session.js'
import type {
  LogoutTokenClaims,
  SharedRefresh,
  StateStore,
  StateStoreFactory,
  StateStoreSetOptions,
  StoreConfig,
  StoreOptions,
} from '../stores.js'
import type { SessionBackend } from './session-backend.js'

/** Decrypted id cookies remembered by exact value (about 200 bytes each). */
const SESSION_IDS_REMEMBERED = 1000

/** 256 bits: ids are bearer credentials for the session, so they must be unguessable. */
const SESSION_ID_BYTES = 32

function newSessionId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)))
}

interface CookieSessionId {
  id: string
  /** An older secret encrypted it: rewrite the cookie under the current one. */
  rotated: boolean
}

/**
 * The session id a request carries, after this store changed it while handling that request
 * (rotation, delete): a later `get` in the same request must not read the stale cookie.
 * `null` records a deletion.
 */
const idsWrittenDuringRequest = new WeakMap<Request, string | null>()

/**
 * A stateful session store: the cookie holds only an encrypted, random session id; the session
 * lives in a {@link SessionBackend} with a TTL equal to its remaining lifetime (inactivity for a
 * rolling session, bounded by the absolute duration). Because the server holds the data, a
 * backchannel logout ends the session everywhere the backend is shared, and the id is replaced
 * after login and after link/unlink completion (session fixation defence).
 *
 * A backend that fails (Redis down, KV unreachable) reads as signed out for that request, with
 * the id cookie kept, and a write that fails throws `SessionStoreError` (503): the session stays
 * in the backend, untouched, for when it answers again. Built by {@link statefulStateStore} for `createAuth`.
 *
 * @example
 * ```ts
 * // a store wrapped for metrics; plain use is `stateStore: statefulStateStore(backend)`
 * const auth = createAuth({ ...options, stateStore: (config) => new TimedStore(new StatefulStateStore(config, backend)) })
 * ```
 */
export class StatefulStateStore implements StateStore {
  readonly #config: StoreConfig
  readonly #backend: SessionBackend
  /** Its own HKDF purpose: a session id cookie never decrypts as anything else, nor the reverse. */
  readonly #codec: CookieCodec
  readonly sharedRefresh: SharedRefresh | undefined
  /** One-time marks for a backend without `markOnce`: shared by every instance using this store. */
  readonly #marks = new ReplayMemory()

  constructor(config: StoreConfig, backend: SessionBackend) {
    this.#config = config
    this.#backend = guarded(backend)
    this.sharedRefresh = backend.sharedRefresh
    // The same id cookie comes with every request; the backend is still asked each time.
    this.#codec = new CookieCodec(this.#config.secrets, 'session-id', { remember: SESSION_IDS_REMEMBERED })
  }

  #jar(storeOptions: StoreOptions): CookieJar {
    return new CookieJar(this.#config, storeOptions, this.#config.session.cookie, this.#config.session.hostPrefix)
  }

  #absoluteExpiresAt(session: SessionData): number {
    return session.internal.createdAt + this.#config.session.absoluteDuration
  }

  #expiresAt(session: SessionData): number {
    return sessionExpiresAt(session, this.#config.session)
  }

  async #sessionId(storeOptions: StoreOptions): Promise<CookieSessionId | undefined> {
    const written = idsWrittenDuringRequest.get(storeOptions.request)
    if (written !== undefined) return written === null ? undefined : { id: written, rotated: false }
    const value = this.#jar(storeOptions).getChunked(this.#config.session.cookieName)
    if (value === undefined) return undefined
    const decrypted = await this.#codec.decrypt<unknown>(value)
    if (!decrypted || typeof decrypted.payload !== 'string') return undefined
    return { id: decrypted.payload, rotated: decrypted.rotated }
  }

  async #writeCookie(id: string, session: SessionData, storeOptions: StoreOptions): Promise<void> {
    // The cookie lives to the absolute end; the backend's TTL enforces inactivity, so keeping a
    // rolling session alive needs no new Set-Cookie.
    const expiresAt = this.#absoluteExpiresAt(session)
    const value = await this.#codec.encrypt(id, expiresAt)
    this.#jar(storeOptions).setChunked(this.#config.session.cookieName, value, expiresAt - nowInSeconds())
    idsWrittenDuringRequest.set(storeOptions.request, id)
  }

  #clearCookie(storeOptions: StoreOptions): void {
    this.#jar(storeOptions).deleteChunked(this.#config.session.cookieName)
    idsWrittenDuringRequest.set(storeOptions.request, null)
  }

  /** Writes the record; `false` when the session is over (expired, or ended while we worked). */
  async #writeRecord(id: string, session: SessionData, onlyIfPresent: boolean): Promise<boolean> {
    const ttlSeconds = this.#expiresAt(session) - nowInSeconds()
    if (ttlSeconds <= 0) return false
    const sid = session.internal.sid
    return this.#backend.set(id, session, { ttlSeconds, sub: session.user.sub, ...(sid !== undefined ? { sid } : {}), onlyIfPresent })
  }

  /** The session the request's id names, or `undefined` when it names none that is still live. */
  async get(storeOptions: StoreOptions): Promise<SessionData | undefined> {
    const current = await this.#sessionId(storeOptions)
    if (!current) return undefined
    let session: SessionData | undefined
    try {
      session = await this.#backend.get(current.id)
    } catch (error) {
      // The backend failed (Redis down, KV unreachable): signed out for this request only. The
      // cookie stays, so the session is back as soon as the backend is.
      if (error instanceof SessionStoreError) return undefined
      throw error
    }
    if (!session || this.#expiresAt(session) <= nowInSeconds()) {
      // Ended by logout, expiry or eviction: the id names nothing any more.
      this.#clearCookie(storeOptions)
      return undefined
    }
    if (shouldTouch(session, this.#config.session)) {
      const touched: SessionData = { ...session, internal: { ...session.internal, updatedAt: nowInSeconds() } }
      const kept = await this.#writeRecord(current.id, touched, true).catch((error: unknown) => {
        // A keep-alive that failed to write leaves the session as it was; the next read tries again.
        if (error instanceof SessionStoreError) return true
        throw error
      })
      if (!kept) {
        this.#clearCookie(storeOptions)
        return undefined
      }
    }
    if (current.rotated) await this.#writeCookie(current.id, session, storeOptions)
    return session
  }

  /** Writes the session under the request's id, or under a new id when rotating or when there is none. */
  async set(session: SessionData, storeOptions: StoreOptions, options: StateStoreSetOptions = {}): Promise<void> {
    const updated: SessionData = { ...session, internal: { ...session.internal, updatedAt: nowInSeconds() } }
    const current = await this.#sessionId(storeOptions)
    if (current && !options.rotate) {
      // Refresh and rolling writes keep the id, and must not revive a session ended meanwhile.
      if (await this.#writeRecord(current.id, updated, true)) {
        if (current.rotated) await this.#writeCookie(current.id, updated, storeOptions)
      } else {
        this.#clearCookie(storeOptions)
      }
      return
    }
    if (options.updatesExisting && !(current && (await this.#backend.get(current.id)))) {
      // Ended (logout, backchannel logout) while the link or unlink was at Auth0: stay ended.
      this.#clearCookie(storeOptions)
      return
    }
    const id = newSessionId()
    // The new record exists (and is indexed for logout) before the old one goes: never a gap
    // in which the browser holds no valid id.
    if (!(await this.#writeRecord(id, updated, false))) {
      if (current) await this.#backend.delete(current.id)
      this.#clearCookie(storeOptions)
      return
    }
    if (current) await this.#backend.delete(current.id)
    await this.#writeCookie(id, updated, storeOptions)
  }

  /** Deletes the record the request's id names and clears the cookie. */
  async delete(storeOptions: StoreOptions): Promise<void> {
    const current = await this.#sessionId(storeOptions)
    if (current) await this.#backend.delete(current.id)
    this.#clearCookie(storeOptions)
  }

  /**
   * OpenID Connect Back-Channel Logout 1.0 §2.4: a token with `sid` ends that Auth0 session
   * (other sessions of the user stay); one with only `sub` ends all of the user's sessions.
   */
  /** The backend's `markOnce`, or this store's own memory when the backend has none. */
  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.#backend.markOnce) return this.#backend.markOnce(key, ttlSeconds)
    return this.#marks.markOnce(key, nowInSeconds() + ttlSeconds)
  }

  async deleteByLogoutToken(claims: LogoutTokenClaims): Promise<void> {
    if (claims.sid !== undefined) await this.#backend.deleteBySid(claims.sid)
    else if (claims.sub !== undefined) await this.#backend.deleteBySub(claims.sub)
  }
}

/** The backend with its failures as `SessionStoreError`, so handlers answer 503 and never crash. */
function guarded(backend: SessionBackend): SessionBackend {
  const wrap =
    <A extends unknown[], R>(what: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args)
      } catch (error) {
        if (error instanceof Auth0LinkKitError) throw error
        throw new SessionStoreError(`The session backend failed to ${what}`, { cause: error })
      }
    }
  const markOnce = backend.markOnce?.bind(backend)
  return {
    get: wrap('read a session', (id) => backend.get(id)),
    set: wrap('write a session', (id, session, options) => backend.set(id, session, options)),
    delete: wrap('delete a session', (id) => backend.delete(id)),
    deleteBySub: wrap('end the sessions of a user', (sub) => backend.deleteBySub(sub)),
    deleteBySid: wrap('end the sessions of an Auth0 session', (sid) => backend.deleteBySid(sid)),
    ...(markOnce ? { markOnce: wrap('remember a used logout token', markOnce) } : {}),
  }
}

/**
 * Sessions in `backend`, with only an encrypted random id in the cookie: pass it as
 * `stateStore`. The store takes the secret, session durations and cookie attributes from the
 * instance it is given to.
 *
 * @example
 * ```ts
 * import { createAuth, MemorySessionBackend, statefulStateStore } from 'auth0-link-kit'
 *
 * const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl, stateStore: statefulStateStore(new MemorySessionBackend()) })
 * ```
 */
export function statefulStateStore(backend: SessionBackend): StateStoreFactory {
  return (config) => new StatefulStateStore(config, backend)
}
