import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemorySessionBackend, type SessionData, statefulStateStore } from '../../core/index.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'
import { behavesAsStatefulSessionStore, SESSION_COOKIE, sessionFor, statefulAuth } from './stateful-store-behaviours.js'

const tenant = useMockedTenant()

afterEach(() => {
  vi.useRealTimers()
})

describe('StatefulStateStore on MemorySessionBackend', () => {
  behavesAsStatefulSessionStore(tenant, () => new MemorySessionBackend())

  it('reads an id cookie encrypted under a rotated-out secret and re-encrypts it under the current one', async () => {
    const { emulator } = tenant
    const backend = new MemorySessionBackend()
    const before = statefulAuth(emulator, backend).auth
    const cookie = (await signedInBrowser(before, emulator)).cookies.get(SESSION_COOKIE)!
    const options = authOptions(emulator, { secret: ['a-brand-new-secret-of-at-least-32-characters', SECRET] })
    const after = createTestAuth(emulator, { ...options, stateStore: statefulStateStore(backend) })
    const response = await after.handler(new Request(`${APP_ORIGIN}/auth/profile`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } }))
    expect(response?.status).toBe(200)
    const reissued = response!.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_COOKIE}=`))
    expect(reissued).toBeDefined()
    expect(reissued).not.toContain(cookie)
    expect(await sessionFor(before, reissued!.slice(SESSION_COOKIE.length + 1).split(';')[0])).toBeUndefined()
  })

  it('treats a stateless session cookie as no session (its key is for another purpose)', async () => {
    const { emulator } = tenant
    const stateless = (await signedInBrowser(createTestAuth(emulator), emulator)).cookies.get(SESSION_COOKIE)!
    expect(await sessionFor(createTestAuth(emulator), stateless)).toBeDefined()
    expect(await sessionFor(statefulAuth(emulator, new MemorySessionBackend()).auth, stateless)).toBeUndefined()
  })

  it('holds at most maxSessions, evicting the least recently written', async () => {
    const { emulator } = tenant
    const backend = new MemorySessionBackend({ maxSessions: 2 })
    const { auth } = statefulAuth(emulator, backend)
    const cookies: string[] = []
    for (let i = 0; i < 3; i++) cookies.push((await signedInBrowser(auth, emulator)).cookies.get(SESSION_COOKIE)!)
    expect(backend.size).toBe(2)
    expect(await sessionFor(auth, cookies[0])).toBeUndefined()
    expect(await sessionFor(auth, cookies[1])).toBeDefined()
    expect(await sessionFor(auth, cookies[2])).toBeDefined()
  })

  it('ends a rolling session after the inactivity duration and keeps it alive while it is used', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, new MemorySessionBackend(), { rolling: true, inactivityDuration: 120, absoluteDuration: 3600 })
    const cookie = (await signedInBrowser(auth, emulator)).cookies.get(SESSION_COOKIE)!
    const start = Date.now()
    // Only Date: MSW, jose and the emulator keep their real timers.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start + 100_000)
    expect(await sessionFor(auth, cookie)).toBeDefined()
    vi.setSystemTime(start + 200_000)
    expect(await sessionFor(auth, cookie)).toBeDefined()
    vi.setSystemTime(start + 400_000)
    expect(await sessionFor(auth, cookie)).toBeUndefined()
  })

  it('ends a session at the absolute duration even while it is used', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, new MemorySessionBackend(), { rolling: true, inactivityDuration: 120, absoluteDuration: 200 })
    const cookie = (await signedInBrowser(auth, emulator)).cookies.get(SESSION_COOKIE)!
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start + 100_000)
    expect(await sessionFor(auth, cookie)).toBeDefined()
    vi.setSystemTime(start + 201_000)
    expect(await sessionFor(auth, cookie)).toBeUndefined()
  })
})

describe('MemorySessionBackend', () => {
  const session = (sub: string, sid?: string): SessionData => ({
    user: { sub },
    idToken: 'id-token',
    tokenSets: [],
    internal: { createdAt: 0, updatedAt: 0, ...(sid ? { sid } : {}) },
  })

  it('expires a record after its TTL and sweeps expired records on later writes', async () => {
    const backend = new MemorySessionBackend()
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start)
    await backend.set('short', session('auth0|a'), { ttlSeconds: 10, sub: 'auth0|a' })
    await backend.set('long', session('auth0|b'), { ttlSeconds: 1000, sub: 'auth0|b' })
    vi.setSystemTime(start + 11_000)
    await backend.set('new', session('auth0|c'), { ttlSeconds: 1000, sub: 'auth0|c' })
    expect(backend.size).toBe(2)
    expect(await backend.get('short')).toBeUndefined()
    expect((await backend.get('long'))?.user.sub).toBe('auth0|b')
  })

  it('returns copies, so mutating a session read back does not change the stored one', async () => {
    const backend = new MemorySessionBackend()
    await backend.set('id', session('auth0|a'), { ttlSeconds: 60, sub: 'auth0|a' })
    const read = (await backend.get('id'))!
    read.user.sub = 'auth0|mallory'
    expect((await backend.get('id'))?.user.sub).toBe('auth0|a')
  })

  it('finds sessions by sub and by sid, and forgets index entries of deleted records', async () => {
    const backend = new MemorySessionBackend()
    await backend.set('one', session('auth0|a', 's1'), { ttlSeconds: 60, sub: 'auth0|a', sid: 's1' })
    await backend.set('two', session('auth0|a', 's2'), { ttlSeconds: 60, sub: 'auth0|a', sid: 's2' })
    await backend.set('three', session('auth0|b', 's3'), { ttlSeconds: 60, sub: 'auth0|b', sid: 's3' })
    await backend.deleteBySid('s1')
    expect(await backend.get('one')).toBeUndefined()
    expect(await backend.get('two')).toBeDefined()
    await backend.deleteBySub('auth0|a')
    expect(await backend.get('two')).toBeUndefined()
    expect(await backend.get('three')).toBeDefined()
    expect(backend.size).toBe(1)
  })

  it('refuses an onlyIfPresent write when the record is gone', async () => {
    const backend = new MemorySessionBackend()
    expect(await backend.set('gone', session('auth0|a'), { ttlSeconds: 60, sub: 'auth0|a', onlyIfPresent: true })).toBe(false)
    expect(await backend.get('gone')).toBeUndefined()
    expect(backend.size).toBe(0)
  })
})
