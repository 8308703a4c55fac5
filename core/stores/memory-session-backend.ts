/**
 * @module `MemorySessionBackend`: a bounded, expiring in-process `SessionBackend` for one-process apps
 * and tests.
 */

import { ConfigurationError } from '../errors.js'
import { ReplayMemory } from '../replay-memory.js'
import type { SessionData } from '../session.js'
import type { SessionBackend, SessionRecordOptions } from './session-backend.js'

/**
 * Options of {@link MemorySessionBackend}.
 *
 * @example
 * ```ts
 * const backend = new MemorySessionBackend({ maxSessions: 50_000 })
 * ```
 */
export interface MemorySessionBackendOptions {
  /** Most sessions kept; a new one beyond it evicts the least recently written. Default 10 000. */
  maxSessions?: number
}

interface MemoryRecord {
  /** Kept serialized so a caller mutating a session it got back cannot change the stored one. */
  json: string
  /** Milliseconds since the epoch. */
  expiresAt: number
  sub: string
  sid: string | undefined
}

/** Expired records looked at (oldest first) on each write, so memory does not wait for reads. */
const SWEEP_PER_WRITE = 8

/**
 * Sessions in this process's memory: bounded in size, each record expiring after its TTL
 * (checked on read, swept a few at a time on write), indexed by `sub` and `sid` for backchannel
 * logout. Suits one instance; sessions are lost on restart and not shared between processes —
 * use `auth0-link-kit/redis` for that.
 *
 * @example
 * ```ts
 * const auth = createAuth({ ...options, stateStore: statefulStateStore(new MemorySessionBackend({ maxSessions: 50_000 })) })
 * ```
 */
export class MemorySessionBackend implements SessionBackend {
  readonly #maxSessions: number
  /** Insertion order is write order: the first entry is the least recently written. */
  readonly #records = new Map<string, MemoryRecord>()
  readonly #bySub = new Map<string, Set<string>>()
  readonly #bySid = new Map<string, Set<string>>()
  readonly #marks = new ReplayMemory()

  constructor(options: MemorySessionBackendOptions = {}) {
    const maxSessions = options.maxSessions ?? 10_000
    if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new ConfigurationError('maxSessions', 'must be a positive integer')
    this.#maxSessions = maxSessions
  }

  /** Number of records held, expired ones not yet swept included. */
  get size(): number {
    return this.#records.size
  }

  async get(id: string): Promise<SessionData | undefined> {
    const record = this.#records.get(id)
    if (!record) return undefined
    if (record.expiresAt <= Date.now()) {
      this.#remove(id, record)
      return undefined
    }
    return JSON.parse(record.json) as SessionData
  }

  async set(id: string, session: SessionData, options: SessionRecordOptions): Promise<boolean> {
    const existing = this.#records.get(id)
    if (existing) this.#remove(id, existing)
    if (options.onlyIfPresent && (!existing || existing.expiresAt <= Date.now())) return false
    const record: MemoryRecord = {
      json: JSON.stringify(session),
      expiresAt: Date.now() + options.ttlSeconds * 1000,
      sub: options.sub,
      sid: options.sid,
    }
    this.#records.set(id, record)
    index(this.#bySub, record.sub, id)
    if (record.sid !== undefined) index(this.#bySid, record.sid, id)
    this.#sweep()
    return true
  }

  async delete(id: string): Promise<void> {
    const record = this.#records.get(id)
    if (record) this.#remove(id, record)
  }

  /** Shared by every instance given this backend, as the sessions are. */
  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return this.#marks.markOnce(key, Math.floor(Date.now() / 1000) + ttlSeconds)
  }

  async deleteBySub(sub: string): Promise<void> {
    for (const id of [...(this.#bySub.get(sub) ?? [])]) await this.delete(id)
  }

  async deleteBySid(sid: string): Promise<void> {
    for (const id of [...(this.#bySid.get(sid) ?? [])]) await this.delete(id)
  }

  #remove(id: string, record: MemoryRecord): void {
    this.#records.delete(id)
    unindex(this.#bySub, record.sub, id)
    if (record.sid !== undefined) unindex(this.#bySid, record.sid, id)
  }

  #sweep(): void {
    const now = Date.now()
    let looked = 0
    for (const [id, record] of this.#records) {
      if (looked++ >= SWEEP_PER_WRITE) break
      if (record.expiresAt <= now) this.#remove(id, record)
    }
    while (this.#records.size > this.#maxSessions) {
      const [oldestId, oldest] = this.#records.entries().next().value as [string, MemoryRecord]
      this.#remove(oldestId, oldest)
    }
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key)
  if (ids) ids.add(id)
  else map.set(key, new Set([id]))
}

function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key)
  if (!ids) return
  ids.delete(id)
  if (ids.size === 0) map.delete(key)
}
