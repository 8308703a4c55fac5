/**
 * `auth0-link-kit/cloudflare`: sessions in Workers KV. A SessionBackend over a KV namespace
 * binding, for the core's StatefulStateStore; no protocol code, only keys, TTLs and failures.
 *
 * @module auth0-link-kit/cloudflare
 */

import {
  type SessionBackend,
  type SessionData,
  type SessionRecordOptions,
  SessionStoreError,
  type StateStoreFactory,
  statefulStateStore,
} from '../core/index.js'
import { parseStoredRecord, type StoredRecord, storedRecord } from './stored-record.js'

export { SessionStoreError }

/**
 * The part of a Workers KV namespace binding (`env.SESSIONS`) this backend uses; any
 * `KVNamespace` from `@cloudflare/workers-types` fits, and so does miniflare's.
 *
 * @example
 * ```ts
 * // wrangler.toml: [[kv_namespaces]] binding = "SESSIONS" id = "…"
 * const namespace: KvNamespace = env.SESSIONS
 * ```
 */
export interface KvNamespace {
  /** The value under `key`, or `null`. */
  get(key: string, type: 'text'): Promise<string | null>
  /** Writes `value`; KV deletes it after `expirationTtl` seconds (60 at least). */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
  /** Removes `key`; nothing happens when there is none. */
  delete(key: string): Promise<void>
  /** Up to `limit` key names starting with `prefix`, from `cursor` on. */
  list(options: {
    prefix: string
    cursor?: string
    limit?: number
  }): Promise<{ keys: Array<{ name: string }>; list_complete: boolean; cursor?: string }>
}

/**
 * Options of {@link KvSessionBackend} and {@link kvStateStore}.
 *
 * @example
 * ```ts
 * const backend = new KvSessionBackend({ namespace: env.SESSIONS, prefix: 'myapp:', timeoutMs: 2_000 })
 * ```
 */
export interface KvSessionBackendOptions {
  /** The KV namespace binding. */
  namespace: KvNamespace
  /** Prepended to every key, so several apps can share one namespace. Default `auth0-link-kit:`. */
  prefix?: string
  /** Milliseconds one KV call may take before it counts as failed. Default 5,000. */
  timeoutMs?: number
  /**
   * Told of every KV failure (a `SessionStoreError` naming the KV call). A failed read answers
   * signed out for that request and keeps the browser's cookie; a failed write ends in a 503
   * page. Default: `console.error` of the code and the operation, never a key or value.
   */
  onError?: (error: SessionStoreError) => void
}

/** KV refuses an `expirationTtl` under 60 seconds. */
const MIN_TTL_SECONDS = 60
/** A backchannel logout walks at most this many pages of 1,000 index keys. */
const MAX_LIST_PAGES = 20

/**
 * Sessions in Workers KV, shared by every isolate and location of the Worker: `<prefix>sess:<id>`
 * holds a session that expires with it (KV's `expirationTtl`, at least 60 s), and one empty key
 * per index entry, `<prefix>sub:<sub>:<id>` and `<prefix>sid:<sid>:<id>`, lets a backchannel
 * logout find the user's or the Auth0 session's ids by listing a prefix. Separate keys rather
 * than one list per user: KV has no atomic update, so two logins writing one list would lose ids.
 *
 * KV is eventually consistent: a write is visible at once where it was made, elsewhere within
 * about 60 s. A logout (front- or backchannel) therefore may take up to a minute to end the
 * session in other locations, and `onlyIfPresent` is a read-then-write, not a transaction. Keep
 * the default cookie store when sessions fit in cookies (no store to fail, nothing to expire);
 * take KV when a backchannel logout must end sessions server-side, or sessions are too large
 * for cookies. Where a logout must be immediate everywhere, use a Durable Object or a database
 * behind your own `SessionBackend`.
 *
 * @example
 * ```ts
 * import { statefulStateStore } from 'auth0-link-kit'
 * import { KvSessionBackend } from 'auth0-link-kit/cloudflare'
 * import { auth0, authFromBindings } from 'auth0-link-kit/hono'
 *
 * // a backend of your own (a prefix per app), or simply kvStateStore({ namespace: env.SESSIONS })
 * app.use(auth0(authFromBindings((env) => ({ stateStore: statefulStateStore(new KvSessionBackend({ namespace: env.SESSIONS, prefix: 'shop:' })) }))))
 * ```
 */
export class KvSessionBackend implements SessionBackend {
  readonly #kv: KvNamespace
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #onError: (error: SessionStoreError) => void

  constructor(options: KvSessionBackendOptions) {
    this.#kv = options.namespace
    this.#prefix = options.prefix ?? 'auth0-link-kit:'
    this.#timeoutMs = options.timeoutMs ?? 5_000
    this.#onError = options.onError ?? ((error) => console.error(`[auth0-link-kit] ${error.code}: Workers KV ${error.operation} failed`))
  }

