/**
 * `auth0-link-kit/redis`: sessions on Redis. A SessionBackend over the node-redis (v4+) or ioredis
 * client the app already has, with the lock that lets one instance refresh for all.
 *
 * @module auth0-link-kit/redis
 */

import {
  ConfigurationError,
  type SessionBackend,
  type SessionData,
  type SessionRecordOptions,
  type SharedRefresh,
  type StateStoreFactory,
  statefulStateStore,
} from '../core/index.js'
import { parseStoredRecord, storedRecord } from './stored-record.js'

/**
 * The one method of a node-redis v4+ client (`createClient()` from `redis`) this store uses:
 * any command as an argument array. Connecting and reconnecting stay the app's business.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const client: NodeRedisClient = await createClient({ url: process.env.REDIS_URL }).connect()
 * ```
 */
export interface NodeRedisClient {
  /** Sends e.g. `['SET', key, value, 'EX', '60']`; node-redis pipelines concurrent calls itself. */
  sendCommand(args: string[]): Promise<unknown>
}

/**
 * The one method of an ioredis client (`new Redis()` or `new Redis.Cluster()`) this store uses:
 * any command by name with its arguments.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const client: IoRedisClient = new Redis(process.env.REDIS_URL!)
 * ```
 */
export interface IoRedisClient {
  /** Sends e.g. `call('SET', [key, value, 'EX', '60'])`; ioredis pipelines concurrent calls itself. */
  call(command: string, args: string[]): Promise<unknown>
}

/**
 * A Redis client the app already has: node-redis v4+ or ioredis. Only its generic command method
 * is used, so any version of either works as long as it is connected.
 *
 * @example
 * ```ts
 * const client: RedisClient = new Redis()   // or: await createClient().connect()
 * ```
 */
export type RedisClient = NodeRedisClient | IoRedisClient

/**
 * Options of {@link RedisSessionBackend} and {@link redisStateStore}.
 *
 * @example
 * ```ts
 * const backend = new RedisSessionBackend({ client: new Redis(process.env.REDIS_URL!), prefix: 'myapp:' })
 * ```
 */
export interface RedisSessionBackendOptions {
  /** A connected node-redis v4+ or ioredis client; this package never opens or closes it. */
  client: RedisClient
  /** Prepended to every key, so several apps can share one database. Default `auth0-link-kit:`. */
  prefix?: string
}

type SendCommand = (args: string[]) => Promise<unknown>

function commandSender(client: RedisClient): SendCommand {
  // ioredis has a `sendCommand` too, taking its own Command objects: test for `call` first.
  if ('call' in client && typeof client.call === 'function') {
    const ioredis = client
    return ([command = '', ...args]) => ioredis.call(command, args)
  }
  if ('sendCommand' in client && typeof client.sendCommand === 'function') {
    const nodeRedis = client
    return (args) => nodeRedis.sendCommand(args)
  }
  throw new ConfigurationError('client', 'must be a node-redis v4+ client (sendCommand) or an ioredis client (call)')
}

function members(reply: unknown): string[] {
  // RESP2 answers SMEMBERS with an array; node-redis over RESP3 may map it to a Set.
  const items = Array.isArray(reply) ? reply : reply instanceof Set ? [...reply] : []
  return items.map(String)
}

/**
 * Sessions in Redis, shared by every instance of the app: `<prefix>sess:<id>` holds a session
 * with a TTL equal to its remaining lifetime, and the sets `<prefix>sub:<sub>` and
 * `<prefix>sid:<sid>` index the ids for backchannel logout (each set lives as long as its
 * longest-lived session). Needs Redis 7 or later (`EXPIRE … NX` / `GT`).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { createAuth, statefulStateStore } from 'auth0-link-kit'
 * import { RedisSessionBackend } from 'auth0-link-kit/redis'
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * const backend = new RedisSessionBackend({ client, prefix: 'myapp:' })
 * const auth = createAuth({ ...options, stateStore: statefulStateStore(backend) })
 * ```
 */
export class RedisSessionBackend implements SessionBackend {
  readonly #send: SendCommand
  readonly #prefix: string

  /** The cross-instance refresh lock and result board, on the same Redis. */
  readonly sharedRefresh: SharedRefresh

