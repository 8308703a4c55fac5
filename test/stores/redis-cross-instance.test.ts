import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appEnv, type EmulatorServer, HttpBrowser, type SpawnedServer, spawnServer, startEmulatorServer } from '../runtime/harness.js'
import { type RunningRedis, startRedisServer, stopRedisServer } from './redis-server.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

let redis: RunningRedis | undefined
let tenant: EmulatorServer | undefined
const instances: { a?: SpawnedServer; b?: SpawnedServer } = {}

beforeAll(async () => {
  if (!existsSync(`${root}dist/redis.js`))
    throw new Error('dist/redis.js is missing: run `npm run build` first (the app instances import the built package)')
  redis = await startRedisServer()
  // Rotation with reuse detection, and access tokens inside the renewal leeway: every token
  // read is a refresh, and a refresh token sent twice would revoke the grant, as at Auth0.
  tenant = await startEmulatorServer({ refreshTokenRotation: true, accessTokenTtl: 5 })
  // Instances behind one load balancer share the secret (to read each other's cookies) and Redis.
  const shared = {
    ...appEnv(tenant.emulator, tenant.origin),
    AUTH0_SECRET: randomBytes(32).toString('base64url'),
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'cross:',
  }
  const start = (name: string, client: string) =>
    spawnServer({
      command: process.execPath,
      args: ['test/stores/redis-app.mjs'],
      cwd: root,
      env: { ...shared, INSTANCE_NAME: name, REDIS_CLIENT: client },
    })
  // Each is recorded as soon as it runs, so afterAll stops it even when the other fails to start.
  await Promise.all([
    start('a', 'node-redis').then((server) => (instances.a = server)),
    start('b', 'ioredis').then((server) => (instances.b = server)),
  ])
})

afterAll(async () => {
  try {
    await Promise.all([instances.a?.stop(), instances.b?.stop()])
    await tenant?.stop()
  } finally {
    await stopRedisServer(redis)
  }
})

/** What `/auth/profile` of an instance answers for a browser's cookies. */
async function profileAt(instance: SpawnedServer, browser: HttpBrowser): Promise<{ status: number; sub?: string }> {
  const response = await fetch(`${instance.baseUrl}/auth/profile`, { headers: { cookie: browser.cookieHeader() } })
  if (response.status !== 200) {
    await response.body?.cancel()
    return { status: response.status }
  }
  const body = (await response.json()) as { sub: string }
  return { status: response.status, sub: body.sub }
}

async function postLogoutToken(instance: SpawnedServer, claims: { sub?: string; sid?: string }): Promise<number> {
  const logoutToken = await tenant!.emulator.createLogoutToken(claims)
  const response = await fetch(`${instance.baseUrl}/auth/backchannel-logout`, {
    method: 'POST',
    body: new URLSearchParams({ logout_token: logoutToken }),
  })
  await response.body?.cancel()
  return response.status
}

async function signInAt(instance: SpawnedServer): Promise<{ browser: HttpBrowser; sub: string }> {
  const browser = new HttpBrowser(instance.baseUrl)
  const { url, response } = await browser.navigate('/auth/login?returnTo=/home')
  expect(url.pathname).toBe('/home')
  expect(await response.text()).toBe(`app page on ${instance === instances.a ? 'a' : 'b'}`)
  const profile = await profileAt(instance, browser)
  expect(profile.status).toBe(200)
  return { browser, sub: profile.sub! }
}

describe('two app processes sharing one Redis (node-redis in one, ioredis in the other)', () => {
  it('serves a session signed in on one instance from the other, and a backchannel logout posted to the other ends it', async () => {
    const { a, b } = instances
    const { browser, sub } = await signInAt(b!)
    expect(await profileAt(a!, browser)).toEqual({ status: 200, sub })

    expect(await postLogoutToken(a!, { sub, sid: tenant!.emulator.lastSid(sub)! })).toBe(200)
    expect((await profileAt(b!, browser)).status).toBe(401)
    expect((await profileAt(a!, browser)).status).toBe(401)
  })

  it('ends the sessions the user holds on both instances on a logout token for the sub', async () => {
    const { a, b } = instances
    const onA = await signInAt(a!)
    const onB = await signInAt(b!)
    expect(onB.sub).toBe(onA.sub)

    expect(await postLogoutToken(b!, { sub: onA.sub })).toBe(200)
    expect((await profileAt(a!, onA.browser)).status).toBe(401)
    expect((await profileAt(b!, onB.browser)).status).toBe(401)
  })

  it('sends one refresh for concurrent token reads of one session on both instances, and both hand out its token', async () => {
    const { a, b } = instances
    const { browser } = await signInAt(a!)
    const before = tenant!.emulator.hits.token
    const read = (instance: SpawnedServer) =>
      fetch(`${instance.baseUrl}/auth/access-token`, { headers: { cookie: browser.cookieHeader(), accept: 'application/json' } })
    const responses = await Promise.all([a, a, a, b, b, b].map((instance) => read(instance!)))
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200])
    const tokens = await Promise.all(responses.map(async (response) => ((await response.json()) as { token: string }).token))
    expect(new Set(tokens).size).toBe(1)
    expect(tenant!.emulator.hits.token - before).toBe(1)

    // The session both wrote back holds the rotated refresh token, which still works on either.
    const next = await fetch(`${b!.baseUrl}/auth/access-token`, { headers: { cookie: browser.cookieHeader(), accept: 'application/json' } })
    expect(next.status).toBe(200)
    expect(((await next.json()) as { token: string }).token).not.toBe(tokens[0])
    expect(tenant!.emulator.hits.token - before).toBe(2)
  })
})
