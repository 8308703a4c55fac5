import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisClient, RedisSessionBackend, redisStateStore } from '../../adapters/redis.js'
import { signedInBrowser } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'
import { type RunningRedis, startRedisServer, stopRedisServer } from './redis-server.js'
import { behavesAsStatefulSessionStore, SESSION_COOKIE, sessionFor } from './stateful-store-behaviours.js'

const tenant = useMockedTenant()

let redis: RunningRedis | undefined
let nodeRedis: ReturnType<typeof createClient> | undefined
let ioredis: Redis | undefined

beforeAll(async () => {
  redis = await startRedisServer()
  nodeRedis = await createClient({ url: redis.url }).connect()
  ioredis = new Redis(redis.url)
})

afterAll(async () => {
  try {
    await nodeRedis?.close()
    await ioredis?.quit()
  } finally {
    await stopRedisServer(redis)
  }
})

/** A key prefix of its own per test, so tests never see each other's sessions. */
const freshPrefix = () => `test:${randomUUID()}:`

const clients: Array<[string, () => RedisClient]> = [
  ['node-redis', () => nodeRedis!],
  ['ioredis', () => ioredis!],
]

for (const [name, client] of clients) {
  describe(`StatefulStateStore on Redis through ${name}`, () => {
    behavesAsStatefulSessionStore(tenant, () => new RedisSessionBackend({ client: client(), prefix: freshPrefix() }))

    it('gives the session and its sub and sid indexes a TTL of the remaining session lifetime', async () => {
      const { emulator } = tenant
      const prefix = freshPrefix()
      const session = { rolling: true, inactivityDuration: 600, absoluteDuration: 3600 }
      const stateStore = redisStateStore({ client: client(), prefix })
      const auth = createTestAuth(emulator, { session, stateStore })
      const browser = await signedInBrowser(auth, emulator)
      const { user, internal } = (await sessionFor(auth, browser.cookies.get(SESSION_COOKIE)))!

      const keys = (await ioredis!.keys(`${prefix}*`)).sort()
      const sessionKeys = keys.filter((key) => key.startsWith(`${prefix}sess:`))
      expect(sessionKeys).toHaveLength(1)
      expect(keys).toEqual([...sessionKeys, `${prefix}sid:${internal.sid}`, `${prefix}sub:${user.sub}`].sort())
      // Allow a few seconds between the write and this read on a busy machine.
      for (const key of keys) {
        const ttl = await ioredis!.ttl(key)
        expect(ttl).toBeGreaterThan(590)
        expect(ttl).toBeLessThanOrEqual(600)
      }
      expect(await ioredis!.smembers(`${prefix}sub:${user.sub}`)).toEqual([sessionKeys[0]!.slice(`${prefix}sess:`.length)])
    })

    it('bounds a non-rolling session by the absolute duration', async () => {
      const { emulator } = tenant
      const prefix = freshPrefix()
      const session = { rolling: false, inactivityDuration: 600, absoluteDuration: 900 }
      const stateStore = redisStateStore({ client: client(), prefix })
      await signedInBrowser(createTestAuth(emulator, { session, stateStore }), emulator)
      const [sessionKey] = await ioredis!.keys(`${prefix}sess:*`)
      const ttl = await ioredis!.ttl(sessionKey!)
      expect(ttl).toBeGreaterThan(890)
      expect(ttl).toBeLessThanOrEqual(900)
    })

    it('drops a rotated-away id from the sub index', async () => {
      const { emulator } = tenant
      const prefix = freshPrefix()
      const stateStore = redisStateStore({ client: client(), prefix })
      const auth = createTestAuth(emulator, { stateStore })
      const browser = await signedInBrowser(auth, emulator)
      const { user } = (await sessionFor(auth, browser.cookies.get(SESSION_COOKIE)))!
      await browser.navigate('/auth/link?connection=github&returnTo=/home')
      expect(await ioredis!.keys(`${prefix}sess:*`)).toHaveLength(1)
      expect(await ioredis!.smembers(`${prefix}sub:${user.sub}`)).toHaveLength(1)
    })
  })
}

describe('RedisSessionBackend', () => {
  it('refuses an object that is neither a node-redis nor an ioredis client', () => {
    expect(() => new RedisSessionBackend({ client: {} as RedisClient })).toThrow(/node-redis.*ioredis/)
  })
})