  /** Runs one KV call; a rejection or a call slower than `timeoutMs` becomes a {@link SessionStoreError}. */
  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SessionStoreError(`Workers KV ${operation} took longer than ${this.#timeoutMs} ms`, { operation })),
        this.#timeoutMs,
      )
    })
    try {
      return await Promise.race([run(), timeout])
    } catch (error) {
      const failure =
        error instanceof SessionStoreError ? error : new SessionStoreError(`Workers KV ${operation} failed`, { cause: error, operation })
      this.#onError(failure)
      throw failure
    } finally {
      clearTimeout(timer)
    }
  }

  #sessionKey(id: string): string {
    return `${this.#prefix}sess:${id}`
  }

  // Encoded so that no sub or sid can contain the `:` that ends its prefix: listing
  // `sub:a:` must never find the keys of a user `a:b`.
  #subPrefix(sub: string): string {
    return `${this.#prefix}sub:${encodeURIComponent(sub)}:`
  }

  #sidPrefix(sid: string): string {
    return `${this.#prefix}sid:${encodeURIComponent(sid)}:`
  }

  #indexKeys(id: string, record: { sub: string; sid?: string | undefined }): string[] {
    const keys = [`${this.#subPrefix(record.sub)}${id}`]
    if (record.sid !== undefined) keys.push(`${this.#sidPrefix(record.sid)}${id}`)
    return keys
  }

  async #read(id: string): Promise<StoredRecord | undefined> {
    return parseStoredRecord(await this.#call('get', () => this.#kv.get(this.#sessionKey(id), 'text')))
  }

  /** The session under `id`; a KV failure rejects with `SessionStoreError`, which the store reads as signed out. */
  async get(id: string): Promise<SessionData | undefined> {
    return (await this.#read(id))?.session
  }

  async set(id: string, session: SessionData, options: SessionRecordOptions): Promise<boolean> {
    if (options.onlyIfPresent && !(await this.#read(id))) return false
    const expirationTtl = Math.max(MIN_TTL_SECONDS, Math.ceil(options.ttlSeconds))
    // Indexed before it exists, so a backchannel logout never misses a live session.
    await Promise.all(this.#indexKeys(id, options).map((key) => this.#call('put', () => this.#kv.put(key, '', { expirationTtl }))))
    const record = storedRecord(session, options)
    await this.#call('put', () => this.#kv.put(this.#sessionKey(id), JSON.stringify(record), { expirationTtl }))
    return true
  }

  async delete(id: string): Promise<void> {
    const record = await this.#read(id)
    await this.#call('delete', () => this.#kv.delete(this.#sessionKey(id)))
    if (record) await Promise.all(this.#indexKeys(id, record).map((key) => this.#call('delete', () => this.#kv.delete(key))))
  }

  /**
   * A used logout token (`jti`), for every instance. KV has no set-if-absent, so two replays
   * racing within KV's propagation delay could both pass; a replay after that cannot.
   */
  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const name = `${this.#prefix}once:${key}`
    if ((await this.#call('get', () => this.#kv.get(name, 'text'))) !== null) return false
    const expirationTtl = Math.max(MIN_TTL_SECONDS, Math.ceil(ttlSeconds))
    await this.#call('put', () => this.#kv.put(name, '1', { expirationTtl }))
    return true
  }

  async deleteBySub(sub: string): Promise<void> {
    await this.#deleteIndexed(this.#subPrefix(sub))
  }

  async deleteBySid(sid: string): Promise<void> {
    await this.#deleteIndexed(this.#sidPrefix(sid))
  }

  async #deleteIndexed(prefix: string): Promise<void> {
    let cursor: string | undefined
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const listed = await this.#call('list', () => this.#kv.list({ prefix, ...(cursor ? { cursor } : {}), limit: 1000 }))
      await Promise.all(
        listed.keys.map(async ({ name }) => {
          const id = name.slice(prefix.length)
          // The session first: once it is gone the user is signed out, whatever happens to the index.
          await this.#call('delete', () => this.#kv.delete(this.#sessionKey(id)))
          await this.#call('delete', () => this.#kv.delete(name))
        }),
      )
      if (listed.list_complete || !listed.cursor) return
      cursor = listed.cursor
    }
  }
}

/**
 * Sessions in Workers KV: pass it as `stateStore`. The store takes the secret, session
 * durations and cookie attributes from the instance it is given to.
 *
 * @example
 * ```ts
 * import { auth0, authFromBindings } from 'auth0-link-kit/hono'
 * import { kvStateStore } from 'auth0-link-kit/cloudflare'
 *
 * app.use(auth0(authFromBindings((env) => ({ stateStore: kvStateStore({ namespace: env.SESSIONS }) }))))
 * ```
 */
export function kvStateStore(options: KvSessionBackendOptions): StateStoreFactory {
  return statefulStateStore(new KvSessionBackend(options))
}
