/**
 * @module The `SessionBackend` contract that a stateful session store (Redis, Workers KV, your database)
 * implements.
 */

import type { SessionData } from '../session.js'
import type { SharedRefresh } from '../stores.js'

/**
 * What a backend needs besides the data to keep one session record.
 *
 * @example
 * ```ts
 * await backend.set(id, session, { ttlSeconds: 86_400, sub: session.user.sub, sid: session.internal.sid })
 * ```
 */
export interface SessionRecordOptions {
  /** Seconds the record lives; the store sets it to the session's remaining lifetime. */
  ttlSeconds: number
  /** The user (`sub`), indexed so a backchannel logout for the user finds every session. */
  sub: string
  /** Auth0's session id (`sid`), indexed so a backchannel logout for one session finds it. */
  sid?: string
  /**
   * Write only over a record that still exists. Writes that keep a session alive (refresh,
   * rolling) use it, so they cannot bring back a session a logout just ended.
   */
  onlyIfPresent?: boolean
}

/**
 * Where a {@link StatefulStateStore} keeps sessions, keyed by an opaque random id. Implement it
 * to put sessions in any database; `MemorySessionBackend` (one process) and
 * `RedisSessionBackend` from `auth0-link-kit/redis` (several instances) ship with the package.
 *
 * @example
 * ```ts
 * const records = new Map<string, SessionData>()
 * const backend: SessionBackend = {
 *   async get(id) { return records.get(id) },
 *   async set(id, session, { onlyIfPresent }) {
 *     if (onlyIfPresent && !records.has(id)) return false
 *     records.set(id, session) // a real backend also expires it after ttlSeconds
 *     return true
 *   },
 *   async delete(id) { records.delete(id) },
 *   async deleteBySub(sub) { for (const [id, s] of records) if (s.user.sub === sub) records.delete(id) },
 *   async deleteBySid(sid) { for (const [id, s] of records) if (s.internal.sid === sid) records.delete(id) },
 * }
 * ```
 */
export interface SessionBackend {
  /** The live record under `id`, or `undefined` when there is none or it expired. */
  get(id: string): Promise<SessionData | undefined>
  /** Creates or replaces the record; `false` only when `onlyIfPresent` found nothing to replace. */
  set(id: string, session: SessionData, options: SessionRecordOptions): Promise<boolean>
  /** Removes the record and its index entries; nothing happens when there is none. */
  delete(id: string): Promise<void>
  /** Ends every session of the user. */
  deleteBySub(sub: string): Promise<void>
  /** Ends every session that belongs to one Auth0 session. */
  deleteBySid(sid: string): Promise<void>
  /**
   * A backend shared by several instances should offer this: a short lock and result board so
   * one instance refreshes a session's tokens and the others read its result.
   */
  readonly sharedRefresh?: SharedRefresh
  /**
   * Optional: stores `key` for `ttlSeconds` unless it is there already; `true` when it was not
   * (Redis `SET NX EX`). Remembers used logout tokens (`jti`) for every instance sharing the
   * backend.
   */
  markOnce?(key: string, ttlSeconds: number): Promise<boolean>
}