  constructor(options: RedisSessionBackendOptions) {
    const send = commandSender(options.client)
    const prefix = options.prefix ?? 'auth0-link-kit:'
    this.#send = send
    this.#prefix = prefix
    this.sharedRefresh = {
      claim: async (key, ttlMs) => (await send(['SET', `${prefix}lock:${key}`, '1', 'NX', 'PX', String(Math.ceil(ttlMs))])) !== null,
      publish: async (key, result, ttlMs) => {
        await send(['SET', `${prefix}result:${key}`, result, 'PX', String(Math.ceil(ttlMs))])
      },
      read: async (key) => {
        const reply = await send(['GET', `${prefix}result:${key}`])
        return reply === null || reply === undefined ? undefined : String(reply)
      },
    }
  }

  #sessionKey(id: string): string {
    return `${this.#prefix}sess:${id}`
  }

  #indexKeys(record: { sub: string; sid?: string | undefined }): string[] {
    const keys = [`${this.#prefix}sub:${record.sub}`]
    if (record.sid !== undefined) keys.push(`${this.#prefix}sid:${record.sid}`)
    return keys
  }

  async get(id: string): Promise<SessionData | undefined> {
    return parseStoredRecord(await this.#send(['GET', this.#sessionKey(id)]))?.session
  }

  async set(id: string, session: SessionData, options: SessionRecordOptions): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(options.ttlSeconds)))
    const indexKeys = this.#indexKeys(options)
    // Indexed before it exists, so a backchannel logout never misses a live session. An index
    // set lives as long as its longest-lived member: NX gives a new set a TTL, GT only extends.
    await Promise.all(
      indexKeys.map(async (key) => {
        await this.#send(['SADD', key, id])
        await Promise.all([this.#send(['EXPIRE', key, ttl, 'NX']), this.#send(['EXPIRE', key, ttl, 'GT'])])
      }),
    )
    const record = storedRecord(session, options)
    const command = ['SET', this.#sessionKey(id), JSON.stringify(record), 'EX', ttl]
    if (options.onlyIfPresent) command.push('XX')
    const written = (await this.#send(command)) !== null
    if (!written) await Promise.all(indexKeys.map((key) => this.#send(['SREM', key, id])))
    return written
  }

  async delete(id: string): Promise<void> {
    const record = parseStoredRecord(await this.#send(['GET', this.#sessionKey(id)]))
    await this.#send(['DEL', this.#sessionKey(id)])
    if (record) await Promise.all(this.#indexKeys(record).map((key) => this.#send(['SREM', key, id])))
  }

  /** `SET NX EX`: one instance wins, the others see the key (a used logout token). */
  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlSeconds)))
    return (await this.#send(['SET', `${this.#prefix}once:${key}`, '1', 'NX', 'EX', ttl])) !== null
  }

  async deleteBySub(sub: string): Promise<void> {
    await this.#deleteIndexed(`${this.#prefix}sub:${sub}`)
  }

  async deleteBySid(sid: string): Promise<void> {
    await this.#deleteIndexed(`${this.#prefix}sid:${sid}`)
  }

  async #deleteIndexed(indexKey: string): Promise<void> {
    const ids = members(await this.#send(['SMEMBERS', indexKey]))
    if (ids.length === 0) return
    // One key per DEL keeps this valid on Redis Cluster, where keys live in different slots.
    await Promise.all(ids.map((id) => this.#send(['DEL', this.#sessionKey(id)])))
    // SREM what was seen rather than DEL the set: an id added meanwhile stays findable.
    await this.#send(['SREM', indexKey, ...ids])
  }
}

/**
 * Sessions in Redis, shared by every instance of the app: pass it as `stateStore`. Token
 * refreshes are coordinated through the same Redis (`SET NX PX`), so two instances never send
 * one rotating refresh token twice.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { createAuth } from 'auth0-link-kit'
 * import { redisStateStore } from 'auth0-link-kit/redis'
 *
 * const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl, stateStore: redisStateStore({ client: new Redis(process.env.REDIS_URL!) }) })
 * ```
 */
export function redisStateStore(options: RedisSessionBackendOptions): StateStoreFactory {
  return statefulStateStore(new RedisSessionBackend(options))
}
